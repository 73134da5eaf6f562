'use strict';
// Result delivery (SPEC 10) against real local HTTP receivers: the signature checked with the
// standardwebhooks package, retries under one webhook-id, 410, the SSRF guard, redirects,
// timeouts, the deliveries endpoint and a schedule that survives a restart.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Webhook } = require('standardwebhooks');
const { startServer, startReceiver, request } = require('./helpers');

const NUMBER = '6175550100'; // scripted: answers after 5 s, talks 10 s

async function queueWithCallback(url, auth, resultUrl, extra = {}) {
  const q = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER, result_url: resultUrl, ...extra } });
  assert.equal(q.status, 200, q.text);
  return q.json.call_id;
}

test('a final call is POSTed to result_url, signed per Standard Webhooks with the account secret', async (t) => {
  const rx = await startReceiver(t);
  const { server, url, auth, account } = await startServer(t);
  const id = await queueWithCallback(url, auth, `${rx.url}/hook?x=1`, { metadata: { ref: 'A-1' } });
  await server.clock.advance(60);
  assert.equal(rx.got.length, 1);
  const hit = rx.got[0];
  assert.equal(hit.method, 'POST');
  assert.equal(hit.url, '/hook?x=1');
  assert.match(hit.headers['content-type'], /^application\/json/);
  const verified = new Webhook(account.signingSecret).verify(hit.body, hit.headers);
  assert.equal(verified.call_id, id);
  assert.equal(verified.status, 'completed');
  // The same bytes GET /api/outbound/{id} serves under call_details.
  const s = await request(`${url}/api/outbound/${id}`, { auth });
  assert.equal(s.text, `{"call_details":${hit.body}}`);
  // A forged or re-signed body fails verification.
  assert.throws(() => new Webhook(account.signingSecret).verify(hit.body.replace('completed', 'failed'), hit.headers));
  const other = await server.accounts.add('other@example.com');
  assert.throws(() => new Webhook(other.signingSecret).verify(hit.body, hit.headers));
  const d = await request(`${url}/api/outbound/${id}/deliveries`, { auth });
  assert.equal(d.status, 200);
  assert.equal(d.json.state, 'delivered');
  assert.equal(d.json.webhook_id, hit.headers['webhook-id']);
  assert.equal(d.json.tries.length, 1);
  assert.equal(d.json.tries[0].status, 200);
});

test('a failed try is retried with backoff under the same webhook-id until a 2xx', async (t) => {
  const rx = await startReceiver(t, (req, body, n) => (n <= 2 ? 500 : 204));
  const { server, url, auth } = await startServer(t);
  const id = await queueWithCallback(url, auth, rx.url);
  await server.clock.advance(16); // final at 15 s; first try then
  assert.equal(rx.got.length, 1);
  let d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'pending');
  assert.equal(d.tries[0].status, 500);
  const firstAt = d.tries[0].at;
  // About 5 s later (+-10% jitter), the second try.
  assert.ok(d.next_attempt_at >= firstAt + 4 && d.next_attempt_at <= firstAt + 6, JSON.stringify(d));
  await server.clock.advance(10);
  assert.equal(rx.got.length, 2);
  d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  // Then about 5 minutes.
  assert.ok(d.next_attempt_at - d.tries[1].at >= 270 && d.next_attempt_at - d.tries[1].at <= 330, JSON.stringify(d));
  await server.clock.advance(100);
  assert.equal(rx.got.length, 2, 'not before its time');
  await server.clock.advance(300);
  assert.equal(rx.got.length, 3);
  const ids = new Set(rx.got.map((g) => g.headers['webhook-id']));
  assert.equal(ids.size, 1);
  d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'delivered');
  assert.deepEqual(d.tries.map((x) => x.status), [500, 500, 204]);
  assert.equal(d.next_attempt_at, null);
  await server.clock.advance(86400);
  assert.equal(rx.got.length, 3, 'delivered: no more tries');
});

test('410 Gone stops the deliveries of that call', async (t) => {
  const rx = await startReceiver(t, () => 410);
  const { server, url, auth } = await startServer(t);
  const id = await queueWithCallback(url, auth, rx.url);
  await server.clock.advance(86400);
  assert.equal(rx.got.length, 1);
  const d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'gone');
  assert.deepEqual(d.tries.map((x) => x.status), [410]);
});

test('every retry failing ends in state failed after the last of the schedule', async (t) => {
  const rx = await startReceiver(t, () => 503);
  const { server, url, auth } = await startServer(t);
  const id = await queueWithCallback(url, auth, rx.url);
  await server.clock.advance(3 * 86400);
  const d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'failed');
  assert.equal(d.tries.length, 8); // the first try and seven retries
  assert.equal(rx.got.length, 8);
});

