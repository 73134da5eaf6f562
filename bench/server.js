'use strict';
// npm run bench server: the outbound service as its users and operators meet it, all in one run.
//  (a) POST queue over 64 keep-alive connections (autocannon), against a bare node:http server
//      answering 200 with the same JSON on this machine; goal >= 50% of it; p99 printed.
//  (b) bulk_queue of the 1,000,000-row 64 MB upload: time to the durable 200 (goal <= 3 s) and the
//      service's peak RSS (goal <= 256 MB).
//  (c) restart with those 1,000,000 live calls: time until it serves again (goal <= 5 s), after a
//      kill -9 (the journal is replayed) and after a clean stop (the checkpoint is loaded).
//  (d) results delivered per second to a local receiver (goal >= 10,000/s).
// The service runs as `fuse-outbound serve` in its own process (as an operator runs it); capacity 0
// in (a)-(c) so that nothing is dialed and the figures are the API's and the store's.
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn, execFileSync } = require('child_process');
const autocannon = require('autocannon');
const { writeBigUpload } = require('./big-upload');

const CLI = path.join(__dirname, '..', 'js', 'cli.js');
const PEAK = path.join(__dirname, 'peak-rss.js');
const DURATION = Number(process.env.BENCH_SECONDS || 10);

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-bench-'));
}

function account(data) {
  const a = JSON.parse(execFileSync(process.execPath, [CLI, 'accounts', 'add', 'bench@example.com', '--json', '--data', data], { encoding: 'utf8' }));
  execFileSync(process.execPath, [CLI, 'deployments', 'add', 'bench@example.com', 'app1', 'main', '--data', data]);
  return 'Basic ' + Buffer.from(`${a.email}:${a.developer_key}`).toString('base64');
}

/** `fuse-outbound serve` in a child process; resolves once it prints its URL. */
function serve(data, extra = []) {
  const started = process.hrtime.bigint();
  const proc = spawn(process.execPath, ['--require', PEAK, CLI, 'serve', '--data', data, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /fuse-outbound serving (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1], startMs: Number(process.hrtime.bigint() - started) / 1e6, stderr: () => err });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

function stop(proc, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    let err = '';
    proc.stderr.on('data', (c) => (err += c));
    proc.once('exit', () => resolve(Number((/peak-rss-kib (\d+)/.exec(err) || [])[1]) || null));
    proc.kill(signal);
  });
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 64, pipelining: 1, duration: DURATION, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

const pct = (x) => `${(x * 100).toFixed(0)}%`;
const ok = (met) => (met ? 'met' : 'MISSED');

