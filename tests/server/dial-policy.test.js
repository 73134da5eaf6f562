'use strict';
// SPEC 14 on the service, over real HTTP on a real store with the manual clock: the account's
// suppression list (PUT/GET/DELETE /api/suppressions/{number}, the listing), a suppressed call
// canceled with event `suppressed` and its result posted, suppressions and policies surviving a
// restart (checkpoint and journal replay), --dial-rate pacing, and a deployment's weight and
// calling hours set through the admin API.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { T0, onPostgres, startServer, startReceiver, request } = require('./helpers');
const { deployments: deploymentsCommand } = require('../../js/cli/admin');

const SCRIPTED = '6175550100'; // answers after 5 s, talks 10 s
const NEVER = '6175550170'; // never answers: rings until the ring timeout
const PHOENIX = '6025550100'; // area code 602: America/Phoenix, UTC-7 all year

const until = async (fn, ms = 5000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
};

function dialsOf(server) {
  const dials = [];
  server.outbound.on('dial', (a) => dials.push({ at: server.clock.now(), callId: a.callId, deployment: a.deployment, e164: a.e164 }));
  return dials;
}

async function queue(url, auth, params, deployment = 'main') {
  const q = await request(`${url}/api/apps/app1/${deployment}/queue`, { method: 'POST', auth, json: params });
  assert.equal(q.status, 200, q.text);
  return q.json.call_id;
}

test('PUT, GET and DELETE /api/suppressions/{number} take any accepted form and answer in E.164', async (t) => {
  const { url, auth } = await startServer(t);
  const s = `${url}/api/suppressions`;
  const put = await request(`${s}/%2B16175551234`, { method: 'PUT', auth });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { phone_number: '+16175551234', suppressed: true });
  // Again, in another form: still 200 (already there).
  const again = await request(`${s}/${encodeURIComponent('(617) 555-1234')}`, { method: 'PUT', auth });
  assert.equal(again.status, 200);
  assert.deepEqual(again.json, { phone_number: '+16175551234', suppressed: true });
  assert.deepEqual((await request(`${s}/6175551234`, { auth })).json, { phone_number: '+16175551234', suppressed: true });
  assert.deepEqual((await request(`${s}/6175559999`, { auth })).json, { phone_number: '+16175559999', suppressed: false });
  const del = await request(`${s}/16175551234`, { method: 'DELETE', auth });
  assert.equal(del.status, 200);
  assert.deepEqual(del.json, { phone_number: '+16175551234', suppressed: false });
  const gone = await request(`${s}/6175551234`, { method: 'DELETE', auth });
  assert.equal(gone.status, 404);
  assert.match(gone.json.error, /\+16175551234 is not suppressed/);
  assert.deepEqual((await request(`${s}/6175551234`, { auth })).json, { phone_number: '+16175551234', suppressed: false });
});

test('suppressions: a bad number is a 400 naming phone_number; 401 without credentials; 405; XML', async (t) => {
  const { url, auth } = await startServer(t);
  const s = `${url}/api/suppressions`;
  for (const method of ['PUT', 'GET', 'DELETE']) {
    const bad = await request(`${s}/12`, { method, auth });
    assert.equal(bad.status, 400, `${method}: ${bad.text}`);
    assert.match(bad.json.error, /^phone_number "12"/);
    assert.equal(bad.json.problems[0].field, 'phone_number');
    assert.equal(bad.json.problems[0].code, 'invalid_phone_number');
    const anon = await request(`${s}/6175551234`, { method });
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate'), /^Basic realm="fuse-outbound"/);
    const wrong = await request(`${s}/6175551234`, { method, auth: 'Basic ' + Buffer.from('dev@example.com:nope').toString('base64') });
    assert.equal(wrong.status, 401);
  }
  assert.equal((await request(`${s}`, {})).status, 401);
  const post = await request(`${s}/6175551234`, { method: 'POST', auth });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'PUT, DELETE, GET, HEAD');
  const xml = await request(`${s}/6175551234`, { method: 'PUT', auth, headers: { accept: 'application/xml' } });
  assert.equal(xml.status, 200);
  assert.match(xml.headers.get('content-type'), /application\/xml/);
  assert.equal(xml.text, '<?xml version="1.0"?>\n<result><phone_number>+16175551234</phone_number><suppressed>true</suppressed></result>');
  const xmlError = await request(`${s}/x`, { auth, headers: { accept: 'application/xml' } });
  assert.equal(xmlError.status, 400);
  assert.match(xmlError.text, /^<\?xml version="1.0"\?>\n<result><error>phone_number .+<\/error><problems><item><code>invalid_phone_number<\/code>/);
  const list = await request(s, { auth, headers: { accept: 'application/xml' } });
  assert.equal(list.text, `<?xml version="1.0"?>\n<result><suppressions><item><phone_number>+16175551234</phone_number><suppressed_at>${T0}</suppressed_at></item></suppressions><next></next></result>`);
});

