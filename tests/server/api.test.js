'use strict';
// The platform's HTTP API (SPEC 8) over real HTTP on a real SQLite store: every endpoint, body
// form, response form and status code, each error naming what to fix.
const test = require('node:test');
const assert = require('node:assert/strict');
const { T0, startServer, request, multipart, basic } = require('./helpers');

const NUMBER = '6175550123'; // scripted: answers after 5 s, talks 40 s

test('queue takes JSON, urlencoded and multipart bodies and answers {call_id} with a Link header', async (t) => {
  const { url, auth } = await startServer(t);
  const q = `${url}/api/apps/app1/main/queue`;
  const a = await request(q, { method: 'POST', auth, json: { phone_number: NUMBER, metadata: { n: 1 } } });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.json, { call_id: '1' });
  assert.equal(a.headers.get('link'), '</api/outbound/1>; rel="status"');
  const b = await request(q, { method: 'POST', auth, form: { phone_number: NUMBER, max_attempts: '2', reattempt_wait: '60', metadata: '{"n":2}' } });
  assert.deepEqual(b.json, { call_id: '2' });
  const c = await fetch(q, { method: 'POST', headers: { authorization: auth }, body: multipart({ phone_number: NUMBER, metadata: '{"n":3}' }) });
  assert.equal(c.status, 200);
  assert.deepEqual(await c.json(), { call_id: '3' });
  const s = await request(`${url}/api/outbound/2`, { auth });
  assert.equal(s.status, 200);
  assert.equal(s.json.call_details.call_id, '2');
  assert.equal(s.json.call_details.status, 'queued');
  assert.equal(s.json.call_details.max_attempts, '2');
});

test('the call runs to its final status and GET /api/outbound/{id} serves it from the store', async (t) => {
  const { server, url, auth } = await startServer(t);
  const q = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: '617-555-0142' } });
  assert.equal(q.status, 200);
  await server.clock.advance(10);
  let s = await request(`${url}/api/outbound/${q.json.call_id}`, { auth });
  assert.equal(s.json.call_details.status, 'connected');
  await server.clock.advance(100);
  s = await request(`${url}/api/outbound/${q.json.call_id}`, { auth });
  const d = s.json.call_details;
  assert.equal(d.status, 'completed');
  assert.deepEqual(d.events.map((e) => e.event), ['queued', 'dialing', 'connected', 'disconnected']);
  assert.equal(d.events[2].timestamp - d.events[1].timestamp, 5);
  assert.equal(d.duration, 30); // 10 x (Y + 1) with Y = 2
});

test('XML when Accept prefers it, for answers and errors', async (t) => {
  const { url, auth } = await startServer(t);
  const a = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER }, headers: { accept: 'application/xml' } });
  assert.equal(a.status, 200);
  assert.match(a.headers.get('content-type'), /application\/xml/);
  assert.equal(a.text, '<?xml version="1.0"?>\n<result><call_id>1</call_id></result>');
  const e = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: 'x' }, headers: { accept: 'application/xml;q=1, application/json;q=0.5' } });
  assert.equal(e.status, 400);
  assert.match(e.text, /^<\?xml version="1.0"\?>\n<result><error>.+<\/error><problems><item><code>/);
  const j = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER }, headers: { accept: 'application/json, application/xml;q=0.9' } });
  assert.match(j.headers.get('content-type'), /application\/json/);
});

