'use strict';
// validateCsv / createCsvValidator (SPEC 4): the same cases against both builds, plus the builds
// compared with each other.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild, loadBuilds, buildNames } = require('./helpers/builds');

const NOW = 1_700_000_000;
const opts = (extra = {}) => ({ now: NOW, ...extra });
const codes = (problems) => problems.map((p) => p.code);

// [name, csv, options, expected subset of the result, expected error codes, expected warning codes]
const table = [
  ['valid file', 'destination,name\n6175551234,Ann\n16175551235,Bob\n', {},
    { ok: true, rows: 2, valid: 2, invalid: 0, queued: 2 }, [], []],
  ['empty file', '', {}, { ok: false, rows: 0, queued: 0 }, ['csv_empty'], []],
  ['header only', 'destination\r\n', {}, { ok: false, rows: 0 }, ['csv_empty'], []],
  ['no destination column', 'phone\n6175551234\n', {}, { ok: false, rows: 1 }, ['csv_missing_destination_column'], []],
  ['duplicate column', 'destination,a,Destination\n6175551234,x,y\n', {}, { ok: false }, ['csv_duplicate_column'], []],
  ['invalid column name', 'destination,first name\n6175551234,x\n', {}, { ok: false }, ['csv_invalid_column_name'], []],
  ['unterminated quote', 'destination,a\n6175551234,"open\n', {}, { ok: false, rows: 0 }, ['csv_unterminated_quote'], []],
  ['stray quote', 'destination,a\n6175551234,5" tall\n', {}, { ok: false, invalid: 1 }, ['csv_invalid_quote'], []],
  ['field count', 'destination,a\n6175551234,Boston, MA\n', {}, { ok: false, invalid: 1 }, ['csv_field_count'], []],
  ['invalid UTF-8', Uint8Array.from([...Buffer.from('destination,a\n6175551234,Zo'), 0xeb, 10]), {},
    { ok: false, invalid: 1 }, ['csv_invalid_utf8'], []],
  ['too many rows', 'destination\n6175551234\n6175551235\n6175551236\n', { maxRows: 2, partial: true },
    { ok: false, rows: 3, valid: 2, queued: 0 }, ['csv_too_many_rows'], []],
  ['duplicate destination', 'destination\n6175551234\ntel:+16175551234;postd=2\n', {},
    { ok: true, valid: 2, queued: 2, errorCount: 0, warningCount: 1 }, [], ['duplicate_destination']],
  ['row errors, all-or-nothing', 'destination\n6175551234\n12345\n', {},
    { ok: false, valid: 1, invalid: 1, queued: 0 }, ['invalid_phone_number'], []],
  ['row errors, partial', 'destination\n6175551234\n12345\n', { partial: true },
    { ok: true, valid: 1, invalid: 1, queued: 1, errorCount: 1 }, ['invalid_phone_number'], []],
  ['partial without a valid row', 'destination\n12345\n', { partial: true },
    { ok: false, valid: 0, invalid: 1, queued: 0 }, ['invalid_phone_number'], []],
  ['bad option value', 'destination\n6175551234\n', { maxRows: 0 }, { ok: false, queued: 0 }, ['invalid_option'], []],
  ['unknown option', 'destination\n6175551234\n', { maxrows: 10 }, { ok: false, queued: 0 }, ['invalid_option'], []],
];

