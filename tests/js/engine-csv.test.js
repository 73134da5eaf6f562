'use strict';
// Engine#enqueueCsv (SPEC 4, 5, 7), stats().memoryBytes and how actions cross from the core
// (packed numbers + text), through the public JS API of both builds.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild, loadBuilds, buildNames } = require('./helpers/builds');

const T0 = 1_700_000_000;
const phone = (i) => `617${2300000 + i}`;
const codes = (problems) => problems.map((p) => p.code);

// What validateCsv and enqueueCsv both answer.
const SHARED_KEYS = ['ok', 'rows', 'valid', 'invalid', 'queued', 'errorCount', 'warningCount', 'errors', 'warnings', 'counts', 'truncated'];
const pick = (r) => Object.fromEntries(SHARED_KEYS.map((k) => [k, r[k]]));

// [name, csv, params, options]
const uploads = [
  ['valid file with metadata', 'destination,name\n6175551234,Ann\n16175551235,"Bob, Jr."\n', {}, {}],
  ['BOM, CRLF, blank lines, quoted line break', '\uFEFFDestination,note\r\n\r\n6175551234,"two\r\nlines"\r\n', {}, {}],
  ['empty file', '', {}, {}],
  ['header without rows', 'destination\n', {}, {}],
  ['no destination column', 'phone\n6175551234\n', {}, {}],
  ['duplicate and invalid columns', 'destination,a,A,first name\n6175551234,x,y,z\n', {}, {}],
  ['unterminated quote', 'destination,a\n6175551234,"open\n', {}, {}],
  ['field count and stray quote', 'destination,a\n6175551234,Boston, MA\n6175551235,5" tall\n', {}, {}],
  ['invalid UTF-8', Uint8Array.from([...Buffer.from('destination,a\n6175551234,Zo'), 0xeb, 10]), {}, {}],
  ['too many rows', 'destination\n6175551234\n6175551235\n6175551236\n', {}, { maxRows: 2, partial: true }],
  ['duplicate destination', 'destination\n6175551234\ntel:+16175551234;postd=2\n', {}, {}],
  ['row errors, all-or-nothing', 'destination\n6175551234\n12345\n6175551236;ext=2\n', {}, {}],
  ['row errors, partial', 'destination\n6175551234\n12345\n', {}, { partial: true }],
  ['partial without a valid row', 'destination\n12345\n', {}, { partial: true }],
  ['sensitive column, strict', 'destination,ssn\n6175551234,123-45-6789\n', {}, { strict: true }],
  ['sensitive column', 'destination,ssn\n6175551234,123-45-6789\n', {}, {}],
  ['bad parameters', 'destination\n6175551234\n', { max_attempts: 3, end_timestamp: T0 - 5, color: 'red' }, {}],
  ['window and attempts', 'destination\n6175551234\n', { start_timestamp: T0 + 60, end_timestamp: T0 + 3600, max_attempts: 3, reattempt_wait: 120, result_url: 'https://example.com/r', is_pci: 1 }, {}],
  ['problems cut at maxProblems', 'destination\n1\n2\n3\n4\n', {}, { maxProblems: 2, partial: true }],
  ['bad option value', 'destination\n6175551234\n', {}, { maxRows: 0 }],
];

