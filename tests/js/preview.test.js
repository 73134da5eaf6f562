'use strict';
// previewWindow (SPEC 6, 7) through the public JS API of both builds: results pinned to the engine's
// arithmetic, the `needed` answers re-run, fairness, determinism, invalid options, and both builds
// answering byte for byte the same.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild, loadBuilds, buildNames } = require('./helpers/builds');

const S = 1700000000;
const ceilDiv = (a, b) => Math.ceil(a / b);

// Every attempt connects after exactly `ring` seconds and talks exactly `talk` seconds.
const allConnect = (calls, capacity, ring, talk) => ({
  calls,
  capacity,
  start: S,
  ringTime: { mean: ring },
  talkTime: { mean: talk },
  rates: { connected: 1 },
});

forEachBuild((getFuse) => {
  test('all connect: waves of `capacity` calls, each ring + talk long', () => {
    const fuse = getFuse();
    for (const [calls, capacity, ring, talk] of [[100, 10, 5, 30], [101, 10, 5, 30], [1000, 1, 12, 48], [40000, 30, 15, 45]]) {
      const r = fuse.previewWindow(allConnect(calls, capacity, ring, talk));
      const waves = ceilDiv(calls, capacity);
      assert.equal(r.ok, true);
      assert.equal(r.completed, calls);
      assert.equal(r.failed + r.canceled, 0);
      assert.equal(r.attempts, calls);
      assert.equal(r.fits, true);
      assert.equal(r.drainTimestamp, S + waves * (ring + talk));
      assert.equal(r.needed.endTimestamp, S + (waves - 1) * (ring + talk) + 1, 'the last wave is dialed at the last second');
      assert.equal(r.needed.capacity, null, 'no end: nothing to fit into');
      const last = r.timeline.at(-1);
      assert.equal(last.completed, calls);
      assert.ok(last.timestamp >= r.drainTimestamp && last.timestamp - r.timeline.at(-2).timestamp === 60);
      assert.ok(r.timeline.every((p) => p.linesInUse <= capacity));
    }
  });

  test('an end cancels the waves it does not reach; needed.capacity is the arithmetic one', () => {
    const fuse = getFuse();
    for (const [calls, capacity, ring, talk, window] of [[100, 10, 5, 30, 105], [100, 10, 5, 30, 106], [1000, 7, 3, 57, 3600], [40000, 30, 15, 45, 28800]]) {
      const r = fuse.previewWindow({ ...allConnect(calls, capacity, ring, talk), end: S + window });
      const perCall = ring + talk;
      const started = Math.min(ceilDiv(calls, capacity), ceilDiv(window, perCall)); // wave w dials at w * perCall
      const dialed = Math.min(calls, started * capacity);
      assert.equal(r.completed, dialed);
      assert.equal(r.canceled, calls - dialed);
      assert.equal(r.fits, dialed === calls);
      assert.equal(r.needed.capacity, ceilDiv(calls, ceilDiv(window, perCall)));
      assert.equal(r.timeline.at(-1).canceled, calls - dialed);
    }
  });

  test('timeline points sample the state just after each step', () => {
    const r = getFuse().previewWindow({ ...allConnect(25, 10, 10, 50), timelineStep: 60 });
    assert.deepEqual(r.timeline, [
      { timestamp: S, linesInUse: 10, queued: 15, completed: 0, failed: 0, canceled: 0 },
      { timestamp: S + 60, linesInUse: 10, queued: 5, completed: 10, failed: 0, canceled: 0 },
      { timestamp: S + 120, linesInUse: 5, queued: 0, completed: 20, failed: 0, canceled: 0 },
      { timestamp: S + 180, linesInUse: 0, queued: 0, completed: 25, failed: 0, canceled: 0 },
    ]);
    assert.equal(r.timelineStep, 60);
  });

  test('every attempt busy: attempts, failures and drain are exact', () => {
    const fuse = getFuse();
    // Lines for every call: attempt k of each call at start + k * (ring + wait).
    let r = fuse.previewWindow({ ...allConnect(20, 20, 10, 60), rates: { busy: 1 }, maxAttempts: 3, reattemptWait: 300 });
    assert.equal(r.attempts, 60);
    assert.equal(r.outcomes.busy, 60);
    assert.equal(r.failed, 20);
    assert.equal(r.drainTimestamp, S + 2 * 310 + 10);
    // 95 calls on 10 lines, passes of 10 waves of 20 s, each pass 20 + 600 s after the previous.
    r = fuse.previewWindow({ ...allConnect(95, 10, 20, 60), rates: { busy: 1 }, maxAttempts: 4, reattemptWait: 600 });
    assert.equal(r.attempts, 380);
    assert.equal(r.failed, 95);
    assert.equal(r.drainTimestamp, S + 9 * 20 + 3 * 620 + 20);
    // An end between the 2nd and 3rd attempts: everyone is canceled while waiting, at the end.
    r = fuse.previewWindow({ ...allConnect(20, 20, 10, 60), rates: { busy: 1 }, maxAttempts: 3, reattemptWait: 300, end: S + 400 });
    assert.equal(r.attempts, 40);
    assert.equal(r.canceled, 20);
    assert.equal(r.drainTimestamp, S + 400);
    assert.equal(r.needed.capacity, null, 'the 3rd attempt comes at +620 whatever the lines');
    assert.equal(r.needed.endTimestamp, S + 621);
  });

  test('rejected (SPEC 13) is a failed attempt of its own outcome; the default model has none', () => {
    const fuse = getFuse();
    const r = fuse.previewWindow({ ...allConnect(20, 20, 10, 60), rates: { rejected: 1 }, maxAttempts: 2, reattemptWait: 300 });
    assert.equal(r.attempts, 40);
    assert.equal(r.outcomes.rejected, 40);
    assert.equal(r.outcomes.busy + r.outcomes.connected, 0);
    assert.equal(r.failed, 20);
    assert.equal(r.drainTimestamp, S + 310 + 10);
    const mixed = fuse.previewWindow({ ...allConnect(2000, 50, 10, 60), rates: { connected: 1, rejected: 1 }, seed: 7 });
    assert.ok(mixed.outcomes.rejected > 800 && mixed.outcomes.connected > 800, JSON.stringify(mixed.outcomes));
    assert.equal(fuse.previewWindow(allConnect(100, 10, 5, 30)).outcomes.rejected, 0);
    const carrier = fuse.createSimCarrier({ rates: { rejected: 1 }, ringTime: { mean: 4 } });
    assert.deepEqual(carrier.attempt('+16175551234', '1', 1), { outcome: 'rejected', after: 4, talk: 0 });
    carrier.dispose();
  });

  test('noanswer holds a line until the ring timeout', () => {
    const r = getFuse().previewWindow({ ...allConnect(12, 4, 10, 60), rates: { noanswer: 1 }, ringTimeout: 30, maxAttempts: 2, reattemptWait: 120 });
    assert.equal(r.outcomes.noanswer, 24);
    assert.equal(r.failed, 12);
    assert.equal(r.drainTimestamp, S + 240); // waves at +0, +30, +60; again at +150, +180, +210
  });

  test('needed answers hold when run again', () => {
    const fuse = getFuse();
    for (const [calls, capacity, window, seed] of [[3000, 10, 4 * 3600, 1], [3000, 40, 4 * 3600, 2], [2000, 6, 3 * 3600, 3]]) {
      const options = { calls, capacity, start: S, end: S + window, maxAttempts: 3, reattemptWait: 300, seed, competing: [{ calls: 500, start: S + 600 }] };
      const r = fuse.previewWindow(options);
      const { capacity: lines, endTimestamp } = r.needed;
      assert.ok(lines > 1);
      assert.equal(fuse.previewWindow({ ...options, capacity: lines }).canceled, 0);
      assert.ok(fuse.previewWindow({ ...options, capacity: lines - 1 }).canceled > 0);
      assert.equal(r.fits, capacity >= lines);
      assert.equal(fuse.previewWindow({ ...options, end: endTimestamp }).canceled, 0);
      assert.ok(fuse.previewWindow({ ...options, end: endTimestamp - 1 }).canceled > 0);
      assert.equal(r.needed.windowSeconds, endTimestamp - S);
    }
  });

  test('competing deployments of the same size share the lines and finish together', () => {
    const r = getFuse().previewWindow({ ...allConnect(300, 10, 10, 50), competing: [{ calls: 300 }] });
    assert.equal(r.competing.length, 1);
    assert.equal(r.competing[0].completed, 300);
    assert.equal(r.drainTimestamp, S + 60 * 60);
    assert.equal(r.competing[0].drainTimestamp, r.drainTimestamp);
    assert.equal(r.timeline[1].completed, 5, 'half of the first wave was the other deployment\'s');
    assert.deepEqual(
      { start: r.competing[0].start, end: r.competing[0].end, calls: r.competing[0].calls },
      { start: S, end: null, calls: 300 },
    );
  });

  test('same seed, same answer; another seed, other details', () => {
    const fuse = getFuse();
    const options = { calls: 2000, capacity: 12, start: S, end: S + 3 * 3600, maxAttempts: 3, reattemptWait: 300, seed: 42 };
    const a = fuse.previewWindow(options);
    assert.deepEqual(fuse.previewWindow(options), a);
    const b = fuse.previewWindow({ ...options, seed: 43 });
    assert.notDeepEqual(b.outcomes, a.outcomes);
    assert.deepEqual(fuse.previewWindow({ ...options, seed: 1 }), fuse.previewWindow({ ...options, seed: undefined }), 'default seed 1');
  });

  test('outcomes do not depend on dial order: without end the capacity changes only the times', () => {
    const fuse = getFuse();
    const options = { calls: 3000, start: S, maxAttempts: 4, reattemptWait: 120 };
    const few = fuse.previewWindow({ ...options, capacity: 3 });
    const many = fuse.previewWindow({ ...options, capacity: 300 });
    assert.deepEqual(few.outcomes, many.outcomes);
    assert.equal(few.failed, many.failed);
    assert.ok(few.drainTimestamp > many.drainTimestamp);
  });

  test('csv: previews the rows a validateCsv result queues', () => {
    const fuse = getFuse();
    const csv = fuse.validateCsv('destination\n6175551234\n6175551235\n6175551236\n', {}, { now: S });
    assert.equal(csv.queued, 3);
    const r = fuse.previewWindow({ csv, capacity: 1, start: S, ringTime: { mean: 5 }, talkTime: { mean: 55 }, rates: { connected: 1 } });
    assert.equal(r.calls, 3);
    assert.equal(r.drainTimestamp, S + 180);
    const bad = fuse.validateCsv('destination\n6175551234\nnope\n', {}, { now: S });
    const e = fuse.previewWindow({ csv: bad, capacity: 1, start: S });
    assert.equal(e.ok, false);
    assert.deepEqual(e.errors.map((x) => [x.code, x.field]), [['invalid_preview', 'csv']]);
    assert.match(e.errors[0].message, /partial/);
  });

  test('start defaults to now', () => {
    const before = Math.floor(Date.now() / 1000);
    const r = getFuse().previewWindow({ calls: 1, capacity: 1 });
    assert.ok(r.start >= before && r.start <= Math.floor(Date.now() / 1000));
    assert.equal(r.timeline[0].timestamp, r.start);
  });

  test('invalid options: every problem, in the option names, with the queue parameters\' codes', () => {
    const fuse = getFuse();
    const r = fuse.previewWindow({
      calls: 10,
      capacity: 0,
      start: S,
      end: S,
      maxAttempts: 11,
      talkTime: { mean: 0 },
      rates: { busy: -1 },
      ringTimeout: 0,
      timelineStep: 0.5,
      bogus: 1,
      competing: [{ calls: 5, reattemptWait: 30 }],
    });
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors.map((e) => [e.code, e.field]), [
      ['invalid_preview', 'bogus'],
      ['invalid_preview', 'capacity'],
      ['end_before_start', 'end'],
      ['invalid_max_attempts', 'maxAttempts'],
      ['max_attempts_requires_reattempt_wait', 'maxAttempts'],
      ['invalid_preview', 'talkTime.mean'],
      ['invalid_preview', 'ringTimeout'],
      ['invalid_preview', 'timelineStep'],
      ['invalid_reattempt_wait', 'competing[0].reattemptWait'],
      ['reattempt_wait_requires_max_attempts', 'competing[0].reattemptWait'],
      ['invalid_preview', 'rates.busy'],
    ]);
    for (const e of r.errors) assert.ok(e.message.includes(e.field), e.message);
    assert.match(r.errors[3].message, /maxAttempts 11 is out of range; give a whole number from 1 to 10/);
    const zero = fuse.previewWindow({ calls: 5, capacity: 1, rates: { connected: 0 } });
    assert.deepEqual(zero.errors.map((e) => e.field), ['rates']);
    assert.match(zero.errors[0].message, /normalised/);
    assert.deepEqual(fuse.previewWindow({ capacity: 1 }).errors.map((e) => e.field), ['calls']);
    assert.deepEqual(fuse.previewWindow({ calls: 1 }).errors.map((e) => e.field), ['capacity']);
  });

  test('wrong argument types throw TypeError', () => {
    const fuse = getFuse();
    assert.throws(() => fuse.previewWindow(), TypeError);
    assert.throws(() => fuse.previewWindow({ calls: '10', capacity: 1 }), /options.calls must be a finite number/);
    assert.throws(() => fuse.previewWindow({ calls: 10, capacity: NaN }), TypeError);
    assert.throws(() => fuse.previewWindow({ calls: 10, capacity: 1, talkTime: 60 }), /options.talkTime must be an object/);
    assert.throws(() => fuse.previewWindow({ calls: 10, capacity: 1, rates: { busy: '0.1' } }), TypeError);
    assert.throws(() => fuse.previewWindow({ calls: 10, capacity: 1, competing: {} }), /competing must be an array/);
    assert.throws(() => fuse.previewWindow({ calls: 10, capacity: 1, competing: [{ calls: 'x' }] }), /competing\[0\].calls/);
    assert.throws(() => fuse.previewWindow({ csv: 'a.csv', capacity: 1 }), TypeError);
  });
});

test('native and wasm give identical previews for the same seed', { skip: buildNames.length < 2 }, async () => {
  const builds = await loadBuilds();
  const cases = [
    { calls: 20000, capacity: 25, start: S, end: S + 8 * 3600, maxAttempts: 3, reattemptWait: 300, seed: 7 },
    { calls: 5000, capacity: 8, start: S, maxAttempts: 2, reattemptWait: 900, talkTime: { mean: 90, spread: 60 }, rates: { connected: 5, busy: 3, noanswer: 1, informationtone: 1 }, seed: 12345 },
    { calls: 3000, capacity: 20, start: S, end: S + 3600, competing: [{ calls: 4000, start: S - 600, maxAttempts: 2, reattemptWait: 60 }, { calls: 100, start: S + 300, end: S + 1200 }], timelineStep: 7 },
  ];
  for (const options of cases) {
    const text = JSON.stringify(builds.native.previewWindow(options));
    assert.equal(JSON.stringify(builds.wasm.previewWindow(options)), text);
  }
});
