'use strict';
// Defects a review found, each reproduced here first: a changed --capacity on restart re-dialing
// what the first run dialed, two services on one data directory, a dial placed although its commit
// failed, a late carrier outcome taken for the next attempt's, IPv4-mapped IPv6 callbacks past the SSRF guard, unbounded dashboard streams, and
// fastify's own error bodies.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { createServer } = require('../../js/server');
const { T0, tempDir, tempStore, storeArgs, removeStore, onPostgres, startServer, startReceiver, request, basic } = require('./helpers');

const CLI = path.join(__dirname, '../../js/cli.js');

function serve(data, args) {
  const proc = spawn(process.execPath, [CLI, 'serve', ...storeArgs(data), '--port', '0', '--verbose', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { text: '' };
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (c) => {
      out.text += c;
      const m = /fuse-outbound serving (http:\/\/\S+)/.exec(out.text);
      if (m && !out.url) resolve(Object.assign(out, { proc, url: m[1] }));
    });
    let err = '';
    proc.stderr.on('data', (c) => (err += c));
    proc.on('exit', (code) => (out.url ? null : reject(new Error(`serve exited ${code}: ${err}`))));
  });
}
const kill9 = (proc) => new Promise((r) => (proc.exitCode !== null ? r() : (proc.once('exit', r), proc.kill('SIGKILL'))));
const until = async (fn, ms = 10000) => {
  const end = Date.now() + ms;
  while (!fn() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return fn();
};

test('a restart with another --capacity before any checkpoint dials nothing twice', { timeout: 60000 }, async (t) => {
  const data = await tempStore();
  t.after(() => removeStore(data));
  const a = JSON.parse(execFileSync(process.execPath, [CLI, 'accounts', 'add', 'x@example.com', '--json', ...storeArgs(data)], { encoding: 'utf8' }));
  execFileSync(process.execPath, [CLI, 'deployments', 'add', 'x@example.com', 'app1', 'main', ...storeArgs(data)]);
  const auth = basic(a.email, a.developer_key);
  const first = await serve(data, ['--capacity', '10']);
  for (let i = 0; i < 10; i++) {
    const q = await request(`${first.url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: '6175550177' } });
    assert.equal(q.status, 200);
  }
  assert.ok(await until(() => (first.text.match(/^dial /gm) || []).length === 10), first.text);
  await kill9(first.proc);
  const second = await serve(data, ['--capacity', '2']);
  t.after(() => kill9(second.proc));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((second.text.match(/^dial /gm) || []).length, 0, `re-dialed after the restart:\n${second.text}`);
  const s = await request(`${second.url}/api/outbound/3`, { auth });
  assert.equal(s.json.call_details.status, 'failed'); // closed by the in-flight rule: noanswer, 1 attempt
});

// SQLite only: on PostgreSQL several nodes share the database by design (cluster.test.js).
test('one service per data directory; a lock left by a dead process is taken over', { skip: onPostgres && 'PostgreSQL: several nodes per database (cluster.test.js)' }, async (t) => {
  const { server, data } = await startServer(t);
  await assert.rejects(createServer({ data, clock: 'manual' }), (err) => err.code === 'FUSE_DATA_LOCKED' && /\(pid \d+\) is serving/.test(err.message));
  assert.ok(server.url);
  // A lock whose process is gone (kill -9) does not keep a restart out.
  const other = tempDir();
  t.after(() => fs.rmSync(other, { recursive: true, force: true }));
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => dead.once('exit', r));
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(other, 'serve.lock'), `${dead.pid}\n`);
  const again = await createServer({ data: other, clock: 'manual' });
  await again.close();
  assert.equal(fs.existsSync(path.join(other, 'serve.lock')), false, 'close() releases the lock');
});

test('a dial whose commit failed is never placed', async (t) => {
  const { server, url, auth } = await startServer(t);
  const dials = [];
  const fatal = [];
  server.outbound.on('dial', (a) => dials.push(a));
  server.outbound.on('fatal', (err) => fatal.push(err));
  const q = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: '6175550100' } });
  assert.equal(q.status, 200);
  const commit = server.store.commit;
  server.store.commit = () => {
    throw new Error('disk full');
  };
  await server.clock.advance(1);
  server.store.commit = commit;
  assert.equal(fatal.length >= 1, true);
  assert.deepEqual(dials, [], 'nothing dialed that is not on disk');
});

// Dials and hangups wait for their commit, so a carrier can report on an attempt the engine has
// already ended and dialed again (a slow commit: seen on PostgreSQL under load, lines over the
// capacity). The outcome names its attempt; one for an earlier attempt must not end the new one.
test("a carrier's outcome for an earlier attempt does not end the call's current attempt", async (t) => {
  const logged = [];
  const { server, url, auth } = await startServer(t, { log: (line) => logged.push(line) });
  const dials = [];
  server.outbound.on('dial', (a) => dials.push(a.attempt));
  // 555-0170 never answers: each attempt ends at the ring timeout (45 s).
  const q = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: '6175550170', max_attempts: 2, reattempt_wait: 60 } });
  assert.equal(q.status, 200, q.text);
  const id = q.json.call_id;
  const details = async () => (await request(`${url}/api/outbound/${id}`, { auth })).json.call_details;
  await server.clock.advance(50);
  server.outbound.report(id, 'busy', undefined, undefined, 1); // after its ring timeout: dropped
  await server.clock.advance(1);
  assert.equal((await details()).events.filter((e) => e.event === 'busy').length, 0);
  await server.clock.advance(60);
  assert.deepEqual(dials, [1, 2]);
  server.outbound.report(id, 'connected', undefined, undefined, 1); // the first attempt's, late
  await server.clock.advance(1);
  let d = await details();
  assert.equal(d.status, 'dialing', 'a late outcome of attempt 1 connected attempt 2');
  assert.deepEqual(d.events.filter((e) => e.event === 'connected'), []);
  server.outbound.report(id, 'busy', undefined, undefined, 2);
  await server.clock.advance(1);
  d = await details();
  assert.equal(d.status, 'failed');
  assert.equal(d.events.filter((e) => e.event === 'busy').length, 1);
  assert.deepEqual(logged.filter((l) => /not applied/.test(l)), [], 'a late outcome is no error');
});

test('IPv4-mapped IPv6 callbacks (both spellings) are refused like their IPv4 address', async (t) => {
  const rx = await startReceiver(t);
  const { server, url, auth } = await startServer(t, { allowCallbacksTo: null });
  const port = new URL(rx.url).port;
  const ids = [];
  for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:a9fe:a9fe]', '[::7f00:1]']) {
    const q = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: '6175550100', result_url: `http://${host}:${port}/hook` } });
    assert.equal(q.status, 200, q.text);
    ids.push(q.json.call_id);
  }
  await server.clock.advance(60);
  assert.equal(rx.got.length, 0);
  for (const id of ids) {
    const d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
    assert.equal(d.state, 'failed', JSON.stringify(d));
    assert.match(d.tries[0].error, /refused/);
  }
});

test('dashboard event streams are limited per account', async (t) => {
  const { url, auth } = await startServer(t);
  const controllers = [];
  t.after(() => controllers.forEach((c) => c.abort()));
  for (let i = 0; i < 16; i++) {
    const c = new AbortController();
    controllers.push(c);
    const res = await fetch(`${url}/api/dashboard/events`, { headers: { authorization: auth }, signal: c.signal });
    assert.equal(res.status, 200);
  }
  const over = await request(`${url}/api/dashboard/events`, { auth });
  assert.equal(over.status, 429);
  assert.match(over.json.error, /At most 16 dashboard event streams/);
  controllers.pop().abort();
  await new Promise((r) => setTimeout(r, 100));
  const c = new AbortController();
  controllers.push(c);
  const again = await fetch(`${url}/api/dashboard/events`, { headers: { authorization: auth }, signal: c.signal });
  assert.equal(again.status, 200, 'a closed stream frees its place');
});

test('URLs fastify refuses get the SPEC error body', async (t) => {
  const { url, auth } = await startServer(t);
  const bad = await request(`${url}/api/apps/%ZZ/main/queue`, { method: 'POST', auth, json: {} });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json), ['error']);
  assert.match(bad.json.error, /does not decode/);
  const long = await request(`${url}/api/apps/${'a'.repeat(200)}/main/queue`, { method: 'POST', auth, json: {} });
  assert.ok(long.status === 414 || long.status === 404, String(long.status));
  assert.ok(long.json && typeof long.json.error === 'string', long.text);
});