test('400 names the problems; nothing is queued', async (t) => {
  const { url, auth } = await startServer(t);
  const q = `${url}/api/apps/app1/main/queue`;
  const bad = await request(q, { method: 'POST', auth, json: { phone_number: '12', max_attempts: 11 } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /^The call has \d+ problems; the first: phone_number "12"/);
  assert.deepEqual([...new Set(bad.json.problems.map((p) => p.field))].sort(), ['max_attempts', 'phone_number']);
  for (const p of bad.json.problems) assert.ok(p.code && p.message);
  const notJson = await request(q, { method: 'POST', auth, body: '{"phone', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.status, 400);
  assert.match(notJson.json.error, /not valid JSON/);
  const array = await request(q, { method: 'POST', auth, json: [1] });
  assert.equal(array.status, 400);
  const meta = await request(q, { method: 'POST', auth, form: { phone_number: NUMBER, metadata: '{nope' } });
  assert.equal(meta.status, 400);
  assert.equal(meta.json.problems[0].field, 'metadata');
  const file = await fetch(q, { method: 'POST', headers: { authorization: auth }, body: multipart({ phone_number: NUMBER }, 'destination\n1\n') });
  assert.equal(file.status, 400);
  assert.match((await file.json()).error, /bulk_queue/);
  // Nothing was queued by any of them: the next good call is call 1.
  const ok = await request(q, { method: 'POST', auth, json: { phone_number: NUMBER } });
  assert.equal(ok.json.call_id, '1');
});

// POST queue with a JSON or form body on a plain URL is answered before fastify's pipeline (the
// fast lane in http.js); with a query string it takes fastify's route. Both must answer alike,
// and queue alike, whatever the body: each body goes both ways and the answers and calls compare.
test('queue answers every body alike on its fast lane and on the fastify route', async (t) => {
  const { url, auth } = await startServer(t, { rateLimit: 0 });
  const bodies = [
    `{"phone_number":"${NUMBER}","metadata":{"a":1.0,"b":-0,"c":"x\\ny","d":[1,2.50,{"e":null}],"f":true}}`,
    `{"phone_number":"${NUMBER}","phone_number":"6175550124"}`, // twice: JSON.parse keeps the last
    `{"phone_number":"${NUMBER}","metadata":{"k":1,"k":2}}`,
    `{"phone_number":"${NUMBER}","metadata":{"big":12345678901234567890,"exp":1e3,"tiny":5e-324}}`,
    `{"phone_number":"${NUMBER}","metadata":{"s":"\\u0041\\ud800"}}`, // a lone surrogate
    `{"phone_number":"${NUMBER}","__proto__":{"x":1}}`,
    `{"phone_number":"${NUMBER}","metadata":{"constructor":{"prototype":1}}}`,
    `\ufeff{"phone_number":"${NUMBER}"}`,
    `{"phone_number":"${NUMBER}",}`,
    `{"phone_number":"${NUMBER}"`,
    `["${NUMBER}"]`,
    `"${NUMBER}"`,
    'null',
    '',
    '  { "phone_number" : 6175550123 , "max_attempts" : 2 , "reattempt_wait" : 60 }  ',
    `{"phone_number":"${NUMBER}","max_attempts":2.0,"reattempt_wait":60}`,
    `{"phone_number":"${NUMBER}","max_attempts":"x"}`,
    `{"phone_number":"${NUMBER}","unknown":1}`,
    `{"phone_number":"${NUMBER}","metadata":{"1a":1}}`,
  ];
  const strip = (j) => (j && j.call_id ? { call_id: 'n' } : j);
  // The call as text: a number JSON.parse would round must compare as written.
  const call = async (id) => (id ? (await request(`${url}/api/outbound/${id}`, { auth })).text.replace(`"call_id":"${id}"`, '"call_id":"n"') : null);
  for (const body of bodies) {
    const answers = [];
    for (const path of ['queue', 'queue?via=fastify']) {
      const r = await request(`${url}/api/apps/app1/main/${path}`, { method: 'POST', auth, body, headers: { 'content-type': 'application/json' } });
      answers.push({ status: r.status, json: strip(r.json), call: await call(r.json && r.json.call_id) });
    }
    assert.deepEqual(answers[0], answers[1], `body ${JSON.stringify(body)}`);
  }
  // Over the body limit, and a form body.
  const huge = JSON.stringify({ phone_number: NUMBER, metadata: { x: 'y'.repeat(2 << 20) } });
  const form = new URLSearchParams({ phone_number: NUMBER, metadata: '{"n":2}' }).toString();
  for (const [body, type] of [[huge, 'application/json'], [form, 'application/x-www-form-urlencoded']]) {
    const [a, b] = await Promise.all(['queue', 'queue?via=fastify'].map((p) => request(`${url}/api/apps/app1/main/${p}`, { method: 'POST', auth, body, headers: { 'content-type': type } })));
    assert.equal(a.status, b.status);
    assert.deepEqual(strip(a.json), strip(b.json));
  }
});

test('401 without or with wrong credentials, with WWW-Authenticate', async (t) => {
  const { url, account } = await startServer(t);
  const q = `${url}/api/apps/app1/main/queue`;
  for (const auth of [undefined, basic(account.email, 'wrong'), basic('nobody@example.com', account.developerKey), 'Bearer x', 'Basic !!!']) {
    const r = await request(q, { method: 'POST', auth, json: { phone_number: NUMBER } });
    assert.equal(r.status, 401, String(auth));
    assert.match(r.headers.get('www-authenticate'), /^Basic realm="fuse-outbound"/);
    assert.ok(r.json.error.length > 10);
  }
  const s = await request(`${url}/api/outbound/1`);
  assert.equal(s.status, 401);
});

test('403 for another account, 404 for unknown deployments, calls and endpoints, 409 once deleted', async (t) => {
  const { server, url, auth } = await startServer(t);
  const other = await server.accounts.add('other@example.com');
  await server.deployments.add('other@example.com', 'app2', 'theirs');
  const otherAuth = basic(other.email, other.developerKey);
  const mine = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER } });
  const forbidden = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth: otherAuth, json: { phone_number: NUMBER } });
  assert.equal(forbidden.status, 403);
  assert.equal((await request(`${url}/api/outbound/${mine.json.call_id}`, { auth: otherAuth })).status, 403);
  assert.equal((await request(`${url}/api/apps/app1/main/cancel`, { method: 'DELETE', auth: otherAuth })).status, 403);
  const unknown = await request(`${url}/api/apps/app1/nope/queue`, { method: 'POST', auth, json: { phone_number: NUMBER } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error, 'No deployment was found by that application id and deployment id.');
  for (const id of ['999', '0', 'abc', '1'.repeat(40)]) assert.equal((await request(`${url}/api/outbound/${id}`, { auth })).status, 404, id);
  assert.equal((await request(`${url}/api/nothing`, { auth })).status, 404);
  await server.deployments.delete('app1', 'main');
  await new Promise((r) => setTimeout(r, 1100)); // the HTTP layer's deployment cache holds a second
  const gone = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER } });
  assert.equal(gone.status, 409);
  assert.match(gone.json.error, /deleted/);
  await server.clock.advance(1);
  // Its pending call was canceled (the call was queued and not yet dialed: no advance had run).
  const s = await request(`${url}/api/outbound/${mine.json.call_id}`, { auth });
  assert.equal(s.json.call_details.status, 'canceled');
});