test('the SSRF guard refuses loopback callbacks unless --allow-callbacks-to holds them', async (t) => {
  const rx = await startReceiver(t);
  const { server, url, auth } = await startServer(t, { allowCallbacksTo: null });
  const byIp = await queueWithCallback(url, auth, `${rx.url}/a`);
  const byName = await queueWithCallback(url, auth, rx.url.replace('127.0.0.1', 'localhost') + '/b');
  const metadata = await queueWithCallback(url, auth, 'http://169.254.169.254/latest/meta-data/');
  await server.clock.advance(86400);
  assert.equal(rx.got.length, 0, 'nothing reached the loopback receiver');
  for (const id of [byIp, byName, metadata]) {
    const d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
    assert.equal(d.state, 'failed', `call ${id}: a refusal is permanent, not retried`);
    assert.equal(d.tries.length, 1);
    assert.match(d.tries[0].error, /refused: .*(loopback|private|link-local).*--allow-callbacks-to/);
  }
});

test('an allowed range admits only what it holds', async (t) => {
  const rx = await startReceiver(t);
  const { server, url, auth } = await startServer(t, { allowCallbacksTo: '127.0.0.2/32' });
  const id = await queueWithCallback(url, auth, rx.url);
  await server.clock.advance(60);
  assert.equal(rx.got.length, 0);
  const d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'failed');
});

test('a redirect is not followed: it counts as a failed try', async (t) => {
  const target = await startReceiver(t);
  const rx = await startReceiver(t, () => ({ status: 307, headers: { location: `${target.url}/elsewhere` } }));
  const { server, url, auth } = await startServer(t);
  const id = await queueWithCallback(url, auth, rx.url);
  await server.clock.advance(16);
  assert.equal(rx.got.length, 1);
  assert.equal(target.got.length, 0);
  const d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'pending');
  assert.equal(d.tries[0].status, 307);
});

test('a receiver that never answers times out and is retried; a huge response body is not read', async (t) => {
  const rx = await startReceiver(t, (req, body, n) => (n === 1 ? 'hang' : { status: 200, body: 'x'.repeat(4 << 20) }));
  const { server, url, auth } = await startServer(t, { webhookTimeoutMs: 300 });
  const id = await queueWithCallback(url, auth, rx.url);
  await server.clock.advance(16);
  let d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'pending');
  assert.equal(d.tries[0].error, 'timed out');
  await server.clock.advance(10);
  d = (await request(`${url}/api/outbound/${id}/deliveries`, { auth })).json;
  assert.equal(d.state, 'delivered');
  assert.equal(d.tries[1].status, 200);
});

test('calls without result_url have no deliveries; deliveries are the account\'s own', async (t) => {
  const { server, url, auth } = await startServer(t);
  const q = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER } });
  await server.clock.advance(60);
  const d = await request(`${url}/api/outbound/${q.json.call_id}/deliveries`, { auth });
  assert.deepEqual(d.json, { call_id: q.json.call_id, state: 'none', tries: [] });
  const other = await server.accounts.add('other@example.com');
  const forbidden = await request(`${url}/api/outbound/${q.json.call_id}/deliveries`, { auth: 'Basic ' + Buffer.from(`other@example.com:${other.developerKey}`).toString('base64') });
  assert.equal(forbidden.status, 403);
  assert.equal((await request(`${url}/api/outbound/999/deliveries`, { auth })).status, 404);
});

test('a restart resumes the retry schedule where it stood, under the same webhook-id', async (t) => {
  const rx = await startReceiver(t, (req, body, n) => (n === 1 ? 500 : 200));
  const first = await startServer(null, { keep: true });
  const id = await queueWithCallback(first.url, first.auth, rx.url);
  await first.server.clock.advance(16);
  assert.equal(rx.got.length, 1);
  const before = (await request(`${first.url}/api/outbound/${id}/deliveries`, { auth: first.auth })).json;
  await first.server.close();
  const second = await startServer(t, { data: first.data, account: first.account });
  const after = (await request(`${second.url}/api/outbound/${id}/deliveries`, { auth: second.auth })).json;
  assert.deepEqual(after, before);
  await second.server.clock.advance(10);
  assert.equal(rx.got.length, 2);
  assert.equal(rx.got[1].headers['webhook-id'], rx.got[0].headers['webhook-id']);
  const done = (await request(`${second.url}/api/outbound/${id}/deliveries`, { auth: second.auth })).json;
  assert.equal(done.state, 'delivered');
});

test('a dead receiver does not hold back other receivers', async (t) => {
  const dead = await startReceiver(t, () => 'hang');
  const live = await startReceiver(t);
  const { server, url, auth } = await startServer(t, { webhookTimeoutMs: 2000 });
  for (let i = 0; i < 5; i++) await queueWithCallback(url, auth, dead.url);
  const ok = await queueWithCallback(url, auth, live.url);
  const started = Date.now();
  const advancing = server.clock.advance(20);
  // The live receiver has its result long before the dead one's tries time out.
  while (live.got.length === 0 && Date.now() - started < 1500) await new Promise((r) => setTimeout(r, 10));
  assert.equal(live.got.length, 1, 'the live receiver was served while the dead one hung');
  assert.equal(JSON.parse(live.got[0].body).call_id, ok);
  await advancing;
});