async function queueThroughput() {
  // The reference: a bare node:http server in its own process, answering what queue answers.
  const ref = spawn(process.execPath, ['-e', `
    const http = require('http');
    const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, {'content-type': 'application/json', link: '</api/outbound/1>; rel="status"'}); res.end('{"call_id":"1"}'); }); });
    s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const refUrl = await new Promise((r) => ref.stdout.once('data', (c) => r(String(c).trim())));
  const body = JSON.stringify({ phone_number: '6175550142', metadata: { ref: 'A-17' } });
  const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
  const bare = await cannon({ url: `${refUrl}/api/apps/app1/main/queue`, ...request });
  ref.kill();

  const data = tempDir();
  const auth = account(data);
  const s = await serve(data, ['--capacity', '0']);
  const ours = await cannon({ url: `${s.url}/api/apps/app1/main/queue`, ...request, headers: { ...request.headers, authorization: auth } });
  await stop(s.proc);
  fs.rmSync(data, { recursive: true, force: true });
  const ratio = ours.requests.average / bare.requests.average;
  const non2xx = ours.non2xx + ours.errors;
  console.log(`  (a) queue, 64 connections, ${DURATION} s each:`);
  console.log(`      bare node:http   ${bare.requests.average.toFixed(0).padStart(7)} req/s  p50 ${bare.latency.p50} ms  p99 ${bare.latency.p99} ms`);
  console.log(`      fuse-outbound    ${ours.requests.average.toFixed(0).padStart(7)} req/s  p50 ${ours.latency.p50} ms  p99 ${ours.latency.p99} ms` +
    `  (${ours.requests.total} calls queued, each committed before its 200; ${non2xx} not 2xx)`);
  console.log(`      ratio ${pct(ratio)} of bare node:http; goal >= 50%: ${ok(ratio >= 0.5 && non2xx === 0)}`);
}

async function bulkAndRestart() {
  const dir = path.join(__dirname, 'data');
  const file = path.join(dir, 'upload-64mb.csv');
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file)) {
    console.log('  (writing bench/data/upload-64mb.csv once; it is kept for later runs)');
    writeBigUpload(file, { bytes: 64e6, rows: 1_000_000, seed: 6 });
  }
  const size = fs.statSync(file).size;
  const data = tempDir();
  const auth = account(data);
  let s = await serve(data, ['--capacity', '0']);
  const form = new FormData();
  form.append('max_attempts', '3');
  form.append('reattempt_wait', '600');
  form.append('csv', await fs.openAsBlob(file, { type: 'text/csv' }), 'upload-64mb.csv');
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${s.url}/api/apps/app1/main/bulk_queue?`, { method: 'POST', headers: { authorization: auth }, body: form });
  const answer = await res.json();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.status !== 200) throw new Error(`bulk_queue answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  // Kill -9 right after the 200: the restart replays the upload from the journal.
  const peakKib = await stop(s.proc, 'SIGKILL');
  void peakKib; // a killed process prints nothing: the peak is read from a clean run below
  const restartKill = await timeToServe(data, auth, answer.last_call_id);
  // A clean stop writes a checkpoint; the next start loads it.
  const peakAfter = await stop(restartKill.proc);
  const restartClean = await timeToServe(data, auth, answer.last_call_id);
  await stop(restartClean.proc);

  // The peak RSS of a service taking the upload, from a clean stop of a fresh one.
  const data2 = tempDir();
  const auth2 = account(data2);
  s = await serve(data2, ['--capacity', '0']);
  const form2 = new FormData();
  form2.append('csv', await fs.openAsBlob(file, { type: 'text/csv' }), 'upload-64mb.csv');
  const res2 = await fetch(`${s.url}/api/apps/app1/main/bulk_queue`, { method: 'POST', headers: { authorization: auth2 }, body: form2 });
  await res2.arrayBuffer();
  const peakAt200 = vmHwmKib(s.proc.pid);
  const peak = await stop(s.proc);
  fs.rmSync(data, { recursive: true, force: true });
  fs.rmSync(data2, { recursive: true, force: true });

  const mb = (peakAt200 * 1024) / 1e6;
  const mbStop = (peak * 1024) / 1e6;
  console.log(`  (b) bulk_queue of ${(size / 1e6).toFixed(0)} MB, ${answer.queued.toLocaleString('en-US')} rows: durable 200 after ${seconds.toFixed(2)} s ` +
    `(${(size / 1e6 / seconds).toFixed(0)} MB/s); goal <= 3 s: ${ok(seconds <= 3)}`);
  console.log(`      service peak RSS ${mb.toFixed(0)} MB up to the durable 200 (the engine now holds the 1,000,000 live calls); goal <= 256 MB: ${ok(mb <= 256)}`);
  console.log(`      (${mbStop.toFixed(0)} MB including the checkpoint a clean stop writes: the snapshot of every live call as one string)`);
  console.log(`  (c) restart with ${answer.queued.toLocaleString('en-US')} live calls until it serves again: after kill -9 (journal replay) ` +
    `${(restartKill.ms / 1000).toFixed(2)} s, after a clean stop (checkpoint) ${(restartClean.ms / 1000).toFixed(2)} s; goal <= 5 s: ${ok(Math.max(restartKill.ms, restartClean.ms) <= 5000)}` +
    `${peakAfter ? ` (peak RSS with them live: ${((peakAfter * 1024) / 1e6).toFixed(0)} MB)` : ''}`);
}

function vmHwmKib(pid) {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

// From spawn to the first status answer for the upload's last call.
async function timeToServe(data, auth, callId) {
  const t0 = process.hrtime.bigint();
  const s = await serve(data, ['--capacity', '0']);
  for (;;) {
    const r = await fetch(`${s.url}/api/outbound/${callId}`, { headers: { authorization: auth } });
    await r.arrayBuffer();
    if (r.status === 200) break;
    await new Promise((x) => setTimeout(x, 10));
  }
  return { proc: s.proc, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

async function deliveries() {
  const N = Number(process.env.BENCH_DELIVERIES || 20000);
  // The receiver: a bare node:http server in its own process. It answers 503 to the first tries
  // (request 2 to N + 1; request 1 is the warm-up) and 204 to the retries, and reports when each
  // round is complete.
  const rx = spawn(process.execPath, ['-e', `
    const http = require('http');
    let n = 0, first = 0;
    const s = http.createServer((req, res) => { req.resume(); req.on('end', () => {
      n++;
      if (n === 2 || n === ${N + 2}) first = Date.now();
      res.writeHead(n >= 2 && n <= ${N + 1} ? 503 : 204); res.end();
      if (n === ${N + 1} || n === ${2 * N + 1}) console.log('done ' + (Date.now() - first));
    }); });
    s.keepAliveTimeout = 60000;
    s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  let wake = null;
  rx.stdout.on('data', (c) => {
    lines.push(...String(c).trim().split('\n'));
    if (wake) wake();
  });
  const next = async (prefix) => {
    for (;;) {
      const i = lines.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return lines.splice(i, 1)[0];
      await new Promise((r) => (wake = r));
    }
  };
  const rxUrl = await next('http://');
  const { createServer } = require('../js/server');
  const data = tempDir();
  const server = await createServer({ data, clock: 'manual', startTime: 1767225600, capacity: N, allowCallbacksTo: '127.0.0.1/32' });
  const a = server.accounts.add('bench@example.com');
  server.deployments.add('bench@example.com', 'app1', 'main');
  await server.listen();
  const auth = 'Basic ' + Buffer.from(`${a.email}:${a.developerKey}`).toString('base64');
  // One delivery first, so that what loads lazily (undici's parts) is loaded before the timing.
  await fetch(`${server.url}/api/apps/app1/main/queue`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ phone_number: '6175550100', result_url: `${rxUrl}/warm-up` }) });
  await server.clock.advance(20);
  let csv = 'destination\n';
  for (let i = 0; i < N; i++) csv += '6175550100\n'; // scripted: answers after 5 s, talks 10 s: all end together
  const form = new FormData();
  form.append('result_url', `${rxUrl}/results`);
  form.append('csv', new Blob([csv], { type: 'text/csv' }), 'calls.csv');
  const res = await fetch(`${server.url}/api/apps/app1/main/bulk_queue`, { method: 'POST', headers: { authorization: auth }, body: form });
  if (res.status !== 200) throw new Error(`bulk_queue answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  await server.clock.advance(14); // every call dialed and connected
  const timed = async (seconds) => {
    const t0 = process.hrtime.bigint();
    await server.clock.advance(seconds);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  // At 15 s every call ends: N results stored, each POSTed (503) and its try recorded.
  const firstRound = await timed(2);
  await next('done ');
  // About 5 s later every retry goes out (204): the payload (kept in memory for its retry, up to
  // 16 MiB of payloads in all; past that, or after a restart, read back from the store), signed,
  // POSTed, recorded.
  const retryRound = await timed(10);
  await next('done ');
  await server.close();
  rx.kill();
  fs.rmSync(data, { recursive: true, force: true });
  const rate1 = N / firstRound;
  const rate2 = N / retryRound;
  console.log(`  (d) ${N.toLocaleString('en-US')} results, signed, each try recorded durably: ` +
    `first tries together with the calls' ends (results stored) ${(rate1 / 1000).toFixed(1)} k/s; ` +
    `retries alone (the delivery path only) ${(rate2 / 1000).toFixed(1)} k/s; goal >= 10,000/s for the delivery path: ${ok(rate2 >= 10000)}`);
}

async function run() {
  console.log('\n== server: fuse-outbound serve (SQLite, WAL, synchronous=FULL)');
  await queueThroughput();
  await bulkAndRestart();
  await deliveries();
}

module.exports = { run, queueThroughput, bulkAndRestart, deliveries, serve };
