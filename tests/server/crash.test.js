'use strict';
// SPEC 9 under kill -9: `fuse-outbound serve` (the CLI, a real process on a real SQLite data
// directory) takes queue and bulk_queue load and is killed at random moments, then restarted each
// time. Afterwards every acknowledged call exists and reaches one final status, no attempt was
// dialed twice, none has more dialing events than max_attempts, and every result reached the
// receiver at least once, always under one webhook-id.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const { tempStore, storeArgs, removeStore, startReceiver, basic, request, multipart } = require('./helpers');
const { serveProcess, kill, rng, CLI } = require('./processes');

const KILLS = Number(process.env.FUSE_CRASH_KILLS || 10);
const SEED = Number(process.env.FUSE_CRASH_SEED || Date.now() % 100000);


/** Starts `serve` on the data directory (or database); resolves once it prints its URL. */
function serve(data, receiverHost) {
  return serveProcess([...storeArgs(data), '--speed', '400', '--capacity', '40', '--allow-callbacks-to', receiverHost, '--verbose']);
}

function cli(args) {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}



const FINAL = new Set(['completed', 'failed', 'canceled']);

test(`kill -9 at ${KILLS} random moments under load loses no acknowledged call (seed ${SEED})`, { timeout: 240000 }, async (t) => {
  const random = rng(SEED);
  const data = await tempStore('fuse-crash-');
  const received = new Map(); // call id -> [webhook-id]
  const rx = await startReceiver(t, (req, body) => {
    let id;
    try {
      id = JSON.parse(body).call_id;
      if (!received.has(id)) received.set(id, []);
      received.get(id).push(req.headers['webhook-id']);
    } catch {
      return 400;
    }
    // Some first tries fail, so retries happen too; a call's later tries succeed, so that no call
    // needs the schedule's hours-long later retries (at --speed 400, 5 h is 45 s).
    return received.get(id).length === 1 && random() < 0.1 ? 503 : 200;
  });
  const account = JSON.parse(cli(['accounts', 'add', 'load@example.com', '--json', ...storeArgs(data)]));
  cli(['deployments', 'add', 'load@example.com', 'app1', 'main', ...storeArgs(data)]);
  cli(['deployments', 'add', 'load@example.com', 'app1', 'other', ...storeArgs(data)]);
  const auth = basic(account.email, account.developer_key);
  let current = null;
  t.after(async () => {
    if (current) await kill(current.proc);
    removeStore(data);
  });

  const acknowledged = new Map(); // call id -> max_attempts
  const dialed = []; // "call attempt" of every dial line printed by every run
  const collectDials = (out) => {
    for (const line of out.lines) {
      const m = /^dial +call (\d+) attempt (\d+)/.exec(line);
      if (m) dialed.push(`${m[1]} ${m[2]}`);
    }
  };
  const number = () => `61755501${String(Math.floor(random() * 100)).padStart(2, '0')}`; // the scripted 555-01XY

  async function load(url, until) {
    const workers = [];
    for (let w = 0; w < 6; w++) {
      workers.push((async () => {
        while (Date.now() < until) {
          const dep = random() < 0.8 ? 'main' : 'other';
          const maxAttempts = 1 + Math.floor(random() * 3);
          try {
            if (random() < 0.05) {
              const rows = 20 + Math.floor(random() * 60);
              let csv = 'destination,ref\n';
              for (let i = 0; i < rows; i++) csv += `${number()},r${i}\n`;
              const res = await fetch(`${url}/api/apps/app1/${dep}/bulk_queue`, {
                method: 'POST', headers: { authorization: auth },
                body: multipart({ max_attempts: maxAttempts, reattempt_wait: 60, result_url: `${rx.url}/r` }, csv),
              });
              const body = await res.json();
              if (res.status === 200) {
                for (let id = Number(body.first_call_id); id <= Number(body.last_call_id); id++) acknowledged.set(String(id), maxAttempts);
              }
            } else {
              const res = await request(`${url}/api/apps/app1/${dep}/queue`, {
                method: 'POST', auth,
                json: { phone_number: number(), max_attempts: maxAttempts, reattempt_wait: 60, result_url: `${rx.url}/r` },
              });
              if (res.status === 200) acknowledged.set(res.json.call_id, maxAttempts);
              else assert.equal(res.status, 200, res.text);
            }
          } catch (err) {
            if (err.code === 'ERR_ASSERTION') throw err;
            return; // the server died under this request: not acknowledged
          }
        }
      })());
    }
    await Promise.all(workers);
  }

  for (let round = 0; round < KILLS; round++) {
    current = await serve(data, '127.0.0.1/32');
    const killAfter = 150 + Math.floor(random() * 900);
    const loading = load(current.url, Date.now() + killAfter + 500);
    await new Promise((r) => setTimeout(r, killAfter));
    if (round === KILLS - 1) {
      // Once, a kill while a cancel is in flight too.
      fetch(`${current.url}/api/apps/app1/other/cancel`, { method: 'DELETE', headers: { authorization: auth } }).catch(() => {});
      await new Promise((r) => setTimeout(r, Math.floor(random() * 20)));
    }
    await kill(current.proc);
    await loading;
    collectDials(current);
    current = null;
  }
  assert.ok(acknowledged.size > 100, `the load acknowledged only ${acknowledged.size} calls`);

  // The last restart runs everything to the end.
  current = await serve(data, '127.0.0.1/32');
  const deadline = Date.now() + 150000;
  const statuses = new Map();
  const pending = new Set(acknowledged.keys());
  while (pending.size && Date.now() < deadline) {
    for (const id of [...pending]) {
      const s = await request(`${current.url}/api/outbound/${id}`, { auth });
      assert.equal(s.status, 200, `acknowledged call ${id} is missing: ${s.text}`);
      const d = s.json.call_details;
      if (FINAL.has(d.status) && received.has(id)) {
        const dl = await request(`${current.url}/api/outbound/${id}/deliveries`, { auth });
        if (dl.json.state !== 'delivered') continue;
        statuses.set(id, d);
        pending.delete(id);
      }
    }
    if (pending.size) await new Promise((r) => setTimeout(r, 200));
  }
  if (pending.size) {
    const sample = [];
    for (const id of [...pending].slice(0, 3)) {
      const s = await request(`${current.url}/api/outbound/${id}`, { auth });
      const d = await request(`${current.url}/api/outbound/${id}/deliveries`, { auth });
      sample.push(`call ${id}: ${s.text} deliveries ${d.text} received ${JSON.stringify(received.get(id) || null)}`);
    }
    assert.fail(`${pending.size} calls never finished or were never delivered:\n${sample.join('\n')}`);
  }

  for (const [id, d] of statuses) {
    const dials = d.events.filter((e) => e.event === 'dialing').length;
    assert.ok(dials <= acknowledged.get(id), `call ${id}: ${dials} dialing events, max_attempts ${acknowledged.get(id)}`);
    const finals = d.events.filter((e) => ['canceled'].includes(e.event)).length;
    assert.ok(finals <= 1, `call ${id}: canceled twice`);
    const ids = new Set(received.get(id));
    assert.equal(ids.size, 1, `call ${id} was delivered under ${ids.size} webhook-ids`);
  }
  // No attempt was dialed twice, in any run.
  collectDials(current);
  const seen = new Set();
  for (const d of dialed) {
    assert.ok(!seen.has(d), `call/attempt ${d} was dialed twice`);
    seen.add(d);
  }
  t.diagnostic(`seed ${SEED}: ${acknowledged.size} calls acknowledged over ${KILLS} kills, ${dialed.length} dials, ${[...received.values()].reduce((n, v) => n + v.length, 0)} deliveries`);
});
