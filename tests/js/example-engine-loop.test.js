'use strict';
// examples/engine-loop.js (the README's "Queue engine" example) runs to the end on both builds and
// carries out what the engine asks: every call dialed, the busy and silent numbers re-attempted
// once and failed, the others completed, one result POSTed per call.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { buildNames } = require('./helpers/builds');

const example = path.join(__dirname, '../../examples/engine-loop.js');

function run(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [example, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve(stdout.trim().split('\n').map((line) => line.replace(/^\[\+ *\d+s\] /, '')));
    });
  });
}

for (const build of buildNames) {
  test(`examples/engine-loop.js runs to the end (${build} build)`, async () => {
    const lines = await run(build === 'wasm' ? ['--wasm'] : []);
    assert.equal(lines[0], 'queued 5 calls from the CSV: ids 1, 2, 3, 4, 5');
    assert.equal(lines[1], 'queued call 6 on its own');
    const dials = lines.filter((l) => l.startsWith('dial ')).map((l) => l.match(/^dial (\d+) (\S+) \((\w+), attempt (\d)\)$/).slice(1));
    assert.deepEqual(dials.map(([id, , , attempt]) => `${id}#${attempt}`).sort(), ['1#1', '2#1', '3#1', '3#2', '4#1', '4#2', '5#1', '6#1']);
    assert.ok(dials.some(([id, uri, deployment]) => id === '5' && uri === 'tel:+16175550144;postd=2' && deployment === 'reminders'));
    assert.ok(dials.some(([id, , deployment]) => id === '6' && deployment === 'surveys'));
    assert.deepEqual(lines.filter((l) => l.startsWith('hang up')), ['hang up 4: noanswer', 'hang up 4: noanswer']);
    assert.deepEqual(lines.filter((l) => l === 'carrier: 3 busy').length, 2);
    const posts = lines.filter((l) => l.startsWith('POST ')).map((l) => l.match(/^POST (\S+) call (\d+) (\w+) after (\d) attempt/).slice(1));
    assert.deepEqual(posts.map(([url, id, status, attempts]) => `${url} ${id} ${status} ${attempts}`).sort(), [
      'https://example.com/fuse/results 1 completed 1',
      'https://example.com/fuse/results 2 completed 1',
      'https://example.com/fuse/results 3 failed 2',
      'https://example.com/fuse/results 4 failed 2',
      'https://example.com/fuse/results 5 completed 1',
      'https://example.com/fuse/results 6 completed 1',
    ]);
    assert.equal(lines.at(-1), 'done: 4 completed, 2 failed, 0 canceled');
  });
}

test('the README shows examples/engine-loop.js as it is', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  assert.ok(readme.includes('```js\n' + fs.readFileSync(example, 'utf8') + '```'));
});
