'use strict';
// SPEC 14 (dial-time policy: calling hours in the recipient's local time, pacing, suppression,
// weights) through the public JS API of both builds: the engine, the window preview and the CSV
// columns.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild, loadBuilds, buildNames } = require('./helpers/builds');
const { mulberry32 } = require('./helpers/random');

/** Unix seconds of an ISO 8601 UTC time. */
const Z = (iso) => {
  const ms = Date.parse(iso);
  assert.ok(Number.isFinite(ms), iso);
  return ms / 1000;
};
/** ISO text of Unix seconds (for readable failures). */
const iso = (t) => (t === null || t === undefined ? t : new Date(t * 1000).toISOString());

const dials = (actions) => actions.filter((a) => a.type === 'dial');
const results = (actions) => actions.filter((a) => a.type === 'result');

// Queues `number` at `at` (a deployment with `policy`, the call with `params`), then returns when
// it dials: the engine's nextWakeup at each step, until the dial (or the call's end).
function dialTime(fuse, number, at, { policy = { callingHours: 'tcpa' }, params = {} } = {}) {
  const engine = new fuse.Engine({ capacity: 1 });
  try {
    engine.setDeployment('D', policy);
    const queued = engine.enqueue('D', { phone_number: number, ...params }, at);
    assert.equal(queued.ok, true, JSON.stringify(queued.errors));
    for (let now = at, guard = 0; guard < 20; guard++) {
      const actions = engine.advance(now);
      const dial = dials(actions)[0];
      if (dial) return { dial: dial.timestamp, wake: now };
      if (results(actions).length) return { dial: null, result: results(actions)[0] };
      const wake = engine.nextWakeup();
      if (wake === null) return { dial: null };
      assert.ok(wake > now, `nextWakeup ${iso(wake)} does not move on from ${iso(now)}`);
      now = wake;
    }
    throw new Error('no dial after 20 wakeups');
  } finally {
    engine.dispose();
  }
}

// Every case: [what, number, queued at (UTC), hours, expected first dial (UTC)].
// 08:00 local on each side of the 2026 US transitions (Sunday 2026-03-08 02:00 -> 03:00 and Sunday
// 2026-11-01 02:00 -> 01:00; Phoenix and Honolulu keep standard time). Hours 08:00-12:00, queued
// at 07:00Z: before 08:00 local in every one of these zones (Honolulu: 21:00 the day before).
const US_ZONES = [
  // [city, number, offsets: before the March change, after it (until November), after November]
  ['New York', '2125550100', -5, -4, -5],
  ['Chicago', '3125550100', -6, -5, -6],
  ['Denver', '3035550100', -7, -6, -7],
  ['Phoenix', '6025550100', -7, -7, -7],
  ['Honolulu', '8085550100', -10, -10, -10],
];
const DST_DAYS = [
  // [date, which offset is in force at 08:00 local]
  ['2026-03-07', 0],
  ['2026-03-08', 1], // the change happened at 02:00 that morning
  ['2026-03-09', 1],
  ['2026-10-31', 1],
  ['2026-11-01', 2], // back to standard time at 02:00 that morning
  ['2026-11-02', 2],
];
const at8 = (date, offset) => Z(`${date}T08:00:00Z`) - offset * 3600;

