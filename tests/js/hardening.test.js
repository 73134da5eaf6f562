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

  // Point 9: a time past the horizon (milliseconds, most likely) is refused and poisons nothing.
  test('a far-future now is refused with a hint, and the engine keeps working in seconds', () => {
    const fuse = getFuse();
    const e = new fuse.Engine({ capacity: 1 });
    const ms = 1767225600123;
    const r = e.enqueue('a', { phone_number: '6175551234' }, ms);
    assert.equal(r.ok, false);
    assert.equal(r.errors[0].code, 'invalid_time');
    assert.match(r.errors[0].message, /looks like milliseconds.*Math\.floor\(Date\.now\(\) \/ 1000\)/);
    assert.throws(() => e.advance(ms), (err) => err.code === 'invalid_time' && /milliseconds/.test(err.message));
    assert.equal(e.enqueue('a', { phone_number: '6175551234' }, T).ok, true, 'seconds still work');
    assert.equal(e.advance(T).length, 1);
    e.dispose();
  });

  // Point 10: near the horizon every timer the engine sets can still be reached by advance().
  test('times near the horizon: nextWakeup() is always a time advance() takes', () => {
    const fuse = getFuse();
    const e = new fuse.Engine({ capacity: 1 });
    assert.equal(e.enqueue('a', { phone_number: '6175551234' }, 2 ** 53 - 10).ok, false);
    const H = 253402300799; // 9999-12-31T23:59:59Z
    const { callId } = e.enqueue('a', { phone_number: '6175551234', max_attempts: 10, reattempt_wait: 86400 }, H);
    e.advance(H);
    for (let i = 0; i < 40 && e.nextWakeup() !== null; i++) e.advance(e.nextWakeup());
    assert.equal(e.get(callId).status, 'failed');
    assert.equal(e.get(callId).attempts, '10');
    e.dispose();
  });

  // Point 11: a snapshot passes the same rules as the inputs that could have produced it.
  test('Engine.restore refuses values no input could have produced', () => {
    const fuse = getFuse();
    const e = new fuse.Engine({ capacity: 1 });
    e.enqueue('a', { phone_number: '6175551234', max_attempts: 3, reattempt_wait: 60, result_url: 'https://example.com/r', metadata: { ref: 'A' } }, T);
    const good = e.snapshot();
    e.dispose();
    fuse.Engine.restore(good).dispose();
    const edits = [
      ['"https://example.com/r"', '"file:///etc/passwd"', /result_url/],
      ['"https://example.com/r"', '"javascript:alert(1)"', /result_url/],
      ['"https://example.com/r"', '"https://example.com/r\\r\\nX-Evil: 1"', /result_url/],
      ['[null,null,3,60,0,', '[null,null,3,1000000000,0,', /longer than a day/],
      ['"{\\"ref\\":\\"A\\"}"', '"{\\"bad key\\":\\"A\\"}"', /metadata/],
      ['"{\\"ref\\":\\"A\\"}"', '"{\\"ref\\":{\\"deep\\":1}}"', /metadata/],
    ];
    for (const [from, to, why] of edits) {
      assert.ok(good.includes(from), from);
      const bad = good.replace(from, to);
      assert.throws(() => fuse.Engine.restore(bad), (err) => err.code === 'invalid_snapshot' && why.test(err.message), to);
    }
  });

  // Point 6: a result too big for one JS string is refused with the limit and the way around it.
  test('includeRequests past the JS string limit is a clear error, not an opaque failure', { timeout: 60000 }, () => {
    const fuse = getFuse();
    const v = fuse.createCsvValidator({}, { now: T, includeRequests: true });
    v.push('destination,note\n');
    const chunk = `6175551234,${'x'.repeat(2000)}\n`.repeat(500);
    for (let i = 0; i < 280; i++) v.push(chunk); // 140,000 rows, about 300 MB of requests as JSON
    assert.throws(() => v.finish(), (err) => err.code === 'invalid_option' && err.field === 'includeRequests' &&
      /pass 268,435,456 bytes of JSON at row [\d,]+, more than one JavaScript string holds.*createCsvEnqueuer/.test(err.message));
  });

  test('parseDestinations refuses a batch too large for one result, naming the limit and the slices', () => {
    const fuse = getFuse();
    assert.throws(() => fuse.parseDestinations(Array(3e6).fill('617')), (err) => err instanceof RangeError &&
      /at most 1,000,000 inputs per call, got 3,000,000; parse them in slices/.test(err.message));
    assert.throws(() => fuse.parseDestinations(['x'.repeat(70 << 20)]), /more than 67,108,864 per call/);
    const b = fuse.parseDestinations(Array(1e6).fill('617'));
    assert.equal(b.invalid, 1e6);
    assert.equal(b.at(0).ok, false);
  });

  test('Engine, CsvValidator and the sim carrier free themselves through Symbol.dispose', () => {
    const fuse = getFuse();
    const e = new fuse.Engine({ capacity: 1 });
    e[Symbol.dispose]();
    assert.throws(() => e.enqueue('a', { phone_number: '6175551234' }, T), /disposed/);
    const v = fuse.createCsvValidator({}, { now: T });
    v[Symbol.dispose]();
    assert.throws(() => v.push('destination\n'), /finish\(\) was already called/);
    const c = fuse.createSimCarrier({ seed: 1 });
    c[Symbol.dispose]();
    c[Symbol.dispose](); // twice is harmless
  });

  test('preview: rates too large to add up are named as such, not as all 0', () => {
    const fuse = getFuse();
    const r = fuse.previewWindow({ calls: 10, capacity: 1, start: T, end: T + 3600, rates: { connected: 1e308, busy: 1e308 } });
    assert.equal(r.ok, false);
    assert.match(r.errors[0].message, /add up to more than a number can hold/);
    assert.doesNotMatch(r.errors[0].message, /all 0/);
  });

  // Issue 10, point 1: reading a batch's errors in a loop costs one build of the list, not one per read.
  test('a batch builds its errors and warnings once', () => {
    const fuse = getFuse();
    const b = fuse.parseDestinations(Array(8000).fill('617'));
    assert.equal(b.errors, b.errors);
    assert.equal(b.warnings, b.warnings);
    let n = 0;
    for (let i = 0; i < b.errors.length; i++) n += b.errors[i].index;
    assert.equal(n, (7999 * 8000) / 2);
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

// Point 2: engines nobody disposes do not exhaust the wasm heap (each costs kilobytes until the
// garbage collector's FinalizationRegistry frees it), and the module keeps working.
test('wasm: 30,000 engines never disposed leave the module working', { timeout: 60000 }, async () => {
  const script = `
    (async () => {
      const fuse = await require(${JSON.stringify(path.join(__dirname, '../../js/wasm.js'))}).init();
      for (let i = 0; i < 30000; i++) {
        const e = new fuse.Engine({ capacity: 2 });
        e.enqueue('a', { phone_number: '6175551234' }, ${T});
        if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
      }
      const e = new fuse.Engine({ capacity: 2 });
      console.log(e.enqueue('a', { phone_number: '6175551234' }, ${T}).ok);
    })();`;
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 60000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { message: `${err.message.slice(0, 300)}\n${stdout}\n${stderr.slice(0, 300)}` }));
      else resolve(stdout);
    });
  });
  assert.equal(out.trim(), 'true');
});