test('GET /api/suppressions lists the account\'s numbers in pages; each account has its own list', async (t) => {
  const { server, url, auth } = await startServer(t);
  const numbers = ['+442079460958', '+16175550199', '+16175551234', '+12125550100', '+16025550123'];
  for (const n of numbers) assert.equal((await request(`${url}/api/suppressions/${encodeURIComponent(n)}`, { method: 'PUT', auth })).status, 200);
  const all = await request(`${url}/api/suppressions`, { auth });
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.suppressions.map((s) => s.phone_number), [...numbers].sort());
  assert.equal(all.json.next, null);
  for (const s of all.json.suppressions) assert.equal(s.suppressed_at, T0);
  const seen = [];
  let after = null;
  for (let page = 0; page < 10; page++) {
    const r = await request(`${url}/api/suppressions?limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`, { auth });
    assert.equal(r.status, 200);
    assert.ok(r.json.suppressions.length <= 2);
    seen.push(...r.json.suppressions.map((s) => s.phone_number));
    after = r.json.next;
    if (!after) break;
  }
  assert.deepEqual(seen, [...numbers].sort());
  for (const limit of ['0', '1001', 'x', '-1']) {
    const bad = await request(`${url}/api/suppressions?limit=${limit}`, { auth });
    assert.equal(bad.status, 400, limit);
    assert.match(bad.json.error, /^limit must be a whole number from 1 to 1000/);
  }
  // Another account sees none of them, and its suppression does not touch this account's calls.
  const other = await server.accounts.add('other@example.com');
  const otherAuth = 'Basic ' + Buffer.from(`${other.email}:${other.developerKey}`).toString('base64');
  assert.deepEqual((await request(`${url}/api/suppressions`, { auth: otherAuth })).json, { suppressions: [], next: null });
  assert.deepEqual((await request(`${url}/api/suppressions/6175551234`, { auth: otherAuth })).json, { phone_number: '+16175551234', suppressed: false });
  assert.equal((await request(`${url}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth: otherAuth })).status, 200);
  const dials = dialsOf(server);
  const id = await queue(url, auth, { phone_number: SCRIPTED });
  await server.clock.advance(60);
  assert.equal(dials.length, 1, 'suppressed only in the other account: dialed');
  assert.equal((await request(`${url}/api/outbound/${id}`, { auth })).json.call_details.status, 'completed');
});

test('a suppressed number queued through /queue is never dialed; its result (canceled, event suppressed) is posted', async (t) => {
  const rx = await startReceiver(t);
  const { server, url, auth } = await startServer(t);
  const dials = dialsOf(server);
  assert.equal((await request(`${url}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth })).status, 200);
  const id = await queue(url, auth, { phone_number: `+1 ${SCRIPTED}`, result_url: `${rx.url}/hook`, max_attempts: 3, reattempt_wait: 60 });
  const other = await queue(url, auth, { phone_number: '6175550101', result_url: `${rx.url}/hook` });
  await server.clock.advance(600);
  assert.deepEqual(dials.map((d) => d.callId), [other], 'only the call that is not suppressed is dialed');
  const hit = rx.got.map((g) => JSON.parse(g.body)).find((b) => b.call_id === id);
  assert.ok(hit, 'the suppressed call\'s result was posted');
  assert.equal(hit.status, 'canceled');
  assert.deepEqual(hit.events.map((e) => e.event), ['queued', 'suppressed']);
  assert.equal(hit.attempts, '0');
  const s = await request(`${url}/api/outbound/${id}`, { auth });
  assert.equal(s.json.call_details.status, 'canceled');
  // Unsuppressed: the next call to it is dialed.
  assert.equal((await request(`${url}/api/suppressions/${SCRIPTED}`, { method: 'DELETE', auth })).status, 200);
  const third = await queue(url, auth, { phone_number: SCRIPTED });
  await server.clock.advance(60);
  assert.deepEqual(dials.map((d) => d.callId), [other, third]);
});

