'use strict';
// fuse-outbound validate: the bulk_queue preflight from the terminal, with each build.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildNames } = require('./helpers/builds');

const CLI = path.join(__dirname, '..', '..', 'js', 'cli.js');
const NOW = 1_800_000_000;

function cli(args, { input, build } = {}) {
  const r = spawnSync(process.execPath, [CLI, 'validate', '--now', String(NOW), ...args, ...(build === 'wasm' ? ['--wasm'] : [])], {
    input,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir;
const files = {};
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-cli-'));
  const write = (name, text) => {
    files[name] = path.join(dir, name);
    fs.writeFileSync(files[name], text);
  };
  write('good.csv', '\ufeffDestination,name,appointment\r\n6175551234,Ann,"Mon, 10am"\r\ntel:+12125551234;ani=8009957586,Bob,"Tue, 2pm"\r\n');
  // Row 2 has a bad number; row 3's quoted field spans two lines, so row 4 starts on line 6.
  write('bad.csv', 'destination,name,notes\n6175551234,Ann,ok\n617555,Bob,ok\n2125551234,Cy,"two\nlines"\n+44 20 7946 0958,Di\n6175551234,Ed,again\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const build of buildNames) {
  describe(`cli validate (${build} build)`, () => {
    test('a clean upload: READY, exit 0', () => {
      const r = cli([files['good.csv']], { build });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /READY: all 2 rows would be queued/);
      assert.match(r.stdout, /rows 2 +valid 2 +invalid 0 +errors 0 +warnings 0/);
    });

    test('problems are listed with row, line and column; exit 1', () => {
      const r = cli([files['bad.csv']], { build });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /NOT READY: nothing would be queued/);
      assert.match(r.stdout, /Row 2 \(line 3\): destination "617555" has 6 digits.*\[invalid_phone_number\]/);
      assert.match(r.stdout, /Row 4 \(line 6\).*3 columns.*\[csv_field_count\]/);
      assert.match(r.stdout, /Row 5 \(line 7\): destination \+16175551234 is also on row 1.*\[duplicate_destination\]/);
    });

    test('--json gives the validateCsv result; --partial queues the valid rows', () => {
      const r = cli([files['bad.csv'], '--json', '--partial'], { build });
      assert.equal(r.code, 0, r.stdout);
      const result = JSON.parse(r.stdout);
      assert.equal(result.ok, true);
      assert.equal(result.rows, 5);
      assert.equal(result.queued, 3);
      assert.deepEqual(result.errors.map((e) => [e.code, e.row, e.line]), [['invalid_phone_number', 2, 3], ['csv_field_count', 4, 6]]);
    });

    test('upload parameters are checked; times may be ISO dates', () => {
      const r = cli([files['good.csv'], '--json', '--max-attempts', '3', '--end-timestamp', '2020-01-01T00:00Z', '--result-url', 'ftp://x'], { build });
      assert.equal(r.code, 1);
      const codes = JSON.parse(r.stdout).errors.map((e) => e.code).sort();
      assert.deepEqual(codes, ['end_in_past', 'invalid_result_url', 'max_attempts_requires_reattempt_wait']);
      const ok = cli([files['good.csv'], '--json', '--start-timestamp', '2027-01-04T09:00Z', '--end-timestamp', '1799999999999'], { build });
      assert.equal(ok.code, 1); // end is far beyond year 9999: invalid_timestamp
      assert.equal(JSON.parse(ok.stdout).errors[0].code, 'invalid_timestamp');
    });

    test('- reads the file from standard input', () => {
      const r = cli(['-', '--json'], { build, input: fs.readFileSync(files['good.csv']) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).queued, 2);
    });
  });
}

test('cli validate: a progress bar on a terminal, none in a pipe', (t) => {
  // `script` (util-linux) runs the command on a pseudo-terminal.
  const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} validate --now ${NOW} ${files['bad.csv']}`, '/dev/null'], { encoding: 'utf8' });
  if (tty.error) return t.skip('script(1) is not available');
  assert.match(tty.stdout, /\[#+\] 100% 5 rows/);
  assert.match(tty.stdout, /NOT READY/);
  const piped = cli([files['bad.csv']]);
  assert.doesNotMatch(piped.stdout + piped.stderr, /\[#/);
});

test('cli validate: usage errors', () => {
  let r = cli([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give one CSV file/);
  r = cli(['/no/such/file.csv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no such file/);
  r = cli([files['good.csv'], '--max-rows', 'many']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--max-rows must be a number/);
});
