'use strict';
// The README's test-suite example is examples/service.test.js, word for word, and it passes.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');

const root = path.join(__dirname, '../..');

test('the README shows examples/service.test.js as it is', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const m = /<!-- example: examples\/service\.test\.js -->\n```js\n([\s\S]*?)```\n/.exec(readme);
  assert.ok(m, 'README has the example block');
  assert.equal(m[1], fs.readFileSync(path.join(root, 'examples/service.test.js'), 'utf8'));
});

// A child `node --test` under this runner reports to it instead of stdout unless this is unset.
function withoutTestContext() {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

test('examples/service.test.js passes under node --test', { skip: process.env.FUSE_TEST_STORE === 'postgres' && 'the demo and the README example run on SQLite: covered by the SQLite pass' }, async () => {
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, ['--test', '--test-reporter=tap', path.join(root, 'examples/service.test.js')], { cwd: root, timeout: 60000, env: withoutTestContext() }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { message: `${err.message}\n${stdout}\n${stderr}` }));
      else resolve(stdout);
    });
  });
  assert.match(out, /^# pass 2$/m);
  assert.match(out, /^# fail 0$/m);
});