test('405 with Allow for a wrong method', async (t) => {
  const { url, auth } = await startServer(t);
  const cases = [
    ['GET', '/api/apps/app1/main/queue', 'POST'],
    ['PUT', '/api/apps/app1/main/bulk_queue', 'POST'],
    ['POST', '/api/apps/app1/main/cancel', 'DELETE'],
    ['DELETE', '/api/outbound/1', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of cases) {
    const r = await request(url + path, { method, auth });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.get('allow'), allow);
    assert.match(r.json.error, /^Use /);
  }
});

test('413 past the body limits, 415 for other content types, 429 past the rate limit', async (t) => {
  const { url, auth } = await startServer(t, { maxUploadBytes: 1000, rateLimit: 5 });
  const big = await fetch(`${url}/api/apps/app1/main/bulk_queue`, { method: 'POST', headers: { authorization: auth }, body: multipart({}, 'destination\n' + '6175550123\n'.repeat(200)) });
  assert.equal(big.status, 413);
  assert.match((await big.json()).error, /at most 1000 bytes/);
  const huge = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER, metadata: { x: 'y'.repeat(2 << 20) } } });
  assert.equal(huge.status, 413);
  const text = await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, body: 'phone_number=1', headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);
  assert.match(text.json.error, /multipart\/form-data/);
  const json = await request(`${url}/api/apps/app1/main/bulk_queue`, { method: 'POST', auth, json: {} });
  assert.equal(json.status, 415);
  let limited = null;
  for (let i = 0; i < 30 && !limited; i++) {
    const r = await request(`${url}/api/outbound/1`, { auth });
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, 'the rate limit answered 429');
  assert.equal(limited.headers.get('retry-after'), '1');
});