test('a call already queued is canceled when its number is suppressed before it dials', async (t) => {
  const { server, url, auth } = await startServer(t, { capacity: 1 });
  const dials = dialsOf(server);
  const first = await queue(url, auth, { phone_number: SCRIPTED }); // takes the one line for 15 s
  const second = await queue(url, auth, { phone_number: '6175550101' });
  await server.clock.advance(1);
  assert.equal((await request(`${url}/api/suppressions/6175550101`, { method: 'PUT', auth })).status, 200);
  await server.clock.advance(120);
  assert.deepEqual(dials.map((d) => d.callId), [first]);
  const d = (await request(`${url}/api/outbound/${second}`, { auth })).json.call_details;
  assert.equal(d.status, 'canceled');
  assert.equal(d.events.at(-1).event, 'suppressed');
});

test('a suppression survives a restart on the same data directory (checkpoint)', async (t) => {
  const first = await startServer(null, { keep: true });
  assert.equal((await request(`${first.url}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth: first.auth })).status, 200);
  assert.equal((await request(`${first.url}/api/suppressions/6175550101`, { method: 'PUT', auth: first.auth })).status, 200);
  assert.equal((await request(`${first.url}/api/suppressions/6175550101`, { method: 'DELETE', auth: first.auth })).status, 200);
  await first.server.close();
  const second = await startServer(t, { data: first.data, account: first.account });
  const { server, url, auth } = second;
  assert.deepEqual((await request(`${url}/api/suppressions/${SCRIPTED}`, { auth })).json, { phone_number: '+16175550100', suppressed: true });
  assert.deepEqual((await request(`${url}/api/suppressions/6175550101`, { auth })).json, { phone_number: '+16175550101', suppressed: false });
  assert.deepEqual((await request(`${url}/api/suppressions`, { auth })).json.suppressions.map((s) => s.phone_number), ['+16175550100']);
  const dials = dialsOf(server);
  const id = await queue(url, auth, { phone_number: SCRIPTED });
  await server.clock.advance(60);
  assert.equal(dials.length, 0);
  assert.equal((await request(`${url}/api/outbound/${id}`, { auth })).json.call_details.events.at(-1).event, 'suppressed');
});

// A stop that writes nothing (as a kill -9 would leave it): the restart replays the journal.
test('suppressions, a dial rate and a deployment policy are rebuilt by the journal replay after a crash', { skip: onPostgres && 'SQLite: crashes on PostgreSQL are cluster.test.js\'s' }, async (t) => {
  const first = await startServer(null, { keep: true, dialRate: 0.5 });
  await first.server.deployments.set('app1', 'main', { weight: 7, callingHours: 'tcpa' });
  assert.equal((await request(`${first.url}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth: first.auth })).status, 200);
  await queue(first.url, first.auth, { phone_number: NEVER }); // applies the policy before it
  await first.server.clock.advance(1);
  await first.server.app.close();
  await first.server.outbound.abandon();
  first.server.store.close();
  fs.rmSync(path.join(first.data, 'serve.lock'), { force: true });
  const second = await startServer(t, { data: first.data, account: first.account, dialRate: 0.5 });
  assert.ok(second.server.replayed >= 3, `replayed ${second.server.replayed}`);
  const engine = second.server.outbound.engine;
  const dep = second.server.store.deployment('app1', 'main');
  assert.deepEqual(engine.deploymentPolicy(String(dep.id)), { weight: 7, callingHours: '08:00-21:00', suppressionList: `account:${dep.account_id}` });
  assert.equal(engine.stats().dialRate, 0.5);
  assert.equal(engine.isSuppressed(SCRIPTED, `account:${dep.account_id}`), true);
  assert.deepEqual((await request(`${second.url}/api/suppressions/${SCRIPTED}`, { auth: second.auth })).json.suppressed, true);
});

