'use strict';
// Issue 9 ("what a hostile or careless caller breaks"): each point's repro through the public API
// of both builds, each failing before its fix.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { forEachBuild } = require('./helpers/builds');

const T = 1767225600;

forEachBuild((getFuse) => {
  // Point 1: stored problems are bounded by default; every one is still counted.
  test('validateCsv stores at most 1,000 problems by default and counts them all', () => {
    const fuse = getFuse();
    const rows = 20000;
    const csv = 'destination,ssn\n' + '6175551234,123-45-6789\n'.repeat(rows);
    const r = fuse.validateCsv(csv, {}, { now: T });
    assert.equal(r.rows, rows);
    assert.equal(r.truncated, true);
    assert.equal(r.errors.length + r.warnings.length, 1000);
    assert.equal(r.counts.duplicate_destination, rows - 1);
    assert.equal(r.warningCount + r.errorCount, Object.values(r.counts).reduce((a, b) => a + b, 0));
    const all = fuse.validateCsv(csv, {}, { now: T, maxProblems: 1e9 });
    assert.equal(all.truncated, false);
    assert.equal(all.errors.length + all.warnings.length, all.errorCount + all.warningCount);
  });

  test('enqueueCsv bounds its stored problems the same way', () => {
    const fuse = getFuse();
    const e = new fuse.Engine({ capacity: 1 });
    const r = e.enqueueCsv('a', 'destination\n' + '6175551234\n'.repeat(5000), {}, T);
    assert.equal(r.queued, 5000);
    assert.equal(r.warnings.length, 1000);
    assert.equal(r.counts.duplicate_destination, 4999);
    assert.equal(r.truncated, true);
    e.dispose();
  });

  // Point 4: the header's duplicate-column check is linear (100,000 distinct names took 12 s native, 27 s
  // wasm; 160,000, just under the header's size limit, about 30 s). The timeout is a hang guard only.
  test('a header of 160,000 distinct columns is checked in one pass (no quadratic scan)', { timeout: 20000 }, () => {
    const fuse = getFuse();
    const names = [];
    for (let i = 0; names.length < 160000; i++) names.push(`c${i.toString(36)}`);
    const r = fuse.validateCsv(`destination,${names.join(',')}\n6175551234${','.repeat(names.length)}\n`, {}, { now: T });
    assert.equal(r.rows, 1);
    assert.equal(r.valid, 1);
    const dup = fuse.validateCsv(`destination,${names.join(',')},${names[7]}\n6175551234\n`, {}, { now: T });
    assert.equal(dup.counts.csv_duplicate_column, 1);
    assert.match(dup.errors[0].message, /has the same name as column 9\./);
  });

  // Point 7: NaN and the infinities are invalid values naming their field, never "not given".
  test('NaN and Infinity are refused naming the field, not read as absent', () => {
    const fuse = getFuse();
    for (const [field, value, code] of [
      ['end_timestamp', NaN, 'invalid_timestamp'],
      ['start_timestamp', Infinity, 'invalid_timestamp'],
      ['is_pci', NaN, 'invalid_is_pci'],
      ['max_attempts', -Infinity, 'invalid_max_attempts'],
    ]) {
      const r = fuse.validateQueueRequest({ phone_number: '6175551234', [field]: value }, { now: T });
      assert.equal(r.ok, false, field);
      const p = r.errors.find((x) => x.field === field);
      assert.ok(p, `${field}: ${JSON.stringify(r.errors)}`);
      assert.equal(p.code, code);
      assert.doesNotMatch(p.message, /null/);
      const e = new fuse.Engine({ capacity: 1 });
      const q = e.enqueue('a', { phone_number: '6175551234', [field]: value }, T);
      assert.equal(q.ok, false, `enqueue ${field}`);
      e.dispose();
    }
    assert.throws(() => new fuse.Engine({ capacity: 1, ringTimeout: NaN }), /ringTimeout must be a whole number of seconds from 1 to 86400, got "NaN"/);
    assert.throws(() => new fuse.Engine({ capacity: Infinity }), /capacity must be a whole number .* got "Infinity"/);
  });

  // Point 8: a cancel reaches the calls in flight once their attempt ends.
  test('cancelDeployment stops the re-attempts of a call that was dialing', () => {
    const fuse = getFuse();
    const e = new fuse.Engine({ capacity: 1 });
    const { callId } = e.enqueue('a', { phone_number: '6175551234', max_attempts: 3, reattempt_wait: 60 }, T);
    assert.equal(e.advance(T)[0].type, 'dial');
    assert.deepEqual(e.cancelDeployment('a', T + 1), []);
    const after = e.report(callId, 'busy', T + 2);
    assert.deepEqual(after.map((a) => [a.type, a.status]), [['result', 'canceled']]);
    assert.deepEqual(e.advance(T + 62), [], 'no dial of attempt 2');
    const copy = fuse.Engine.restore(e.snapshot());
    assert.equal(copy.get(callId).status, 'canceled');
    assert.deepEqual(e.get(callId).events.map((x) => x.event), ['queued', 'dialing', 'busy', 'canceled']);
    e.dispose();
    copy.dispose();
  });
});

// Point 3: loading the wasm build installs no process-wide handlers.
test('the wasm build leaves uncaughtException and unhandledRejection to the application', async () => {
  const script = `
    (async () => {
      const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
      await require(${JSON.stringify(path.join(__dirname, '../../js/wasm.js'))}).init();
      const after = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
      console.log(JSON.stringify({ before, after }));
      process.on('uncaughtException', (err) => { console.log('own handler: ' + err.message); process.exit(0); });
      setTimeout(() => { throw new Error('x'); });
    })();`;
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 30000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { message: `${err.message}\n${stdout}\n${stderr.slice(0, 2000)}` }));
      else resolve({ stdout, stderr });
    });
  });
  const [counts, handled] = out.stdout.trim().split('\n');
  const { before, after } = JSON.parse(counts);
  assert.deepEqual(after, before);
  assert.equal(handled, 'own handler: x');
  assert.equal(out.stderr, '');
});