test('bulk_queue queues a CSV all-or-nothing, or the valid rows with partial=1', async (t) => {
  const { server, url, auth } = await startServer(t);
  const b = `${url}/api/apps/app1/main/bulk_queue`;
  const good = await fetch(b, { method: 'POST', headers: { authorization: auth }, body: multipart({ max_attempts: 2, reattempt_wait: 60 }, 'destination,name\n6175550100,Ann\n6175550150,Bob\n6175550190,Cy\n') });
  assert.equal(good.status, 200);
  const g = await good.json();
  assert.deepEqual({ ...g, warnings: undefined }, { success: true, queued: 3, first_call_id: '1', last_call_id: '3', warnings: undefined });
  const s = await request(`${url}/api/outbound/2`, { auth });
  assert.equal(s.json.call_details.max_attempts, '2');
  assert.match(s.json.call_details.phone_number, /6175550150/);

  const mixed = 'destination\n6175550100\nnot a number\n6175550101\n';
  const refused = await fetch(b, { method: 'POST', headers: { authorization: auth }, body: multipart({}, mixed) });
  assert.equal(refused.status, 400);
  const r = await refused.json();
  assert.equal(r.problems[0].row, 2);
  const partial = await fetch(b, { method: 'POST', headers: { authorization: auth }, body: multipart({ partial: 1 }, mixed) });
  const p = await partial.json();
  assert.equal(partial.status, 200);
  assert.equal(p.queued, 2);
  assert.equal(p.first_call_id, '4');
  assert.equal(p.errors[0].row, 2);

  for (const [fields, csv, pattern] of [
    [{}, null, /needs a file part named csv/],
    [{ phone_number: NUMBER }, 'destination\n1\n', /takes no phone_number/],
    [{ partial: 'maybe' }, 'destination\n6175550100\n', /partial must be 0 or 1/],
    [{}, '', /./],
    [{}, 'name\nAnn\n', /destination/],
    [{ max_attempts: 0 }, 'destination\n6175550100\n', /max_attempts/],
  ]) {
    const res = await fetch(b, { method: 'POST', headers: { authorization: auth }, body: multipart(fields, csv) });
    const body = await res.json();
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(body.error, pattern);
  }
  const wrongName = await fetch(b, { method: 'POST', headers: { authorization: auth }, body: multipart({}, 'destination\n6175550100\n', 'file') });
  assert.equal(wrongName.status, 400);
  // The queued rows dial in row order; all finish.
  await server.clock.advance(600);
  const last = await request(`${url}/api/outbound/3`, { auth });
  assert.equal(last.json.call_details.status, 'failed'); // 555-0190: informationtone, twice
  assert.equal(last.json.call_details.attempts, '2');
});

test('cancel answers 202 with an empty body and cancels every pending call of the deployment', async (t) => {
  const { server, url, auth } = await startServer(t, { capacity: 1 });
  for (let i = 0; i < 3; i++) await request(`${url}/api/apps/app1/main/queue`, { method: 'POST', auth, json: { phone_number: NUMBER } });
  await server.clock.advance(1); // call 1 dials (one line)
  const c = await request(`${url}/api/apps/app1/main/cancel`, { method: 'DELETE', auth });
  assert.equal(c.status, 202);
  assert.equal(c.text, '');
  const statuses = [];
  await server.clock.advance(200);
  for (const id of ['1', '2', '3']) statuses.push((await request(`${url}/api/outbound/${id}`, { auth })).json.call_details.status);
  assert.deepEqual(statuses, ['completed', 'canceled', 'canceled']);
});

test('restart on the same data directory keeps every call, numbering on, and time never goes back', async (t) => {
  const first = await startServer(null, { keep: true });
  const q = await request(`${first.url}/api/apps/app1/main/queue`, { method: 'POST', auth: first.auth, json: { phone_number: NUMBER } });
  await first.server.clock.advance(100);
  const before = first.server.clock.now();
  await first.server.close();
  const second = await startServer(t, { data: first.data, account: first.account, startTime: T0 });
  assert.ok(second.server.clock.now() >= before);
  const s = await request(`${second.url}/api/outbound/${q.json.call_id}`, { auth: second.auth });
  assert.equal(s.json.call_details.status, 'completed');
  const next = await request(`${second.url}/api/apps/app1/main/queue`, { method: 'POST', auth: second.auth, json: { phone_number: NUMBER } });
  assert.equal(next.json.call_id, '2');
});