test('--dial-rate (createServer dialRate) paces dials; a changed rate at a restart takes effect', async (t) => {
  const first = await startServer(null, { keep: true, capacity: 100, dialRate: 2 });
  const perSecond = new Map();
  first.server.outbound.on('dial', () => perSecond.set(first.server.clock.now(), (perSecond.get(first.server.clock.now()) || 0) + 1));
  for (let i = 0; i < 10; i++) await queue(first.url, first.auth, { phone_number: NEVER });
  let dialed = 0;
  for (let s = 0; s < 8; s++) {
    await first.server.clock.advance(1);
    dialed = [...perSecond.values()].reduce((a, b) => a + b, 0);
  }
  assert.equal(dialed, 10);
  for (const [at, n] of perSecond) assert.ok(n <= 2, `${n} dials at ${at - T0} s: ${JSON.stringify([...perSecond])}`);
  // ceil(rate x S) in any S seconds: 10 dials need at least 4 s past the first.
  const times = [...perSecond.keys()].sort((a, b) => a - b);
  assert.ok(times.at(-1) - times[0] >= 4, JSON.stringify([...perSecond]));
  assert.equal(first.server.outbound.engine.stats().dialRate, 2);
  await first.server.close();

  // 0.5 a second: one dial every 2 s.
  const second = await startServer(null, { keep: true, data: first.data, account: first.account, capacity: 100, dialRate: 0.5 });
  assert.equal(second.server.outbound.engine.stats().dialRate, 0.5);
  const dials = dialsOf(second.server);
  for (let i = 0; i < 4; i++) await queue(second.url, second.auth, { phone_number: NEVER });
  for (let s = 0; s < 8; s++) await second.server.clock.advance(1);
  assert.equal(dials.length, 4);
  for (let i = 1; i < dials.length; i++) assert.ok(dials[i].at - dials[i - 1].at >= 2, JSON.stringify(dials));
  await second.server.close();

  // No --dial-rate: no limit again.
  const third = await startServer(t, { data: first.data, account: first.account, capacity: 100 });
  assert.equal(third.server.outbound.engine.stats().dialRate, null);
  const all = dialsOf(third.server);
  for (let i = 0; i < 6; i++) await queue(third.url, third.auth, { phone_number: NEVER });
  await third.server.clock.advance(1);
  assert.equal(all.length, 6);
});

test('a deployment\'s calling hours set through the admin API hold its calls until they open', async (t) => {
  const { server, url, auth } = await startServer(t);
  const dials = dialsOf(server);
  // T0 is 2026-01-01T00:00Z: 17:00 on Dec 31 in Phoenix (UTC-7, no daylight saving).
  const set = await server.deployments.set('app1', 'main', { callingHours: '10:00-16:00' });
  assert.deepEqual({ weight: set.weight, calling_hours: set.calling_hours }, { weight: 1, calling_hours: '10:00-16:00' });
  const id = await queue(url, auth, { phone_number: PHOENIX });
  const dep = await server.store.deployment('app1', 'main');
  // SQLite: applied before the call (its first in this process); PostgreSQL: within the admin poll.
  assert.ok(await until(() => server.outbound.engine.deploymentPolicy(String(dep.id)).callingHours === '10:00-16:00'));
  await server.clock.advance(17 * 3600 - 60); // 09:59 in Phoenix
  assert.equal(dials.length, 0);
  assert.equal((await request(`${url}/api/outbound/${id}`, { auth })).json.call_details.status, 'queued');
  await server.clock.advance(120); // 10:01
  assert.equal(dials.length, 1);
  assert.equal(dials[0].at, T0 + 17 * 3600, 'dialed when the hours open');
  // Cleared (set ... --calling-hours none): applied by the running service within a second.
  await server.deployments.set('app1', 'main', { callingHours: null });
  assert.ok(await until(() => server.outbound.engine.deploymentPolicy(String(dep.id)).callingHours === null), 'the running service applied the change');
  // A per-call timezone overrides the number's zone: 02:01 in Tokyo is outside tcpa.
  await server.deployments.set('app1', 'main', { callingHours: 'tcpa' });
  assert.ok(await until(() => server.outbound.engine.deploymentPolicy(String(dep.id)).callingHours === '08:00-21:00'));
  const before = dials.length;
  await queue(url, auth, { phone_number: SCRIPTED, timezone: 'Asia/Tokyo' }); // now 17:01Z = 02:01 JST
  await server.clock.advance(3600);
  assert.equal(dials.length, before);
  await server.clock.advance(6 * 3600); // 09:01 JST
  assert.equal(dials.length, before + 1);
});

