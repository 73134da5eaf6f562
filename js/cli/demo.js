'use strict';
// fuse-outbound demo: the service on SQLite with a demo account, the example upload queued through
// the HTTP API as a user would, each call placed and each signed result received by a local
// receiver printed as it happens; then it keeps serving (the dashboard, a curl line) unless --once.
const fs = require('fs');
const path = require('path');
const http = require('http');
const { parseArgs, UsageError } = require('./args');

const usage = `Usage: fuse-outbound demo [--data DIR] [--port N] [--speed N] [--once] [--csv FILE]

Starts the service on DIR (default ./fuse-data) with the simulated carrier at N times real time
(default 60), creates a demo account and deployment (kept in DIR/demo-account.json), queues FILE
(default examples/calls.csv) with bulk_queue, and prints each call being placed and each result
that a local receiver gets. Then it keeps serving and prints the dashboard's URL and a curl line to
queue one more call; --once stops after the demo instead.
`;

const EMAIL = 'demo@example.com';

function demoAccount(server, data) {
  const file = path.join(data, 'demo-account.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const account = server.accounts.add(EMAIL);
  server.deployments.add(EMAIL, 'demo', 'reminders');
  const saved = { email: account.email, developerKey: account.developerKey, signingSecret: account.signingSecret, app: 'demo', deployment: 'reminders' };
  fs.writeFileSync(file, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  return saved;
}

/** A result receiver on a free loopback port; checks each signature with the account's secret. */
async function startReceiver(secret, onResult) {
  const { verifyWebhook } = require('../server/credentials');
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const ok = verifyWebhook(secret, req.headers, body);
      res.writeHead(ok ? 204 : 401).end();
      let payload = null;
      try {
        payload = JSON.parse(body);
      } catch {}
      onResult(payload, ok, req.headers['webhook-id']);
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { srv, url: `http://127.0.0.1:${srv.address().port}/results` };
}

async function run(args, { stdout }) {
  const { options, positionals } = parseArgs(args, { data: 'string', port: 'number', speed: 'number', once: 'boolean', csv: 'string' });
  if (positionals.length) throw new UsageError(`demo takes no arguments (got '${positionals[0]}'); see --help`);
  const speed = options.speed ?? 60;
  if (!(speed > 0 && speed <= 1e6)) throw new UsageError(`--speed must be a number above 0 and at most 1000000, got ${speed}`);
  const csvFile = options.csv || path.join(__dirname, '../../examples/calls.csv');
  if (!fs.existsSync(csvFile)) throw new UsageError(`--csv ${csvFile}: no such file`);
  const data = path.resolve(options.data || 'fuse-data');
  const say = (line) => stdout.write(line + '\n');

  const { createServer } = require('../server');
  const server = await createServer({ data, speed, allowCallbacksTo: '127.0.0.1/32', capacity: 3, log: (l) => say(`  (service: ${l})`) });
  const account = demoAccount(server, data);
  const base = await server.listen({ port: options.port ?? 8080 });
  const auth = 'Basic ' + Buffer.from(`${account.email}:${account.developerKey}`).toString('base64');
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  say(`fuse-outbound serving ${base} on SQLite in ${data} (simulated carrier, 3 lines, clock x${speed})`);
  say(`demo account ${account.email}, deployment ${account.app}/${account.deployment}`);

  const waiting = new Set();
  let allDone = null;
  const done = new Promise((r) => (allDone = r));
  const receiver = await startReceiver(account.signingSecret, (payload, ok, webhookId) => {
    if (!payload) return;
    const attempts = payload.attempts === '1' ? '1 attempt' : `${payload.attempts} attempts`;
    say(`${stamp()} result received for call ${payload.call_id}: ${payload.status} after ${attempts} (${payload.events.map((e) => e.event).join(' > ')}), signature ${ok ? 'verified' : 'INVALID'}, ${webhookId}`);
    waiting.delete(payload.call_id);
    if (waiting.size === 0) allDone();
  });
  server.outbound.on('dial', (a) => say(`${stamp()} placing call ${a.callId} to ${a.e164}${a.ani ? ` from ${a.ani}` : ''}${a.postd ? `, then DTMF ${a.postd}` : ''} (attempt ${a.attempt})`));

  const upload = async (partial) => {
    const form = new FormData();
    form.append('max_attempts', '2');
    form.append('reattempt_wait', '60');
    form.append('result_url', receiver.url);
    if (partial) form.append('partial', '1');
    form.append('csv', new Blob([fs.readFileSync(csvFile)], { type: 'text/csv' }), path.basename(csvFile));
    const res = await fetch(`${base}/api/apps/${account.app}/${account.deployment}/bulk_queue`, { method: 'POST', headers: { authorization: auth }, body: form });
    return { status: res.status, body: await res.json() };
  };
  say(`\n$ curl -u ${account.email}:<key> -F csv=@${path.relative(process.cwd(), csvFile) || csvFile} -F max_attempts=2 -F reattempt_wait=60 -F result_url=${receiver.url} ${base}/api/apps/${account.app}/${account.deployment}/bulk_queue`);
  let r = await upload(false);
  if (r.status === 400) {
    say(`${r.status}: ${r.body.error}`);
    for (const p of r.body.problems.slice(0, 5)) say(`  row ${p.row}: ${p.message}`);
    say(`\n$ (the same with -F partial=1: queue the valid rows)`);
    r = await upload(true);
  }
  if (r.status !== 200) throw new Error(`bulk_queue answered ${r.status}: ${JSON.stringify(r.body)}`);
  say(`${r.status}: queued ${r.body.queued} calls, ids ${r.body.first_call_id} to ${r.body.last_call_id}${r.body.errors ? `, ${r.body.errors.length} row(s) left out` : ''}\n`);
  for (let id = Number(r.body.first_call_id); id <= Number(r.body.last_call_id); id++) waiting.add(String(id));
  await done;
  say(`\nall ${r.body.queued} results received and verified in ${((Date.now() - t0) / 1000).toFixed(1)} s of real time`);

  if (options.once) {
    await server.close();
    receiver.srv.close();
    return 0;
  }
  const dashboard = base.replace('://', `://${encodeURIComponent(account.email)}:${account.developerKey}@`);
  say(`\ndashboard: ${dashboard}/  (user ${account.email}, password ${account.developerKey})`);
  say(`queue one more call:\n  curl -u ${account.email}:${account.developerKey} -d phone_number=617-555-0142 -d result_url=${receiver.url} ${base}/api/apps/${account.app}/${account.deployment}/queue`);
  say(`(Ctrl-C stops; the data stays in ${data})`);
  await new Promise((resolve) => {
    const stop = async () => {
      await server.close();
      receiver.srv.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

module.exports = { summary: 'start the service with a demo account and queue the example upload', usage, run };