const CLI = path.join(__dirname, '../../js/cli.js');
function cli(args, { input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { timeout: 30000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.killed ? 'timeout' : err.code) : 0, stdout, stderr });
    });
    if (input) {
      const fs = require('node:fs');
      fs.createReadStream(input, { end: 64 << 20 }).pipe(child.stdin).on('error', () => {});
    }
  });
}

// Point 5: the CLI reads files as streams and stops at the first file-level error.
test('validate and preview stop at once on /dev/zero; parse - bounds a line', { timeout: 60000 }, async () => {
  const v = await cli(['validate', '/dev/zero']);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /starts with NUL bytes: it is binary data, not CSV text/);
  const p = await cli(['preview', '/dev/zero', '--capacity', '1']);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /starts with NUL bytes/);
  const parsed = await cli(['parse', '-'], { input: '/dev/zero' });
  assert.equal(parsed.code, 1);
  const json = JSON.parse(parsed.stdout);
  assert.equal(json.length, 1);
  assert.match(json[0].errors[0].message, /longer than 1048576 characters.*reading stopped/);
});

// Point 13: every bad flag value is a usage error (exit 2) naming the flag.
test('a bad flag value is a usage error naming the flag, whatever the value', async () => {
  const csv = path.join(__dirname, '../../examples/calls.csv');
  for (const value of ['0', '-5', '1e308', 'abc']) {
    const r = await cli(['validate', csv, '--max-rows', value]);
    assert.equal(r.code, 2, `--max-rows ${value}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /--max-rows/);
  }
  const m = await cli(['validate', csv, '--max-problems', '1.5']);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /--max-problems/);
});

// Point 12: the dev server serves only the pages' files, and a bad URL is a 400.
test('scripts/serve.js: bad URLs are 400, and nothing outside examples/ and dist/ is served', async () => {
  const { serve } = require('../../scripts/serve');
  const { server, url } = await serve(0);
  try {
    const status = async (p) => (await fetch(url + p)).status;
    assert.equal(await status('/%'), 400);
    assert.equal(await status('/%00'), 400);
    assert.equal(await status('/.git/config'), 404);
    assert.equal(await status('/package.json'), 404);
    assert.equal(await status('/examples/../.git/config'), 404);
    assert.equal(await status('/%2e%2e/%2e%2e/etc/passwd'), 404);
    assert.equal(await status('/examples/preflight/'), 200);
    assert.equal(await status('/examples/calls.csv'), 200);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
