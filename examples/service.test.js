// Your integration's test suite against a local fuse-outbound: queue over HTTP, move the manual
// clock, and receive the signed result callbacks, with no real waiting. Run: node --test
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Webhook } = require('standardwebhooks');
const { createServer } = require('fuse-outbound/server');

async function setUp(t) {
  // A local receiver stands in for your application's result_url.
  const results = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      results.push({ headers: req.headers, body });
      res.end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => receiver.close());

  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-'));
  const server = await createServer({ data, clock: 'manual', allowCallbacksTo: '127.0.0.1/32' });
  t.after(async () => {
    await server.close();
    fs.rmSync(data, { recursive: true });
  });
  const account = server.accounts.add('dev@example.com');
  server.deployments.add('dev@example.com', 'reminders', 'main');
  const base = await server.listen(); // 127.0.0.1, a free port
  const auth = 'Basic ' + Buffer.from(`${account.email}:${account.developerKey}`).toString('base64');
  const resultUrl = `http://127.0.0.1:${receiver.address().port}/results`;
  const queue = async (params) => {
    const res = await fetch(`${base}/api/apps/reminders/main/queue`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ result_url: resultUrl, ...params }),
    });
    assert.equal(res.status, 200);
    return (await res.json()).call_id;
  };
  // Every result is checked as your receiver should: the signature, with the account's secret.
  const verified = () => results.map((r) => new Webhook(account.signingSecret).verify(r.body, r.headers));
  return { server, queue, verified };
}

test('a reminder is answered and its result is POSTed, signed', async (t) => {
  const { server, queue, verified } = await setUp(t);
  const id = await queue({ phone_number: '617-555-0142', metadata: { patient: 'A-17' } });
  await server.clock.advance(60); // 555-0142 answers after 5 s and talks 30 s
  const [result] = verified();
  assert.equal(result.call_id, id);
  assert.equal(result.status, 'completed');
  assert.deepEqual(result.metadata, { patient: 'A-17' });
});

test('a busy number is tried again after reattempt_wait, then fails', async (t) => {
  const { server, queue, verified } = await setUp(t);
  const id = await queue({ phone_number: '617-555-0150', max_attempts: 2, reattempt_wait: 300 });
  await server.clock.advance(200);
  assert.equal(verified().length, 0); // busy once, waiting for its second attempt
  await server.clock.advance(200);
  const [result] = verified();
  assert.equal(result.call_id, id);
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.events.map((e) => e.event), ['queued', 'dialing', 'busy', 'dialing', 'busy']);
});
