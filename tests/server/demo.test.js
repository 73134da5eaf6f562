'use strict';
// The README's first command ends in `fuse-outbound demo`: it must queue the example upload over
// HTTP, show each call placed and each verified result, and (with --once) stop by itself. A second
// run on the same data directory reuses the demo account and numbers on.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');
const { tempDir } = require('./helpers');

const CLI = path.join(__dirname, '../../js/cli.js');

function demo(data) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'demo', '--once', '--data', data, '--port', '0', '--speed', '600'], { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve(stdout);
    });
  });
}

test('fuse-outbound demo --once places the example calls and receives every signed result', { skip: process.env.FUSE_TEST_STORE === 'postgres' && 'the demo and the README example run on SQLite: covered by the SQLite pass' }, async (t) => {
  const data = tempDir('fuse-demo-');
  t.after(() => fs.rmSync(data, { recursive: true, force: true }));
  const out = await demo(data);
  assert.match(out, /^fuse-outbound serving http:\/\/127\.0\.0\.1:\d+ on SQLite/);
  assert.match(out, /400: Row 6 \(line 7\): destination "617-555-123" has 9 digits/);
  assert.match(out, /200: queued 7 calls, ids 1 to 7, 1 row\(s\) left out/);
  for (let id = 1; id <= 7; id++) {
    assert.match(out, new RegExp(`placing call ${id} to \\+\\d+`), `call ${id} placed`);
    assert.match(out, new RegExp(`result received for call ${id}: (completed|failed) .*signature verified, msg_\\w+_${id}\\n`), `call ${id} result`);
  }
  assert.match(out, /placing call 5 to \+16175554321 from \+18009957586, then DTMF 2/);
  assert.doesNotMatch(out, /INVALID|not applied/);
  assert.match(out, /all 7 results received and verified/);
  assert.ok(fs.existsSync(path.join(data, 'demo-account.json')));

  const again = await demo(data);
  assert.match(again, /queued 7 calls, ids 8 to 14/);
  assert.match(again, /result received for call 14/);
});