forEachBuild((getFuse) => {
  test('07:59 -> 08:00 local: a tcpa call to 212 queued at 07:59 EDT dials at 12:00:00Z exactly, nextWakeup says so', () => {
    const { Engine } = getFuse();
    const engine = new Engine({ capacity: 1 });
    engine.setDeployment('A', { callingHours: 'tcpa' });
    const t = Z('2026-03-09T11:59:00Z'); // Monday 07:59 EDT
    assert.equal(engine.enqueue('A', { phone_number: '2125551234' }, t).ok, true);
    assert.deepEqual(engine.advance(t), []);
    assert.equal(engine.nextWakeup(), Z('2026-03-09T12:00:00Z'));
    const s = engine.stats();
    assert.equal(s.waiting, 1, 'a call held outside its hours counts as waiting');
    assert.equal(s.queued, 0);
    assert.deepEqual(engine.advance(Z('2026-03-09T11:59:59Z')), []);
    const [dial, ...rest] = engine.advance(Z('2026-03-09T12:00:00Z'));
    assert.equal(rest.length, 0);
    assert.equal(dial.type, 'dial');
    assert.equal(dial.timestamp, Z('2026-03-09T12:00:00Z'));
    assert.equal(engine.get('1').status, 'dialing');
    // Advancing past the opening at once gives the dial stamped with the advance's time, not before.
    const late = new Engine({ capacity: 1 });
    late.setDeployment('A', { callingHours: 'tcpa' });
    late.enqueue('A', { phone_number: '2125551234' }, t);
    assert.deepEqual(dials(late.advance(Z('2026-03-09T12:00:30Z'))).map((a) => a.timestamp), [Z('2026-03-09T12:00:30Z')]);
    // 21:00 local closes: 20:59 EDT dials, 21:00 EDT waits until 08:00 the next day.
    assert.equal(dialTime(getFuse(), '2125551234', Z('2026-03-10T00:59:00Z')).dial, Z('2026-03-10T00:59:00Z'));
    assert.equal(dialTime(getFuse(), '2125551234', Z('2026-03-10T01:00:00Z')).dial, Z('2026-03-10T12:00:00Z'));
    engine.dispose();
    late.dispose();
  });

  test('DST edges: 08:00 local in New York, Chicago, Denver, Phoenix and Honolulu around 2026-03-08 and 2026-11-01', () => {
    const fuse = getFuse();
    const got = [];
    const want = [];
    for (const [city, number, ...offsets] of US_ZONES) {
      for (const [date, which] of DST_DAYS) {
        const { dial } = dialTime(fuse, number, Z(`${date}T07:00:00Z`), { policy: { callingHours: '08:00-12:00' } });
        got.push(`${city} ${date} ${iso(dial)}`);
        want.push(`${city} ${date} ${iso(at8(date, offsets[which]))}`);
      }
    }
    assert.deepEqual(got, want);
  });

  test('a split area code (208-320: Boise and Los Angeles) dials when both are inside: 08:00 Pacific', () => {
    const fuse = getFuse();
    // Monday 2026-03-09: MDT (-6) opens 14:00Z, PDT (-7) 15:00Z.
    assert.equal(dialTime(fuse, '2083205555', Z('2026-03-09T07:00:00Z')).dial, Z('2026-03-09T15:00:00Z'));
    // ...and it closes at 21:00 Mountain (03:00Z), not 21:00 Pacific (04:00Z).
    assert.equal(dialTime(fuse, '2083205555', Z('2026-03-10T02:59:00Z')).dial, Z('2026-03-10T02:59:00Z'));
    assert.equal(dialTime(fuse, '2083205555', Z('2026-03-10T03:00:00Z')).dial, Z('2026-03-10T15:00:00Z'));
    // 208-333 has no longer prefix than 1208 3 (Denver only): 08:00 MDT.
    assert.equal(dialTime(fuse, '2083335555', Z('2026-03-09T07:00:00Z')).dial, Z('2026-03-09T14:00:00Z'));
  });

  test('+44 (London, GMT then BST) and +61 8 5100 (Adelaide and Perth; 5100 1xxx is Christmas Island)', () => {
    const fuse = getFuse();
    // London: 08:00 GMT on 2026-03-09, 08:00 BST (07:00Z) after 2026-03-29.
    assert.equal(dialTime(fuse, '+44 20 7946 0958', Z('2026-03-09T05:00:00Z')).dial, Z('2026-03-09T08:00:00Z'));
    assert.equal(dialTime(fuse, '+44 20 7946 0958', Z('2026-03-30T05:00:00Z')).dial, Z('2026-03-30T07:00:00Z'));
    // +61 8 5100 3xxx: only the prefix 618510 matches (Adelaide & Perth). On 2026-03-09 Adelaide is
    // ACDT (+10:30: 08:00-21:00 = 21:30Z-10:30Z), Perth AWST (+8: 00:00Z-13:00Z): both 00:00Z-10:30Z.
    const both = '+61 8 5100 3123';
    assert.equal(dialTime(fuse, both, Z('2026-03-09T10:29:00Z')).dial, Z('2026-03-09T10:29:00Z'));
    assert.equal(dialTime(fuse, both, Z('2026-03-09T10:30:00Z')).dial, Z('2026-03-10T00:00:00Z'));
    assert.equal(dialTime(fuse, both, Z('2026-03-09T22:00:00Z')).dial, Z('2026-03-10T00:00:00Z')); // Adelaide open, Perth not
    // After 2026-04-05 Adelaide is ACST (+9:30): it closes at 11:30Z.
    assert.equal(dialTime(fuse, both, Z('2026-04-06T11:29:00Z')).dial, Z('2026-04-06T11:29:00Z'));
    assert.equal(dialTime(fuse, both, Z('2026-04-06T11:30:00Z')).dial, Z('2026-04-07T00:00:00Z'));
    // +61 8 5100 1xxx: the longer prefix 61851001 is Indian/Christmas (+7): 21:00 local = 14:00Z.
    assert.equal(dialTime(fuse, '+61 8 5100 1234', Z('2026-03-09T13:59:00Z')).dial, Z('2026-03-09T13:59:00Z'));
    assert.equal(dialTime(fuse, '+61 8 5100 1234', Z('2026-03-09T14:00:00Z')).dial, Z('2026-03-10T01:00:00Z'));
  });

  test('a per-call timezone overrides the number; a per-call calling_hours overrides the deployment', () => {
    const fuse = getFuse();
    const t = Z('2026-03-09T07:00:00Z');
    assert.equal(dialTime(fuse, '2125551234', t, { params: { timezone: 'America/Los_Angeles' } }).dial, Z('2026-03-09T15:00:00Z'));
    assert.equal(dialTime(fuse, '2125551234', t, { params: { timezone: 'Asia/Tokyo' } }).dial, t); // 16:00 in Tokyo
    // The timezone alone also replaces a split area code's two zones.
    assert.equal(dialTime(fuse, '2083205555', t, { params: { timezone: 'America/Boise' } }).dial, Z('2026-03-09T14:00:00Z'));
    // Per-call hours, as text and as an object, over the deployment's tcpa.
    assert.equal(dialTime(fuse, '2125551234', t, { params: { calling_hours: '13:00-14:00' } }).dial, Z('2026-03-09T17:00:00Z'));
    assert.equal(
      dialTime(fuse, '2125551234', t, { params: { calling_hours: { 'mon-fri': '10:00-11:00' }, timezone: 'America/Chicago' } }).dial,
      Z('2026-03-09T15:00:00Z'),
    );
    // A deployment without hours: the call's own hours alone.
    assert.equal(dialTime(fuse, '2125551234', t, { policy: {}, params: { calling_hours: 'tcpa' } }).dial, Z('2026-03-09T12:00:00Z'));
    assert.equal(dialTime(fuse, '2125551234', t, { policy: {} }).dial, t);
  });

  test('calling hours forms: split spans, weekdays (Sunday closed), the object form; canonical text in the policy', () => {
    const fuse = getFuse();
    const { Engine } = fuse;
    const engine = new Engine({ capacity: 1 });
    const forms = [
      ['tcpa', '08:00-21:00'],
      ['08:00-21:00', '08:00-21:00'],
      ['08:00-12:00,13:00-20:00', '08:00-12:00,13:00-20:00'],
      ['mon-fri 08:00-21:00; sat 09:00-17:00', 'mon-fri 08:00-21:00; sat 09:00-17:00'],
      [{ 'mon-fri': '08:00-21:00', sat: '09:00-17:00' }, 'mon-fri 08:00-21:00; sat 09:00-17:00'],
    ];
    for (const [given, text] of forms) {
      assert.deepEqual(engine.setDeployment('A', { callingHours: given }), { weight: 1, callingHours: text, suppressionList: null });
      // The canonical text reads back to itself.
      assert.equal(engine.setDeployment('B', { callingHours: text }).callingHours, text);
    }
    assert.deepEqual(engine.deploymentPolicy('A'), { weight: 1, callingHours: 'mon-fri 08:00-21:00; sat 09:00-17:00', suppressionList: null });
    assert.deepEqual(engine.setDeployment('A', { weight: 2 }), { weight: 2, callingHours: 'mon-fri 08:00-21:00; sat 09:00-17:00', suppressionList: null });
    assert.deepEqual(engine.setDeployment('A', { callingHours: null }), { weight: 2, callingHours: null, suppressionList: null });
    assert.deepEqual(engine.deploymentPolicy('never-set'), { weight: 1, callingHours: null, suppressionList: null });
    engine.dispose();

    const split = { policy: { callingHours: '08:00-12:00,13:00-20:00' } };
    assert.equal(dialTime(fuse, '2125551234', Z('2026-03-09T16:00:00Z'), split).dial, Z('2026-03-09T17:00:00Z')); // 12:00 -> 13:00 EDT
    assert.equal(dialTime(fuse, '2125551234', Z('2026-03-09T15:59:00Z'), split).dial, Z('2026-03-09T15:59:00Z'));
    const week = { policy: { callingHours: { 'mon-fri': '08:00-21:00', sat: '09:00-17:00' } } };
    // Saturday 2026-03-07 18:00 EST: closed for the day; Sunday closed; Monday 08:00 EDT.
    assert.equal(dialTime(fuse, '2125551234', Z('2026-03-07T23:00:00Z'), week).dial, Z('2026-03-09T12:00:00Z'));
    // Saturday 08:00 EST: the Saturday hours open at 09:00 EST.
    assert.equal(dialTime(fuse, '2125551234', Z('2026-03-07T13:00:00Z'), week).dial, Z('2026-03-07T14:00:00Z'));
  });

  test('a window that ends before the hours open: the preflight warning, then canceled at exactly the window end', () => {
    const fuse = getFuse();
    const t = Z('2026-03-09T11:00:00Z'); // 07:00 EDT
    const params = { phone_number: '2125551234', calling_hours: 'tcpa', end_timestamp: t + 1800 };
    const checked = fuse.validateQueueRequest(params, { now: t });
    assert.equal(checked.ok, true);
    assert.deepEqual(checked.warnings.map((w) => [w.code, w.field]), [['outside_calling_hours', 'phone_number']]);
    // One minute inside the hours is enough: no warning.
    assert.deepEqual(fuse.validateQueueRequest({ ...params, end_timestamp: Z('2026-03-09T12:01:00Z') }, { now: t }).warnings, []);

    const engine = new fuse.Engine({ capacity: 1 });
    const queued = engine.enqueue('A', params, t);
    assert.deepEqual(queued.warnings.map((w) => w.code), ['outside_calling_hours']);
    assert.deepEqual(engine.advance(t), []);
    assert.equal(engine.stats().waiting, 1);
    assert.equal(engine.nextWakeup(), t + 1800);
    const actions = engine.advance(t + 7200);
    assert.deepEqual(actions.map((a) => [a.type, a.status]), [['result', 'canceled']]);
    assert.deepEqual(JSON.parse(actions[0].payload).events, [
      { event: 'queued', timestamp: t },
      { event: 'canceled', timestamp: t + 1800 },
    ]);
    // The warning is for a call's own hours (core/include/fuse/queue_request.hpp): a deployment's
    // hours hold the call just the same, but enqueue gives no warning for them.
    const withPolicy = new fuse.Engine({ capacity: 1 });
    withPolicy.setDeployment('A', { callingHours: 'tcpa' });
    assert.deepEqual(withPolicy.enqueue('A', { phone_number: '2125551234', end_timestamp: t + 1800 }, t).warnings, []);
    assert.deepEqual(withPolicy.advance(t), []);
    assert.deepEqual(results(withPolicy.advance(t + 1800)).map((a) => a.status), ['canceled']);
    engine.dispose();
    withPolicy.dispose();
  });

  test('dial rate is never exceeded: at most ceil(rate x S) dials in any S consecutive seconds (S = 1..10), random scripts', () => {
    const { Engine } = getFuse();
    for (const rate of [0.5, 1, 2.5]) {
      for (let seed = 1; seed <= 4; seed++) {
        const rnd = mulberry32(seed * 7 + Math.round(rate * 10));
        const engine = new Engine({ capacity: 40, dialRate: rate, ringTimeout: 30 });
        assert.equal(engine.stats().dialRate, rate);
        const T0 = Z('2026-03-09T15:00:00Z');
        let t = T0;
        const carrier = []; // [time, id, event]
        const dialTimes = [];
        let queued = 0;
        const handle = (actions) => {
          for (const a of dials(actions)) {
            dialTimes.push(a.timestamp);
            const r = rnd();
            if (r < 0.6) {
              const c = a.timestamp + 1 + Math.floor(rnd() * 20);
              carrier.push([c, a.callId, 'connected'], [c + 1 + Math.floor(rnd() * 90), a.callId, 'disconnected']);
            } else if (r < 0.8) carrier.push([a.timestamp + Math.floor(rnd() * 5), a.callId, 'busy']);
            // else: rings until the engine's noanswer
          }
          carrier.sort((x, y) => x[0] - y[0]);
        };
        for (let step = 0; step < 3000; step++) {
          const r = rnd();
          if (r < 0.05 && queued < 1500) {
            const n = 1 + Math.floor(rnd() * 60);
            for (let i = 0; i < n; i++) engine.enqueue(rnd() < 0.5 ? 'A' : 'B', { phone_number: `617${2000000 + queued++}` }, t);
          } else if (r < 0.15) {
            t += Math.floor(rnd() * 4); // an advance at an arbitrary time, not the wakeup
            handle(engine.advance(t));
          } else {
            const wake = engine.nextWakeup();
            const next = Math.min(wake ?? Infinity, carrier.length ? carrier[0][0] : Infinity);
            if (next === Infinity) {
              t += 60;
              continue;
            }
            t = Math.max(t, next);
            while (carrier.length && carrier[0][0] <= t) {
              const [, id, event] = carrier.shift();
              try {
                handle(engine.report(id, event, t));
              } catch (err) {
                assert.equal(err.code, 'invalid_transition'); // rang out first (ringTimeout)
              }
            }
            handle(engine.advance(t));
          }
        }
        assert.ok(dialTimes.length > 300, `rate ${rate} seed ${seed}: only ${dialTimes.length} dials`);
        for (let i = 1; i < dialTimes.length; i++) assert.ok(dialTimes[i] >= dialTimes[i - 1]);
        for (let S = 1; S <= 10; S++) {
          const limit = Math.ceil(rate * S);
          let lo = 0;
          for (let hi = 0; hi < dialTimes.length; hi++) {
            while (dialTimes[hi] - dialTimes[lo] >= S) lo++;
            assert.ok(hi - lo + 1 <= limit, `rate ${rate} seed ${seed}: ${hi - lo + 1} dials in ${S} s from ${dialTimes[lo] - T0} (limit ${limit})`);
          }
        }
        engine.dispose();
      }
    }
  });

  test('dial rate: a backlog dials at exactly the rate; setDialRate changes it; null lifts it', () => {
    const { Engine } = getFuse();
    const T0 = Z('2026-03-09T15:00:00Z');
    const engine = new Engine({ capacity: 1000, dialRate: 0.5 });
    for (let i = 0; i < 200; i++) engine.enqueue('A', { phone_number: `617${2000000 + i}` }, T0);
    const times = [];
    let t = T0;
    while (times.length < 20) {
      for (const a of dials(engine.advance(t))) times.push(a.timestamp - T0);
      t = engine.nextWakeup();
    }
    // One dial every 2 s.
    assert.deepEqual(times, Array.from({ length: 20 }, (_, i) => 2 * i));
    engine.setDialRate(2.5);
    assert.equal(engine.stats().dialRate, 2.5);
    const start = t;
    const later = [];
    for (let now = start; now < start + 10; now++) later.push(dials(engine.advance(now)).length);
    assert.equal(later.reduce((a, b) => a + b, 0), 25, `per second: ${later}`);
    assert.ok(later.every((n) => n <= 3), `per second: ${later}`);
    engine.setDialRate(null);
    assert.equal(engine.stats().dialRate, null);
    const rest = dials(engine.advance(start + 10)).length;
    assert.equal(rest, 200 - 20 - 25);
    engine.dispose();
  });

  test('suppressed numbers are never dialed, in any accepted form; the call is canceled with event suppressed', () => {
    const { Engine } = getFuse();
    const T0 = Z('2026-03-09T15:00:00Z');
    const forms = ['+16175551234', 'tel:+16175551234', '(617) 555-1234', '617-555-1234', '16175551234'];
    for (const suppressedAs of forms) {
      const engine = new Engine({ capacity: 10 });
      assert.equal(engine.suppress(suppressedAs), true);
      for (const other of forms) assert.equal(engine.isSuppressed(other), true, `${suppressedAs} vs ${other}`);
      assert.equal(engine.suppress('+1 617 555 1234'), false, 'already there');
      assert.equal(engine.stats().suppressed, 1);
      const ids = forms.map((number) => engine.enqueue('A', { phone_number: number }, T0).callId);
      const plain = engine.enqueue('A', { phone_number: '6175550000' }, T0).callId;
      const actions = engine.advance(T0);
      assert.deepEqual(dials(actions).map((a) => a.callId), [plain], suppressedAs);
      assert.deepEqual(results(actions).map((a) => [a.callId, a.status]), ids.map((id) => [id, 'canceled']));
      for (const id of ids) {
        const details = engine.get(id);
        assert.equal(details.status, 'canceled');
        assert.equal(details.attempts, '0');
        assert.deepEqual(details.events, [
          { event: 'queued', timestamp: T0 },
          { event: 'suppressed', timestamp: T0 },
        ]);
      }
      assert.equal(engine.stats().canceled, forms.length);
      engine.dispose();
    }
  });

  test('suppression is checked at every dial: a number suppressed between attempts is canceled at its re-attempt; unsuppress lets it dial', () => {
    const { Engine } = getFuse();
    const T0 = Z('2026-03-09T15:00:00Z');
    const engine = new Engine({ capacity: 1 });
    engine.enqueue('A', { phone_number: '6175551234', max_attempts: 3, reattempt_wait: 60 }, T0);
    engine.enqueue('A', { phone_number: '6175550000' }, T0);
    assert.deepEqual(dials(engine.advance(T0)).map((a) => a.callId), ['1']);
    engine.report('1', 'busy', T0 + 5); // dials call 2
    engine.report('2', 'busy', T0 + 6);
    assert.equal(engine.suppress('6175551234'), true);
    const [canceled, ...more] = engine.advance(T0 + 65);
    assert.equal(more.length, 0);
    assert.equal(canceled.status, 'canceled');
    assert.deepEqual(JSON.parse(canceled.payload).events.map((e) => [e.event, e.timestamp - T0]), [
      ['queued', 0],
      ['dialing', 0],
      ['busy', 5],
      ['suppressed', 65],
    ]);
    // Unsuppressed, a new call to it dials.
    assert.equal(engine.unsuppress('tel:+16175551234'), true);
    assert.equal(engine.unsuppress('6175551234'), false);
    assert.equal(engine.isSuppressed('6175551234'), false);
    assert.equal(engine.stats().suppressed, 0);
    engine.enqueue('A', { phone_number: '6175551234' }, T0 + 70);
    assert.deepEqual(dials(engine.advance(T0 + 70)).map((a) => a.callId), ['3']);
    engine.dispose();
  });

  test('named suppression lists apply to the deployments that name them; the engine-wide list to all', () => {
    const { Engine } = getFuse();
    const T0 = Z('2026-03-09T15:00:00Z');
    const engine = new Engine({ capacity: 10 });
    assert.deepEqual(engine.setDeployment('B', { suppressionList: 'clientB' }), { weight: 1, callingHours: null, suppressionList: 'clientB' });
    assert.equal(engine.suppress('6175551111', 'clientB'), true);
    assert.equal(engine.isSuppressed('6175551111', 'clientB'), true);
    assert.equal(engine.isSuppressed('6175551111'), false);
    assert.equal(engine.isSuppressed('6175551111', 'clientC'), false);
    assert.equal(engine.suppress('6175552222'), true);
    const a1 = engine.enqueue('A', { phone_number: '6175551111' }, T0).callId;
    const a2 = engine.enqueue('A', { phone_number: '6175552222' }, T0).callId;
    const b1 = engine.enqueue('B', { phone_number: '6175551111' }, T0).callId;
    const b2 = engine.enqueue('B', { phone_number: '6175552222' }, T0).callId;
    const b3 = engine.enqueue('B', { phone_number: '6175553333' }, T0).callId;
    const actions = engine.advance(T0);
    assert.deepEqual(dials(actions).map((a) => a.callId).sort(), [a1, b3].sort());
    assert.deepEqual(results(actions).map((a) => a.callId).sort(), [a2, b1, b2].sort());
    for (const id of [a2, b1, b2]) assert.equal(engine.get(id).events.at(-1).event, 'suppressed');
    // Another deployment naming the list later gets it too.
    engine.setDeployment('C', { suppressionList: 'clientB' });
    const c1 = engine.enqueue('C', { phone_number: '+16175551111' }, T0 + 1).callId;
    assert.deepEqual(results(engine.advance(T0 + 1)).map((a) => [a.callId, a.status]), [[c1, 'canceled']]);
    assert.equal(engine.unsuppress('6175551111', 'clientB'), true);
    const c2 = engine.enqueue('C', { phone_number: '+16175551111' }, T0 + 2).callId;
    assert.deepEqual(dials(engine.advance(T0 + 2)).map((a) => a.callId), [c2]);
    engine.dispose();
  });

  test('weights 3:1 share the lines 3:1 while both deployments have calls', () => {
    const { Engine } = getFuse();
    const T0 = Z('2026-03-09T15:00:00Z');
    const engine = new Engine({ capacity: 8 });
    assert.equal(engine.setDeployment('A', { weight: 3 }).weight, 3);
    engine.setDeployment('B', { weight: 1 });
    for (let i = 0; i < 300; i++) {
      engine.enqueue('A', { phone_number: `617${2000000 + i}` }, T0);
      engine.enqueue('B', { phone_number: `617${3000000 + i}` }, T0);
    }
    const count = { A: 0, B: 0 };
    const carrier = [];
    const handle = (actions) => {
      for (const a of dials(actions)) {
        count[a.deployment]++;
        const talk = 30 + ((Number(a.callId) * 7919) % 50);
        carrier.push([a.timestamp + 2, a.callId, 'connected'], [a.timestamp + 2 + talk, a.callId, 'disconnected']);
      }
      carrier.sort((x, y) => x[0] - y[0] || Number(x[1]) - Number(y[1]));
    };
    handle(engine.advance(T0));
    const flights = [];
    while (count.A < 300 && count.B < 300) {
      const t = carrier[0][0];
      while (carrier.length && carrier[0][0] === t) {
        const [, id, event] = carrier.shift();
        handle(engine.report(id, event, t));
      }
      const by = Object.fromEntries(engine.stats({ perDeployment: true }).byDeployment.map((d) => [d.name, d.inFlight]));
      flights.push([by.A, by.B]);
    }
    // Every line busy, 6 to A and 2 to B, after each moment's reports while both have calls.
    const share = flights.filter(([a, b]) => a + b === 8);
    assert.ok(share.length > flights.length * 0.9);
    for (const [a, b] of share) assert.deepEqual([a, b], [6, 2]);
    assert.ok(Math.abs(count.A / count.B - 3) < 0.2, `dials A ${count.A} B ${count.B}`);
    engine.dispose();
  });

  // A call held outside its calling hours and released while every line is busy goes to the back of
  // its deployment's queue (as window starts and re-attempts do); a snapshot taken then keeps that
  // order (found by this file's random script; the core now writes such a call's ready time).
  test('snapshot/restore keeps the queue order of a call released from its calling hours while the lines are busy', () => {
    const { Engine } = getFuse();
    const t0 = Z('2026-03-09T11:00:00Z'); // 07:00 EDT
    const engine = new Engine({ capacity: 1 });
    engine.setDeployment('D', { callingHours: '08:00-12:00' });
    engine.enqueue('D', { phone_number: '2125550001' }, t0); // held until 12:00Z
    engine.enqueue('D', { phone_number: '2125550002', calling_hours: '00:00-24:00' }, t0);
    engine.enqueue('D', { phone_number: '2125550003', calling_hours: '00:00-24:00' }, t0);
    assert.deepEqual(dials(engine.advance(t0)).map((a) => a.callId), ['2']);
    engine.report('2', 'connected', t0 + 1);
    assert.deepEqual(engine.advance(Z('2026-03-09T12:00:00Z')), []); // call 1 is eligible now; no line free
    const copy = Engine.restore(engine.snapshot());
    assert.equal(copy.snapshot(), engine.snapshot());
    const next = (e) => dials(e.report('2', 'disconnected', Z('2026-03-09T12:00:10Z'))).map((a) => a.callId);
    const original = next(engine);
    assert.deepEqual(original, ['3']); // the original engine: the released call went to the back
    assert.deepEqual(next(copy), original, 'the restored engine dials another call than the original');
    engine.dispose();
    copy.dispose();
  });

  // (This random test also fails, by the bug above, until it is fixed.)
  test('snapshot/restore with policies (hours, weights, lists, rate, held calls) gives the same actions afterwards', () => {
    const { Engine } = getFuse();
    for (let seed = 1; seed <= 12; seed++) {
      const original = new Engine({ capacity: 1 + (seed % 4), ringTimeout: 40, dialRate: seed % 2 ? 1.5 : null });
      const script = policyScript(seed);
      for (let i = 0; i < 150; i++) script.step([original]);
      const snap = original.snapshot();
      const copy = Engine.restore(snap);
      assert.equal(copy.snapshot(), snap);
      for (const d of ['A', 'B', 'C']) assert.deepEqual(copy.deploymentPolicy(d), original.deploymentPolicy(d));
      assert.deepEqual(copy.stats(), { ...original.stats(), memoryBytes: copy.stats().memoryBytes });
      for (const n of NUMBERS) for (const list of [undefined, 'L']) assert.equal(copy.isSuppressed(n, list), original.isSuppressed(n, list));
      for (let i = 0; i < 400; i++) script.step([original, copy]);
      assert.equal(copy.snapshot(), original.snapshot(), `seed ${seed}`);
      assert.ok(script.seen.dial > 0 && script.seen.result > 0, `seed ${seed}: ${JSON.stringify(script.seen)}`);
      original.dispose();
      copy.dispose();
    }
  });

  test('errors name their field', () => {
    const fuse = getFuse();
    const { Engine } = fuse;
    const code = (code, field) => (err) => err instanceof Error && err.code === code && err.field === field;
    for (const dialRate of [0, -1, 0.0005, 1.0005, 10001]) {
      assert.throws(() => new Engine({ capacity: 1, dialRate }), code('invalid_option', 'dialRate'), String(dialRate));
    }
    assert.throws(() => new Engine({ capacity: 1, dialRate: '1' }), TypeError);
    assert.equal(new Engine({ capacity: 1, dialRate: null }).stats().dialRate, null);
    assert.equal(new Engine({ capacity: 1, dialRate: 0.001 }).stats().dialRate, 0.001);
    assert.equal(new Engine({ capacity: 1, dialRate: 10000 }).stats().dialRate, 10000);
    const engine = new Engine({ capacity: 1 });
    assert.throws(() => engine.setDialRate(0), RangeError);
    assert.throws(() => engine.setDialRate(-2), code('invalid_option', 'dialRate'));
    assert.throws(() => engine.setDialRate('1'), TypeError);
    for (const weight of [0, 1001, 1.5, '2']) assert.throws(() => engine.setDeployment('A', { weight }), code('invalid_option', 'weight'), String(weight));
    for (const callingHours of ['25:00-26:00', '09:00-08:00', 'xx', '', 'mon-fry 08:00-21:00', { 'mon-fri': '08:00-21:00', xyz: '09:00-10:00' }, 5]) {
      assert.throws(() => engine.setDeployment('A', { callingHours }), code('invalid_calling_hours', 'callingHours'), JSON.stringify(callingHours));
    }
    assert.throws(() => engine.setDeployment('A', { suppressionList: 5 }), code('invalid_option', 'suppressionList'));
    assert.throws(() => engine.setDeployment('A', { colour: 'blue' }), (err) => err.code === 'invalid_option' && /colour/.test(err.message));
    assert.throws(() => engine.setDeployment('A', 'tcpa'), TypeError);
    assert.deepEqual(engine.deploymentPolicy('A'), { weight: 1, callingHours: null, suppressionList: null }, 'refused changes change nothing');
    // Numbers: the core names the phone number field.
    for (const [bad, why] of [['12', 'invalid_phone_number'], ['x', 'invalid_phone_number'], ['', 'missing_phone_number'], ['  ', 'missing_phone_number']]) {
      for (const op of ['suppress', 'unsuppress', 'isSuppressed']) {
        assert.throws(() => engine[op](bad), (err) => err.code === why && err.field === 'phone_number', `${op}(${bad})`);
      }
    }
    assert.throws(() => engine.suppress(6175551234), TypeError);
    assert.throws(() => engine.suppress('6175551234', 7), TypeError);
    assert.equal(engine.stats().suppressed, 0);
    // Queue parameters: problems as values, naming the parameter.
    const T = Z('2026-03-09T15:00:00Z');
    const problems = (params) => {
      const r = engine.enqueue('A', { phone_number: '6175551234', ...params }, T);
      const v = fuse.validateQueueRequest({ phone_number: '6175551234', ...params }, { now: T });
      assert.deepEqual(v.errors, r.errors);
      return r.errors.map((e) => [e.code, e.field]);
    };
    assert.deepEqual(problems({ calling_hours: '8-9' }), [['invalid_calling_hours', 'calling_hours']]);
    assert.deepEqual(problems({ calling_hours: 5 }), [['invalid_calling_hours', 'calling_hours']]);
    assert.deepEqual(problems({ calling_hours: { mon: '10:00-09:00' } }), [['invalid_calling_hours', 'calling_hours']]);
    assert.deepEqual(problems({ timezone: 'america/new_york' }), [['invalid_timezone', 'timezone']]);
    assert.deepEqual(problems({ timezone: 'Mars/Olympus', calling_hours: 'nope' }), [
      ['invalid_calling_hours', 'calling_hours'],
      ['invalid_timezone', 'timezone'],
    ]);
    assert.equal(engine.stats().calls, 0);
    engine.dispose();
  });

  test('previewWindow: callingHours shifts the drain by the wait, dialRate slows it, suppressed counts, competing weights and hours', () => {
    const { previewWindow } = getFuse();
    const start = Z('2026-03-09T09:00:00Z'); // 05:00 in Boston (the default numbers), a Monday
    const base = { calls: 2000, capacity: 30, start };
    const plain = previewWindow(base);
    const tcpa = previewWindow({ ...base, callingHours: 'tcpa' });
    assert.equal(plain.ok, true);
    assert.equal(tcpa.ok, true);
    assert.equal(tcpa.drainTimestamp - plain.drainTimestamp, 3 * 3600);
    assert.equal(tcpa.completed, plain.completed);
    assert.equal(tcpa.suppressed, 0);
    // In Chicago's zone the wait is an hour longer.
    const chicago = previewWindow({ ...base, callingHours: 'tcpa', timezone: 'America/Chicago' });
    assert.equal(chicago.drainTimestamp - plain.drainTimestamp, 4 * 3600);
    const byNumbers = previewWindow({ ...base, callingHours: 'tcpa', numbers: ['3125550100'] });
    assert.equal(byNumbers.drainTimestamp, chicago.drainTimestamp);
    // Held calls in a window that closes before the hours open are canceled.
    const shut = previewWindow({ ...base, callingHours: 'tcpa', end: start + 3600 });
    assert.equal(shut.canceled, 2000);
    assert.equal(shut.fits, false);
    // dialRate 0.2: 2000 dials need at least 9996 seconds (at most ceil(0.2 S) in S seconds).
    const slow = previewWindow({ ...base, dialRate: 0.2 });
    assert.equal(slow.ok, true);
    assert.ok(slow.drainTimestamp >= start + 9995, `drain ${slow.drainTimestamp - start}`);
    assert.ok(slow.drainTimestamp > plain.drainTimestamp);
    assert.equal(slow.attempts, 2000);
    // Suppressed numbers: cycled numbers, one of four suppressed -> a quarter canceled as suppressed.
    const numbers = ['6175550001', '6175550002', '6175550003', '6175550004'];
    const supp = previewWindow({ calls: 100, capacity: 30, start, numbers, suppressed: ['tel:+16175550001'] });
    assert.equal(supp.suppressed, 25);
    assert.equal(supp.canceled, 25);
    assert.equal(supp.attempts, 75);
    assert.equal(supp.fits, true); // suppressed numbers are canceled whatever the window: fitting is about the others
    // Competing deployments: weight and calling hours, each with its own suppressed count.
    const comp = previewWindow({
      calls: 600,
      capacity: 8,
      start: Z('2026-03-09T15:00:00Z'),
      weight: 3,
      competing: [{ calls: 600, weight: 1 }, { calls: 10, callingHours: 'tcpa', start }],
    });
    assert.equal(comp.ok, true);
    assert.equal(comp.competing.length, 2);
    for (const c of comp.competing) assert.equal(c.suppressed, 0);
    assert.ok(comp.drainTimestamp < comp.competing[0].drainTimestamp, 'weight 3 drains first');
    assert.ok(comp.competing[1].drainTimestamp >= Z('2026-03-09T12:00:00Z'), 'the tcpa competitor waits for 08:00 EDT');
    const equal = previewWindow({ calls: 600, capacity: 8, start: Z('2026-03-09T15:00:00Z'), competing: [{ calls: 600 }] });
    assert.ok(comp.drainTimestamp < equal.drainTimestamp);
    // Invalid values name their fields.
    const bad = previewWindow({ calls: 1, capacity: 1, start, callingHours: 'zz', timezone: 'X/Y', dialRate: -1, weight: 0, competing: [{ calls: 1, weight: 0, callingHours: 'x' }] });
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.errors.map((e) => [e.code, e.field]).sort(), [
      ['invalid_calling_hours', 'callingHours'],
      ['invalid_calling_hours', 'competing[0].callingHours'],
      ['invalid_preview', 'competing[0].weight'],
      ['invalid_preview', 'dialRate'],
      ['invalid_preview', 'weight'],
      ['invalid_timezone', 'timezone'],
    ]);
    assert.throws(() => previewWindow({ calls: 1, capacity: 1, numbers: '6175551234' }), TypeError);
    assert.throws(() => previewWindow({ calls: 1, capacity: 1, suppressed: '6175551234' }), TypeError);
  });

  test('CSV calling_hours and timezone columns: per row, not metadata, respected at dial time; bad cells name row and field', () => {
    const fuse = getFuse();
    const now = Z('2026-03-09T09:00:00Z'); // 05:00 EDT
    const csv = [
      'destination,calling_hours,timezone,name',
      '2125550001,tcpa,,Ann', // 08:00 EDT = 12:00Z
      '2125550002,tcpa,America/Los_Angeles,Bob', // 08:00 PDT = 15:00Z
      '2125550003,,,Cy', // the upload's hours: 10:00 EDT = 14:00Z
      '2125550004,,America/Chicago,Di', // the upload's hours in Chicago: 10:00 CDT = 15:00Z
      '2125550005,"mon-fri 13:00-14:00; sat 09:00-10:00",,Ed', // 13:00 EDT = 17:00Z
      '',
    ].join('\n');
    const params = { calling_hours: '10:00-11:00' };
    const checked = fuse.validateCsv(csv, params, { now, includeRequests: true });
    assert.equal(checked.ok, true, JSON.stringify(checked.errors));
    assert.equal(checked.queued, 5);
    assert.deepEqual(checked.requests.map((r) => r.metadata), [{ name: 'Ann' }, { name: 'Bob' }, { name: 'Cy' }, { name: 'Di' }, { name: 'Ed' }]);

    const engine = new fuse.Engine({ capacity: 10 });
    const up = engine.enqueueCsv('A', csv, params, now);
    assert.equal(up.ok, true);
    assert.deepEqual(up.callIds, ['1', '2', '3', '4', '5']);
    const dialed = {};
    let t = now;
    for (let guard = 0; guard < 20 && Object.keys(dialed).length < 5; guard++) {
      for (const a of dials(engine.advance(t))) dialed[a.callId] = iso(a.timestamp);
      t = engine.nextWakeup();
      if (t === null) break;
    }
    assert.deepEqual(dialed, {
      1: '2026-03-09T12:00:00.000Z',
      2: '2026-03-09T15:00:00.000Z',
      3: '2026-03-09T14:00:00.000Z',
      4: '2026-03-09T15:00:00.000Z',
      5: '2026-03-09T17:00:00.000Z',
    });
    const details = engine.get('2');
    assert.deepEqual(details.metadata, { name: 'Bob' });
    engine.dispose();

    // Bad cells: errors naming the row and the column; nothing queued.
    const bad = 'destination,calling_hours,timezone\n2125550001,tcpa,\n2125550002,25:00-26:00,\n2125550003,,Mars/Olympus\n';
    const result = fuse.validateCsv(bad, {}, { now });
    assert.equal(result.ok, false);
    assert.deepEqual(result.errors.map((e) => [e.code, e.field, e.row]), [
      ['invalid_calling_hours', 'calling_hours', 2],
      ['invalid_timezone', 'timezone', 3],
    ]);
    assert.ok(result.errors.every((e) => /^Row \d+ \(line \d+\): /.test(e.message)));
    const refused = new fuse.Engine({ capacity: 1 });
    const r = refused.enqueueCsv('A', bad, {}, now);
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors.map((e) => [e.code, e.field, e.row]), result.errors.map((e) => [e.code, e.field, e.row]));
    assert.equal(refused.stats().calls, 0);
    refused.dispose();

    // The per-row warning when a row's window holds no minute inside its hours.
    const warned = fuse.validateCsv('destination,calling_hours\n2125550001,tcpa\n2125550002,05:00-06:00\n', { end_timestamp: now + 1800 }, { now });
    assert.equal(warned.ok, true);
    assert.deepEqual(warned.warnings.map((w) => [w.code, w.row]), [['outside_calling_hours', 1]]);
  });
});