test('deployment weights set through the admin API share the free lines', async (t) => {
  const { server, url, auth } = await startServer(t, { capacity: 4 });
  await server.deployments.add('dev@example.com', 'app1', 'other', { weight: 1 });
  await server.deployments.set('app1', 'main', { weight: 3 });
  const main = String((await server.store.deployment('app1', 'main')).id);
  const other = String((await server.store.deployment('app1', 'other')).id);
  await queue(url, auth, { phone_number: NEVER, start_timestamp: T0 + 3600 }, 'other'); // (PostgreSQL: policies applied by then)
  assert.ok(await until(() => server.outbound.engine.deploymentPolicy(main).weight === 3 && server.outbound.engine.deploymentPolicy(other).weight === 1));
  const dials = dialsOf(server);
  for (let i = 0; i < 8; i++) {
    await queue(url, auth, { phone_number: NEVER }, 'other');
    await queue(url, auth, { phone_number: NEVER }, 'main');
  }
  await server.clock.advance(1);
  assert.equal(dials.length, 4);
  assert.equal(dials.filter((d) => d.deployment === main).length, 3, JSON.stringify(dials));
});

test('deployments add|set on the command line: the core judges --weight and --calling-hours', { skip: onPostgres && 'the CLI on --data' }, async (t) => {
  const { server, data } = await startServer(t);
  const out = [];
  const io = { stdout: { write: (s) => out.push(s) } };
  const run = (...args) => deploymentsCommand.run([...args, '--data', data], io);
  assert.equal(await run('add', 'app1', 'night', '--email', 'dev@example.com', '--calling-hours', 'mon-fri 08:00-21:00; sat 09:00-17:00', '--weight', '2', '--json'), 0);
  const added = JSON.parse(out.pop());
  assert.deepEqual({ weight: added.weight, calling_hours: added.calling_hours }, { weight: 2, calling_hours: 'mon-fri 08:00-21:00; sat 09:00-17:00' });
  await assert.rejects(run('set', 'app1', 'night', '--calling-hours', '25:00'), (err) => {
    assert.equal(err.exitCode, 1);
    assert.match(err.message, /^--calling-hours: Calling hours "25:00" are not a span of HH:MM-HH:MM/);
    return true;
  });
  await assert.rejects(run('set', 'app1', 'night', '--weight', '0'), /--weight: weight must be a whole number from 1 to 1000/);
  await assert.rejects(run('set', 'app1', 'night'), /takes --weight N and\/or --calling-hours/);
  await assert.rejects(run('set', 'app1', 'nope', '--weight', '2'), /no deployment app1\/nope/);
  assert.equal(await run('set', 'app1', 'night', '--calling-hours', 'none'), 0);
  assert.match(out.pop(), /^deployment app1\/night: weight 2, calling hours none/);
  const row = await server.store.deployment('app1', 'night');
  assert.equal(row.weight, 2);
  assert.equal(row.calling_hours, null);
  assert.ok(row.policy_version >= 2);
});

// A data directory written before SPEC 14 (schema version 1): migrated at open; its deployments
// start pending, so their account's suppression list is applied before their first dial.
test('a schema-1 data directory is migrated: policy columns, suppressions, lists applied', { skip: onPostgres && 'SQLite data directory' }, async (t) => {
  const Database = require('better-sqlite3');
  const { tempDir } = require('./helpers');
  const { hashKey, newDeveloperKey, newSigningSecret } = require('../../js/server/credentials');
  const data = tempDir();
  t.after(() => fs.rmSync(data, { recursive: true, force: true }));
  const key = newDeveloperKey();
  const db = new Database(path.join(data, 'fuse-outbound.db'));
  db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, key_hash TEXT NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE deployments (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id), app TEXT NOT NULL,
      name TEXT NOT NULL, created_at INTEGER NOT NULL, deleted_at INTEGER, canceled INTEGER NOT NULL DEFAULT 0, UNIQUE (app, name));
    INSERT INTO meta VALUES ('schema_version', '1');`);
  db.prepare('INSERT INTO accounts (email, key_hash, secret, created_at) VALUES (?, ?, ?, ?)').run('dev@example.com', hashKey(key), newSigningSecret(), T0);
  db.prepare('INSERT INTO deployments (account_id, app, name, created_at) VALUES (1, ?, ?, ?)').run('app1', 'main', T0);
  db.close();
  const { server, url, auth } = await startServer(t, { data, account: { email: 'dev@example.com', developerKey: key } });
  assert.equal(server.store.getMeta('schema_version'), '2');
  const row = server.store.deployment('app1', 'main');
  assert.deepEqual({ weight: row.weight, calling_hours: row.calling_hours, policy_version: row.policy_version }, { weight: null, calling_hours: null, policy_version: 1 });
  assert.ok(await until(() => server.store.deployment('app1', 'main').policy_applied === 1), 'the service journaled the pending policy');
  assert.equal(server.outbound.engine.deploymentPolicy(String(row.id)).suppressionList, 'account:1');
  assert.equal((await request(`${url}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth })).status, 200);
  const dials = dialsOf(server);
  await queue(url, auth, { phone_number: SCRIPTED });
  await server.clock.advance(60);
  assert.equal(dials.length, 0);
});