forEachBuild((getFuse) => {
  for (const [name, csv, params, options] of uploads) {
    test(`enqueueCsv answers as validateCsv: ${name}`, () => {
      const { Engine, validateCsv } = getFuse();
      const engine = new Engine({ capacity: 2 });
      const r = engine.enqueueCsv('A', csv, params, T0, options);
      const expected = validateCsv(csv, params, { ...options, now: T0 });
      assert.deepEqual(pick(r), pick(expected));
      assert.deepEqual(Object.keys(r), [...SHARED_KEYS, 'firstCallId', 'lastCallId', 'callIds']);
      const stats = engine.stats();
      assert.equal(stats.calls, r.queued);
      if (r.queued) {
        assert.equal(r.firstCallId, '1');
        assert.equal(r.lastCallId, String(r.queued));
        assert.deepEqual(r.callIds, Array.from({ length: r.queued }, (_, i) => String(i + 1)));
      } else {
        assert.deepEqual([r.firstCallId, r.lastCallId, r.callIds], [null, null, []]);
      }
      engine.dispose();
    });
  }

  test('enqueueCsv: a bad row queues nothing, partial queues the rest, ids continue the engine\'s', () => {
    const { Engine } = getFuse();
    const engine = new Engine({ capacity: 10 });
    assert.equal(engine.enqueue('single', { phone_number: phone(0) }, T0).callId, '1');
    const csv = `destination,name\n${phone(1)},Ann\n617555123,Bob\n${phone(3)},Cy\n`;
    const refused = engine.enqueueCsv('bulk', csv, {}, T0);
    assert.equal(refused.ok, false);
    assert.equal(refused.queued, 0);
    assert.deepEqual(refused.errors.map((e) => [e.code, e.row, e.line]), [['invalid_phone_number', 2, 3]]);
    assert.match(refused.errors[0].message, /^Row 2 \(line 3\): /);
    assert.equal(engine.stats().calls, 1);
    assert.equal(engine.stats({ perDeployment: true }).byDeployment.length, 1);

    const partial = engine.enqueueCsv('bulk', csv, {}, T0, { partial: true });
    assert.equal(partial.ok, true);
    assert.deepEqual([partial.queued, partial.invalid, partial.firstCallId, partial.lastCallId], [2, 1, '2', '3']);
    assert.deepEqual(partial.callIds, ['2', '3']);
    assert.deepEqual(engine.get('3').metadata, { name: 'Cy' });
    assert.equal(engine.get('3').phone_number, `'${phone(3)}'`);
    assert.deepEqual(engine.advance(T0).map((a) => [a.callId, a.deployment, a.phoneNumber]), [
      ['1', 'single', phone(0)],
      ['2', 'bulk', phone(1)],
      ['3', 'bulk', phone(3)],
    ]);
  });

  test('enqueueCsv: the rows dial in row order with the upload\'s window, attempts and result_url', () => {
    const { Engine } = getFuse();
    const engine = new Engine({ capacity: 1 });
    const params = { start_timestamp: T0 + 100, end_timestamp: T0 + 1000, max_attempts: 2, reattempt_wait: 60, result_url: 'https://example.com/r' };
    const csv = ['destination,n', ...[1, 2, 3].map((i) => `${phone(i)},${i}`)].join('\n');
    const r = engine.enqueueCsv('A', csv, params, T0);
    assert.deepEqual(r.callIds, ['1', '2', '3']);
    assert.deepEqual(engine.advance(T0 + 99), []);
    assert.equal(engine.nextWakeup(), T0 + 100);
    const brief = (actions) => actions.map((a) => `${a.type} ${a.callId}${a.attempt ? ` #${a.attempt}` : ''}${a.status ? ` ${a.status}` : ''}`);
    assert.deepEqual(brief(engine.advance(T0 + 100)), ['dial 1 #1']);
    assert.deepEqual(brief(engine.report('1', 'busy', T0 + 110)), ['dial 2 #1']); // 1 waits 60 s, at the back
    engine.report('2', 'connected', T0 + 115);
    assert.deepEqual(brief(engine.report('2', 'disconnected', T0 + 200)), ['result 2 completed', 'dial 3 #1']);
    engine.report('3', 'connected', T0 + 205);
    const ended = engine.report('3', 'disconnected', T0 + 300);
    assert.deepEqual(brief(ended), ['result 3 completed', 'dial 1 #2']);
    assert.equal(ended[0].resultUrl, 'https://example.com/r');
    const details = JSON.parse(ended[0].payload);
    assert.deepEqual([details.max_attempts, details.reattempt_wait, details.call_id, details.metadata], ['2', '60', '3', { n: '3' }]);
    const [hangup, failed] = engine.advance(T0 + 1400); // no answer to the second attempt, the last
    assert.deepEqual([hangup.type, hangup.timestamp], ['hangup', T0 + 345]);
    assert.deepEqual([failed.callId, failed.status], ['1', 'failed']);
    assert.equal(JSON.parse(failed.payload).attempts, '2');
  });

  test('enqueueCsv: the deployment, the time and the options are checked; argument types are TypeErrors', () => {
    const { Engine } = getFuse();
    const engine = new Engine({ capacity: 1 });
    const csv = `destination\n${phone(1)}\n`;
    engine.enqueue('A', { phone_number: phone(9) }, T0 + 50);
    const noName = engine.enqueueCsv('', csv, {}, T0 + 60);
    assert.deepEqual(noName.errors.map((e) => [e.code, e.field]), [['invalid_params', 'deployment']]);
    const early = engine.enqueueCsv('A', csv, {}, T0);
    assert.deepEqual(codes(early.errors), ['invalid_time']);
    assert.match(early.errors[0].message, /backwards/);
    assert.equal(early.valid, 1); // the file was still checked
    assert.deepEqual(codes(engine.enqueueCsv('A', csv, {}, T0 + 60.5).errors), ['invalid_time']);
    const options = engine.enqueueCsv('A', csv, {}, T0 + 60, { now: T0, includeRequests: true });
    assert.deepEqual(options.errors.map((e) => [e.code, e.field]), [['invalid_option', 'now'], ['invalid_option', 'includeRequests']]);
    assert.match(options.errors[0].message, /4th argument/);
    assert.equal(engine.stats().calls, 1);
    assert.throws(() => engine.enqueueCsv('A', 42, {}, T0 + 60), TypeError);
    assert.throws(() => engine.enqueueCsv('A', ['x'], {}, T0 + 60), TypeError);
    assert.throws(() => engine.enqueueCsv(7, csv, {}, T0 + 60), TypeError);
    assert.throws(() => engine.enqueueCsv('A', csv, null, T0 + 60), TypeError);
    assert.throws(() => engine.enqueueCsv('A', csv, {}, '1700000060'), TypeError);
    assert.throws(() => engine.enqueueCsv('A', csv, {}, T0 + 60, { partial: 'yes' }), TypeError);
    assert.equal(engine.enqueueCsv('A', csv, {}, T0 + 60).ok, true); // nothing left over from the refusals
    engine.dispose();
    assert.throws(() => engine.enqueueCsv('A', csv, {}, T0 + 60), (err) => err.code === 'ERR_ENGINE_DISPOSED');
  });

  test('enqueueCsv takes a string, a Uint8Array or an ArrayBuffer; a surrogate pair split between pieces stays whole', () => {
    const { Engine } = getFuse();
    // The string is encoded 2^20 code units at a time: put a 📞 across that boundary.
    const head = 'destination,note\n';
    const row = (i, note) => `${phone(i)},${note}\n`;
    let text = head;
    let i = 0;
    while (text.length < (1 << 20) - 64) text += row(i++, 'x'.repeat(40));
    const lead = (1 << 20) - 1 - text.length - phone(i).length - 1; // the note's length before its 📞
    text += row(i++, `${'y'.repeat(lead)}📞 end`);
    text += row(i++, 'Zoë');
    assert.equal(text.charCodeAt((1 << 20) - 1), 0xd83d);
    const bytes = new TextEncoder().encode(text);
    const engines = [text, bytes, bytes.slice().buffer].map((csv) => {
      const engine = new Engine({ capacity: 1 });
      const r = engine.enqueueCsv('A', csv, {}, T0);
      assert.equal(r.ok, true);
      assert.equal(r.queued, i);
      return engine;
    });
    const split = String(i - 1);
    assert.equal(engines[0].get(split).metadata.note, `${'y'.repeat(lead)}📞 end`);
    assert.equal(engines[0].get(String(i)).metadata.note, 'Zoë');
    for (const engine of engines.slice(1)) assert.equal(engine.snapshot(), engines[0].snapshot());
  });

  test('enqueueCsv: a 60,000-row upload is queued whole, fits in under 200 bytes a call and cancels at once', () => {
    const { Engine } = getFuse();
    const engine = new Engine({ capacity: 100 });
    const before = engine.stats().memoryBytes;
    const rows = ['destination'];
    for (let n = 0; n < 60_000; n++) rows.push(phone(n));
    const r = engine.enqueueCsv('big', rows.join('\n'), { max_attempts: 2, reattempt_wait: 60 }, T0);
    assert.deepEqual([r.ok, r.rows, r.queued, r.firstCallId, r.lastCallId, r.callIds.length], [true, 60_000, 60_000, '1', '60000', 60_000]);
    assert.equal(r.callIds[59_999], '60000');
    const stats = engine.stats();
    assert.equal(stats.queued, 60_000);
    assert.ok(stats.memoryBytes > before, 'memoryBytes grows with the calls');
    assert.ok(stats.memoryBytes < 60_000 * 200, `${stats.memoryBytes} bytes for 60,000 calls`);
    const dials = engine.advance(T0);
    assert.equal(dials.length, 100);
    assert.deepEqual(dials.map((a) => a.phoneNumber), rows.slice(1, 101));
    assert.ok(engine.stats().memoryBytes > stats.memoryBytes, 'dialing adds events and timers');
    // 59,900 results in one answer (more numbers than an engine keeps an array for), then on as before.
    const canceled = engine.cancelDeployment('big', T0 + 1);
    assert.equal(canceled.length, 59_900);
    assert.deepEqual([canceled[0].callId, canceled[0].status, canceled.at(-1).callId], ['101', 'canceled', '60000']);
    assert.deepEqual(JSON.parse(canceled.at(-1).payload).events.map((e) => e.event), ['queued', 'canceled']);
    engine.report('7', 'connected', T0 + 2);
    const [done] = engine.report('7', 'disconnected', T0 + 9);
    assert.deepEqual([done.callId, done.status, JSON.parse(done.payload).duration], ['7', 'completed', 7]);
  });

  test('actions: many at once, many deployments (names sent once), non-ASCII text, long ids', () => {
    const { Engine } = getFuse();
    const engine = new Engine({ capacity: 600, ringTimeout: 30 });
    const names = ['A', 'déploiement-été', '📞 calls', 'a-long-deployment-name-that-is-not-short'];
    for (let n = 0; n < 600; n++) {
      const params = { phone_number: n % 7 ? phone(n) : `tel:+1${phone(n)};ani=8009957586;postd=1w2` };
      if (n % 5 === 0) Object.assign(params, { metadata: { name: `Zoë 📞 ${n}` }, result_url: `https://example.com/résultat/${n}` });
      assert.equal(engine.enqueue(names[n % names.length] + (n >= 300 ? `-${n % 50}` : ''), params, T0).ok, true);
    }
    const dials = engine.advance(T0); // 600 dials: more numbers than the first output array holds
    assert.equal(dials.length, 600);
    for (const [k, a] of dials.entries()) {
      const n = Number(a.callId) - 1;
      assert.equal(a.deployment, names[n % names.length] + (n >= 300 ? `-${n % 50}` : ''));
      assert.equal(a.phoneNumber, n % 7 ? phone(n) : `tel:+1${phone(n)};ani=8009957586;postd=1w2`);
      assert.equal(a.e164, `+1${phone(n)}`);
      assert.deepEqual([a.ani, a.postd], n % 7 ? [null, null] : ['+18009957586', '1w2']);
      assert.equal(a.uri, n % 7 ? `tel:+1${phone(n)}` : `tel:+1${phone(n)};ani=8009957586;postd=1w2`);
      assert.deepEqual([a.attempt, a.timestamp], [1, T0]);
      if (k > 0) assert.notEqual(a.callId, dials[k - 1].callId);
    }
    // Ring timeouts: a hangup and a result per call, results carrying non-ASCII payloads and URLs.
    const ended = engine.advance(T0 + 30);
    assert.equal(ended.length, 1200);
    for (let k = 0; k < ended.length; k += 2) {
      const [hangup, result] = [ended[k], ended[k + 1]];
      assert.deepEqual([hangup.type, hangup.reason, hangup.timestamp, result.type, result.status], ['hangup', 'noanswer', T0 + 30, 'result', 'failed']);
      const n = Number(result.callId) - 1;
      const details = JSON.parse(result.payload);
      assert.equal(details.call_id, result.callId);
      assert.equal(result.resultUrl, n % 5 === 0 ? `https://example.com/résultat/${n}` : null);
      assert.deepEqual(details.metadata, n % 5 === 0 ? { name: `Zoë 📞 ${n}` } : undefined);
    }
    // A later engine call reads its actions from the larger array.
    engine.enqueue('📞 calls', { phone_number: phone(700) }, T0 + 31);
    assert.deepEqual(engine.advance(T0 + 31).map((a) => [a.callId, a.deployment]), [['601', '📞 calls']]);
    const longId = '9'.repeat(80); // longer than the addon's stack buffer for ids
    assert.throws(() => engine.report(longId, 'connected', T0 + 31), (err) => err.code === 'unknown_call' && err.message.includes(longId.slice(0, 60)));
    const wideId = `x${'€'.repeat(21)}`; // 64 bytes of UTF-8: a buffer of 63 would cut it short
    assert.throws(() => engine.report(wideId, 'connected', T0 + 31), (err) => err.code === 'unknown_call' && err.message.includes(`"${wideId}"`));
    assert.throws(() => engine.report('601', 'dialing', T0 + 31), (err) => err.code === 'invalid_transition');
  });

  test('queueAsRead: a validated upload queues the same calls, in the same order, holding no rows', () => {
    const fuse = getFuse();
    let csv = 'destination,ref\n';
    for (let i = 0; i < 10000; i++) csv += `${phone(i)},r${i}\n`;
    const params = { max_attempts: 2, reattempt_wait: 120 };
    assert.equal(fuse.validateCsv(csv, params, { now: T0 }).ok, true);
    const held = new fuse.Engine({ capacity: 3 });
    const streamed = new fuse.Engine({ capacity: 3 });
    held.enqueue('other', { phone_number: phone(99999) }, T0);
    streamed.enqueue('other', { phone_number: phone(99999) }, T0);
    const a = held.enqueueCsv('bulk', csv, params, T0);
    const up = streamed.createCsvEnqueuer('bulk', params, T0, { queueAsRead: true });
    for (let i = 0; i < csv.length; i += 4093) up.push(csv.slice(i, i + 4093));
    const b = up.finish();
    assert.deepEqual(pick(b), pick(a));
    assert.deepEqual([b.firstCallId, b.lastCallId, b.callIds.length], [a.firstCallId, a.lastCallId, 10000]);
    assert.equal(streamed.snapshot(), held.snapshot());
    assert.deepEqual(streamed.advance(T0), held.advance(T0));
    // A file that turns out bad keeps what was queued before it failed, and says so.
    const late = new fuse.Engine({ capacity: 1 });
    const bad = late.createCsvEnqueuer('bulk', {}, T0, { queueAsRead: true });
    bad.push(csv);
    bad.push('not a number\n');
    const r = bad.finish();
    assert.equal(r.ok, false);
    assert.ok(r.queued > 0 && r.queued < 10000, String(r.queued));
    assert.equal(r.queued, late.stats().calls);
    for (const e of [held, streamed, late]) e.dispose();
  });
});

test('both builds queue the same CSV identically', { skip: buildNames.length < 2 && 'needs both builds (FUSE_BUILDS narrows to one)' }, async () => {
  const builds = await loadBuilds();
  const names = Object.keys(builds);
  const csv = `destination,name\n${phone(1)},Zoë\n12,x\n${phone(3)},"a, b"\n${phone(1)},dup\n`;
  const answers = names.map((n) => {
    const engine = new builds[n].Engine({ capacity: 2 });
    const r = engine.enqueueCsv('A', csv, { max_attempts: 2, reattempt_wait: 60 }, T0, { partial: true });
    return JSON.stringify([r, engine.snapshot(), engine.advance(T0)]);
  });
  for (const a of answers.slice(1)) assert.equal(a, answers[0]);
});