// The phone numbers the random scripts dial: several zones (New York, Chicago, Honolulu, the split
// 208-320, London, Adelaide+Perth) in several forms.
const NUMBERS = ['2125550101', '(312) 555-0102', 'tel:+18085550103', '2083205555', '+44 20 7946 0958', '+61 8 5100 3123', '6175550104', '+16175550105'];
const HOURS = ['tcpa', '08:00-12:00,13:00-20:00', { 'mon-fri': '09:00-17:00', sat: '10:00-14:00' }, 'sat-sun 10:00-16:00', null];

// A random script over one or more engines: every step is applied to each and must give the same
// answer (actions, or the thrown code) in each. The first engine's actions drive the carrier.
// (Every random choice is made before an operation is applied, never inside it.)
function policyScript(seed) {
  const rnd = mulberry32(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  let t = Z('2026-03-06T20:00:00Z') + Math.floor(rnd() * 86400); // a Friday or Saturday, DST weekend ahead
  const flight = new Map(); // id -> 'dialing' | 'connected'
  const seen = { dial: 0, hangup: 0, result: 0, suppressed: 0 };
  const apply = (engines, op) => {
    const outs = engines.map((e) => {
      try {
        return JSON.stringify(op(e)) ?? 'null';
      } catch (err) {
        if (!err.code) throw err;
        return `throws ${err.code} ${err.field}`;
      }
    });
    for (const o of outs.slice(1)) assert.equal(o, outs[0]);
    return outs[0].startsWith('throws') ? null : JSON.parse(outs[0]);
  };
  const track = (actions) => {
    if (!Array.isArray(actions)) return;
    for (const a of actions) {
      seen[a.type]++;
      if (a.type === 'dial') flight.set(a.callId, 'dialing');
      else {
        flight.delete(a.callId);
        if (a.type === 'result' && JSON.parse(a.payload).events.some((e) => e.event === 'suppressed')) seen.suppressed++;
      }
    }
  };
  function step(engines) {
    const r = rnd();
    if (r < 0.3) {
      const params = { phone_number: pick(NUMBERS) };
      if (rnd() < 0.3) params.calling_hours = pick(HOURS.filter(Boolean));
      if (rnd() < 0.15) params.timezone = pick(['America/Denver', 'Europe/Paris', 'Pacific/Honolulu']);
      if (rnd() < 0.3) params.end_timestamp = t + 600 + Math.floor(rnd() * 86400);
      if (rnd() < 0.2) params.start_timestamp = t + Math.floor(rnd() * 7200);
      if (rnd() < 0.3) Object.assign(params, { max_attempts: 2 + Math.floor(rnd() * 2), reattempt_wait: 60 + Math.floor(rnd() * 600) });
      const deployment = pick(['A', 'B', 'C']);
      apply(engines, (e) => e.enqueue(deployment, params, t));
    } else if (r < 0.55) {
      t += rnd() < 0.2 ? Math.floor(rnd() * 7200) : Math.floor(rnd() * 60);
      track(apply(engines, (e) => e.advance(t)));
    } else if (r < 0.62) {
      const wake = engines[0].nextWakeup();
      apply(engines, (e) => e.nextWakeup());
      if (wake !== null && wake >= t) {
        t = wake;
        track(apply(engines, (e) => e.advance(t)));
      }
    } else if (r < 0.82 && flight.size) {
      const ids = [...flight.keys()];
      const id = pick(ids);
      const event = flight.get(id) === 'dialing' ? pick(['connected', 'connected', 'busy', 'noanswer', 'informationtone']) : 'disconnected';
      t += Math.floor(rnd() * 30);
      const out = apply(engines, (e) => e.report(id, event, t));
      if (out !== null) {
        if (event === 'connected') flight.set(id, 'connected');
        else flight.delete(id);
        track(out);
      }
    } else if (r < 0.88) {
      const number = pick(NUMBERS);
      const list = pick([undefined, undefined, 'L']);
      const op = rnd() < 0.65 ? 'suppress' : 'unsuppress';
      apply(engines, (e) => e[op](number, list));
    } else if (r < 0.93) {
      const policy = {};
      if (rnd() < 0.5) policy.weight = 1 + Math.floor(rnd() * 4);
      if (rnd() < 0.5) policy.callingHours = pick(HOURS);
      if (rnd() < 0.3) policy.suppressionList = pick(['L', '']);
      const deployment = pick(['A', 'B', 'C']);
      apply(engines, (e) => e.setDeployment(deployment, policy));
    } else if (r < 0.96) {
      const rate = pick([null, 0.5, 1, 2.5, 0.333]);
      apply(engines, (e) => e.setDialRate(rate));
    } else if (r < 0.98) {
      const cap = Math.floor(rnd() * 4);
      apply(engines, (e) => e.setCapacity(cap));
    } else {
      apply(engines, (e) => e.stats({ perDeployment: true }).byDeployment.map((d) => [d.name, d.queued, d.waiting, d.inFlight]));
    }
  }
  return { step, seen };
}

test(
  'both builds: the same script gives byte-identical snapshots and the same actions',
  { skip: buildNames.length < 2 && 'needs both builds (FUSE_BUILDS narrows to one)' },
  async () => {
    const builds = await loadBuilds();
    for (let seed = 101; seed <= 110; seed++) {
      const engines = Object.values(builds).map((fuse) => new fuse.Engine({ capacity: 2 + (seed % 3), dialRate: seed % 2 ? 2.5 : null }));
      const script = policyScript(seed);
      for (let i = 0; i < 500; i++) {
        script.step(engines);
        if (i % 50 === 49) {
          const snaps = engines.map((e) => e.snapshot());
          for (const s of snaps.slice(1)) assert.equal(s, snaps[0], `seed ${seed} step ${i}`);
        }
      }
      // Each build restores the other's snapshot to the same state.
      const [a, b] = Object.values(builds);
      const snap = engines[0].snapshot();
      assert.equal(b.Engine.restore(snap).snapshot(), snap);
      assert.equal(a.Engine.restore(engines[1].snapshot()).snapshot(), snap);
      for (const e of engines) e.dispose();
    }
  },
);
