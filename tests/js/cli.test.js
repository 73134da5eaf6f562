'use strict';
// The command line, run as a user would (a child process), with each build.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { buildNames } = require('./helpers/builds');

const CLI = path.join(__dirname, '..', '..', 'js', 'cli.js');

function cli(args, { input, build = 'native' } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args, ...(build === 'wasm' ? ['--wasm'] : [])], {
    input,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const build of buildNames) {
  describe(`cli (${build} build)`, () => {
    test('parse: valid destinations, JSON out, exit 0', () => {
      const r = cli(['parse', 'tel:+16175551234;ani=8009957586;postd=2', '6175551234'], { build });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.length, 2);
      assert.equal(out[0].input, 'tel:+16175551234;ani=8009957586;postd=2');
      assert.equal(out[0].destination.uri, 'tel:+16175551234;ani=8009957586;postd=2');
      assert.equal(out[1].destination.e164, '+16175551234');
    });

    test('parse: an invalid destination gives exit 1 and its errors', () => {
      const r = cli(['parse', '6175551234', '617555'], { build });
      assert.equal(r.code, 1);
      const out = JSON.parse(r.stdout);
      assert.equal(out[0].ok, true);
      assert.equal(out[1].ok, false);
      assert.equal(out[1].errors[0].code, 'invalid_phone_number');
    });

    test('parse: - reads standard input, one per line', () => {
      const r = cli(['parse', '-'], { build, input: '6175551234\r\n+44 20 7946 0958\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).map((x) => x.destination.e164), ['+16175551234', '+442079460958']);
    });
  });
}

test('cli: usage errors exit 2 with a hint', () => {
  let r = cli([]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /Commands:/);
  r = cli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  r = cli(['parse']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give at least one destination/);
  r = cli(['parse', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option --bogus/);
  r = cli(['parse', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: fuse-outbound parse/);
});