// PostgreSQL: a follower takes the write into the inbox; the leader applies and journals it; the
// follower's replica answers the read.
test('several nodes: a suppression through a follower is the leader\'s, and every node answers it', { skip: !onPostgres && 'PostgreSQL only' }, async (t) => {
  const { createServer } = require('../../js/server');
  const a = await startServer(t);
  const b = await createServer({ store: a.data, clock: 'manual', startTime: T0, allowCallbacksTo: '127.0.0.1/32' });
  t.after(() => b.close());
  await b.listen();
  const [leader, follower] = a.server.outbound.isLeader ? [a.server, b] : [b, a.server];
  assert.ok(leader.outbound.isLeader && !follower.outbound.isLeader);
  const put = await request(`${follower.url}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth: a.auth });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { phone_number: '+16175550100', suppressed: true });
  for (const node of [leader, follower]) {
    assert.deepEqual((await request(`${node.url}/api/suppressions/${SCRIPTED}`, { auth: a.auth })).json.suppressed, true);
    assert.deepEqual((await request(`${node.url}/api/suppressions`, { auth: a.auth })).json.suppressions.map((s) => s.phone_number), ['+16175550100']);
  }
  const bad = await request(`${follower.url}/api/suppressions/12`, { method: 'PUT', auth: a.auth });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.problems[0].field, 'phone_number');
  const del = await request(`${follower.url}/api/suppressions/${SCRIPTED}`, { method: 'DELETE', auth: a.auth });
  assert.equal(del.status, 200);
  assert.equal((await request(`${follower.url}/api/suppressions/${SCRIPTED}`, { method: 'DELETE', auth: a.auth })).status, 404);
  assert.equal((await request(`${leader.url}/api/suppressions/${SCRIPTED}`, { auth: a.auth })).json.suppressed, false);
});

test('a schema-1 PostgreSQL database is migrated: policy columns, suppressions, lists applied', { skip: !onPostgres && 'PostgreSQL only' }, async (t) => {
  const { createDatabase } = require('./pg-helpers');
  const { Client } = require('pg');
  const { hashKey, newDeveloperKey, newSigningSecret } = require('../../js/server/credentials');
  const url = await createDatabase();
  const key = newDeveloperKey();
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL, key_hash TEXT NOT NULL, secret TEXT NOT NULL, created_at BIGINT NOT NULL);
    CREATE TABLE deployments (id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id), app TEXT NOT NULL,
      name TEXT NOT NULL, created_at BIGINT NOT NULL, deleted_at BIGINT, canceled INTEGER NOT NULL DEFAULT 0, UNIQUE (app, name));
    INSERT INTO meta VALUES ('schema_version', '1');`);
  await c.query('INSERT INTO accounts (email, key_hash, secret, created_at) VALUES ($1, $2, $3, $4)', ['dev@example.com', hashKey(key), newSigningSecret(), T0]);
  await c.query("INSERT INTO deployments (account_id, app, name, created_at) VALUES (1, 'app1', 'main', $1)", [T0]);
  await c.end();
  const { server, url: base, auth } = await startServer(t, { data: url, account: { email: 'dev@example.com', developerKey: key } });
  assert.equal(await server.store.getMeta('schema_version'), '2');
  assert.ok(await until(async () => (await server.store.deployment('app1', 'main')).policy_applied === 1), 'the leader journaled the pending policy');
  const row = await server.store.deployment('app1', 'main');
  assert.equal(server.outbound.engine.deploymentPolicy(String(row.id)).suppressionList, 'account:1');
  assert.equal((await request(`${base}/api/suppressions/${SCRIPTED}`, { method: 'PUT', auth })).status, 200);
  const dials = dialsOf(server);
  await queue(base, auth, { phone_number: SCRIPTED });
  await server.clock.advance(60);
  assert.equal(dials.length, 0);
});