forEachBuild((getFuse) => {
  for (const [name, csv, options, expected, errors, warnings] of table) {
    test(`validateCsv: ${name}`, () => {
      const r = getFuse().validateCsv(csv, {}, opts(options));
      for (const [key, value] of Object.entries(expected)) assert.equal(r[key], value, key);
      assert.deepEqual(codes(r.errors), errors);
      assert.deepEqual(codes(r.warnings), warnings);
      for (const code of [...errors, ...warnings]) assert.ok(r.counts[code] >= 1, code);
      assert.equal(r.truncated, false);
      assert.equal('requests' in r, false);
    });
  }

  test('validateCsv takes a string, a Uint8Array and an ArrayBuffer alike', () => {
    const fuse = getFuse();
    const text = '\uFEFFdestination,name\r\n6175551234,Zoë 📞\r\n12345,x\r\n';
    const bytes = new TextEncoder().encode(text);
    const fromString = fuse.validateCsv(text, {}, opts({ includeRequests: true, partial: true }));
    const fromBytes = fuse.validateCsv(bytes, {}, opts({ includeRequests: true, partial: true }));
    const fromBuffer = fuse.validateCsv(bytes.slice().buffer, {}, opts({ includeRequests: true, partial: true }));
    assert.deepEqual(fromBytes, fromString);
    assert.deepEqual(fromBuffer, fromString);
    assert.equal(fromString.requests[0].metadata.name, 'Zoë 📞');
  });

  test('errors carry row, line and field; file-level problems have neither row nor line', () => {
    const csv = 'destination,note\n6175551234,"two\nlines"\n\n6175551235,"5" tall"\n617555,x\n"6175551237,open';
    const r = getFuse().validateCsv(csv, {}, opts());
    const quote = r.errors.find((e) => e.code === 'csv_invalid_quote');
    assert.deepEqual({ row: quote.row, line: quote.line, field: quote.field }, { row: 2, line: 5, field: 'note' });
    assert.match(quote.message, /^Row 2 \(line 5\): /);
    const phone = r.errors.find((e) => e.code === 'invalid_phone_number');
    assert.deepEqual({ row: phone.row, line: phone.line, field: phone.field }, { row: 3, line: 6, field: 'destination' });
    assert.match(phone.message, /617555/);
    const open = r.errors.find((e) => e.code === 'csv_unterminated_quote');
    assert.equal('row' in open, false);
    assert.equal('line' in open, false);
    assert.match(open.message, /line 7/);
  });

  test('includeRequests: the queued rows with row and line', () => {
    const csv = 'destination,name,city\n16175551234;ani=8009957586,Ann,"Boston, MA"\nbad,x,y\ntel:+16175551235;postd=2,,\n';
    const r = getFuse().validateCsv(csv, { max_attempts: 3, reattempt_wait: 300 }, opts({ includeRequests: true, partial: true }));
    assert.equal(r.queued, 2);
    assert.equal(r.requests.length, 2);
    const [first, second] = r.requests;
    assert.equal(first.row, 1);
    assert.equal(first.line, 2);
    assert.equal(first.phone_number, '16175551234;ani=8009957586');
    assert.equal(first.destination.e164, '+16175551234');
    assert.equal(first.destination.ani, '+18009957586');
    assert.equal(first.destination.uri, 'tel:+16175551234;ani=8009957586');
    assert.deepEqual(first.metadata, { name: 'Ann', city: 'Boston, MA' });
    assert.equal(first.max_attempts, 3);
    assert.equal(first.reattempt_wait, 300);
    assert.equal(second.row, 3);
    assert.equal(second.line, 4);
    assert.equal(second.destination.postd, '2');
    // Nothing is queued without partial: no requests either.
    const all = getFuse().validateCsv(csv, {}, opts({ includeRequests: true }));
    assert.equal(all.queued, 0);
    assert.deepEqual(all.requests, []);
  });

  test('createCsvValidator: chunked pushes report progress and give the one-shot result', () => {
    const fuse = getFuse();
    const csv = 'destination,note\r\n6175551234,"a\r\nb"\r\n16175551235,c\r\n6175551234,d\r\n';
    const whole = fuse.validateCsv(csv, {}, opts());
    for (const size of [1, 2, 3, 7, 16]) {
      const v = fuse.createCsvValidator({}, opts());
      let progress;
      for (let i = 0; i < csv.length; i += size) progress = v.push(csv.slice(i, i + size));
      assert.deepEqual(progress, { rows: 3, bytes: Buffer.byteLength(csv), fileError: false });
      assert.deepEqual(v.finish(), whole, `chunks of ${size}`);
    }
    // A file-level problem decides the verdict at once: progress says so, and reading can stop.
    const bad = fuse.createCsvValidator({}, opts());
    assert.equal(bad.push('name,note\n').fileError, true);
    assert.equal(bad.finish().counts.csv_missing_destination_column, 1);
  });

  test('strings split inside surrogate pairs and CRLF read as the whole string', () => {
    const fuse = getFuse();
    const csv = 'destination,name\r\n6175551234,📞😀\r\n6175551235,\uD83D\r\n6175551236,a\uDE00b\r\n';
    const whole = fuse.validateCsv(csv, {}, opts({ includeRequests: true }));
    assert.equal(whole.ok, true);
    assert.equal(whole.requests[0].metadata.name, '📞😀');
    assert.equal(whole.requests[1].metadata.name, '\uFFFD');  // a lone surrogate, as TextEncoder writes it
    for (let at = 1; at < csv.length; at++) {
      const v = fuse.createCsvValidator({}, opts({ includeRequests: true }));
      v.push(csv.slice(0, at));
      v.push(csv.slice(at));
      assert.deepEqual(v.finish(), whole, `split at ${at}`);
    }
    // Bytes split inside a UTF-8 sequence too.
    const bytes = new TextEncoder().encode(csv);
    for (let at = 1; at < bytes.length; at++) {
      const v = fuse.createCsvValidator({}, opts({ includeRequests: true }));
      v.push(bytes.subarray(0, at));
      v.push(bytes.subarray(at));
      assert.deepEqual(v.finish(), whole, `byte split at ${at}`);
    }
  });

  test('a file larger than one push is fed in pieces', () => {
    const rows = 60_000;
    let csv = 'destination,name,address\n';
    for (let i = 0; i < rows; i++) csv += `+4420${70000000 + i},Customer ${i},"${i} High St, London"\n`;
    assert.ok(csv.length > 2 * (1 << 20));
    const r = getFuse().validateCsv(csv, {}, opts({ maxProblems: 5 }));
    assert.equal(r.ok, true);
    assert.equal(r.rows, rows);
    assert.equal(r.queued, rows);
    const bytes = getFuse().validateCsv(new TextEncoder().encode(csv), {}, opts());
    assert.deepEqual(bytes, r);
  });

  test('maxProblems keeps the counts exact', () => {
    const csv = 'destination\n' + 'bad\n'.repeat(50);
    const r = getFuse().validateCsv(csv, {}, opts({ maxProblems: 3 }));
    assert.equal(r.errors.length, 3);
    assert.equal(r.errorCount, 50);
    assert.equal(r.counts.invalid_phone_number, 50);
    assert.equal(r.invalid, 50);
    assert.equal(r.truncated, true);
  });

  test('the upload parameters apply to every row and their errors reject the upload', () => {
    const fuse = getFuse();
    const csv = 'destination\n6175551234\n';
    const bad = fuse.validateCsv(csv, { max_attempts: 3 }, opts({ partial: true }));
    assert.equal(bad.ok, false);
    assert.equal(bad.queued, 0);
    assert.ok(bad.errors.some((e) => e.code === 'max_attempts_requires_reattempt_wait' && !('row' in e)));
    const past = fuse.validateCsv(csv, { end_timestamp: NOW - 10 }, opts());
    assert.deepEqual(codes(past.errors), ['end_in_past']);
  });

  test('argument types are checked', () => {
    const fuse = getFuse();
    assert.throws(() => fuse.validateCsv(42), TypeError);
    assert.throws(() => fuse.validateCsv(null), TypeError);
    assert.throws(() => fuse.validateCsv([1, 2]), TypeError);
    assert.throws(() => fuse.validateCsv('destination\n', 'params'), TypeError);
    assert.throws(() => fuse.validateCsv('destination\n', {}, []), TypeError);
    assert.throws(() => fuse.validateCsv('destination\n', {}, { partial: 'yes' }), /options.partial must be a boolean/);
    assert.throws(() => fuse.createCsvValidator({}, { maxRows: '10' }), /options.maxRows must be a finite number/);
    assert.throws(() => fuse.createCsvValidator({}, { now: NaN }), TypeError);
    const v = fuse.createCsvValidator();
    assert.throws(() => v.push(3), TypeError);
    assert.throws(() => v.push(new Uint16Array(2)), TypeError);
    v.push('destination\n6175551234\n');
    assert.equal(v.finish().ok, true);
    assert.throws(() => v.push('x'), /finish\(\) was already called/);
    assert.throws(() => v.finish(), /finish\(\) was already called/);
  });

  test('now defaults to the clock', () => {
    const fuse = getFuse();
    const soon = Math.floor(Date.now() / 1000) + 3600;
    assert.equal(fuse.validateCsv('destination\n6175551234\n', { end_timestamp: soon }).ok, true);
    assert.deepEqual(codes(fuse.validateCsv('destination\n6175551234\n', { end_timestamp: soon }, { now: soon + 1 }).errors),
      ['end_in_past']);
  });
});

test('both builds give the same result for the same upload', { skip: buildNames.length < 2 && 'needs both builds (FUSE_BUILDS narrows to one)' }, async () => {
  const builds = await loadBuilds();
  const names = Object.keys(builds);
  const csv =
    '\uFEFFDestination , name,ssn\r\n6175551234,"Zoë, ""Z""",\r\n\r\n617555,x,\n16175551234,"a\nb",123-45-6789\r' +
    'tel:+16175551236;ani=8009957586;postd=2,5" tall,\n6175551237,a,b,c\n';
  for (const options of [opts(), opts({ partial: true, includeRequests: true }), opts({ strict: true, maxProblems: 2 })]) {
    const results = names.map((n) => builds[n].validateCsv(csv, { max_attempts: 2, reattempt_wait: 120 }, options));
    for (let i = 1; i < results.length; i++) assert.deepEqual(results[i], results[0]);
  }
});
