'use strict';
// npm run bench cluster: several nodes on one PostgreSQL (SPEC 12), on a temporary PostgreSQL
// server started for the run (tests/server/pg-helpers.js: initdb, pg_ctl, a free loopback port;
// fsync on, as in production).
//  (a) failover time: the leader is killed (kill -9) under load, then the time until the new
//      leader's first dial; median and max over FAILOVERS runs (BENCH_FAILOVERS, default 5).
//  (b) POST queue requests per second (autocannon) against 1 node, then against 3 nodes on the
//      same database (one autocannon per node at once, summed).
//  (c) the latency of one durable queue on PostgreSQL against SQLite: one client, one request at
//      a time, median and p99 of each and the median's difference.
const path = require('path');
const { execFileSync } = require('child_process');
const autocannon = require('autocannon');
const { createDatabase } = require('../tests/server/pg-helpers');
const { serveProcess, kill, CLI } = require('../tests/server/processes');

const DURATION = Number(process.env.BENCH_SECONDS || 10);
const FAILOVERS = Number(process.env.BENCH_FAILOVERS || 5);
const LATENCY_REQUESTS = 500;

function account(where) {
  const a = JSON.parse(execFileSync(process.execPath, [CLI, 'accounts', 'add', 'bench@example.com', '--json', ...where], { encoding: 'utf8' }));
  execFileSync(process.execPath, [CLI, 'deployments', 'add', 'bench@example.com', 'app1', 'main', ...where]);
  return 'Basic ' + Buffer.from(`${a.email}:${a.developer_key}`).toString('base64');
}

function serve(where, extra = []) {
  return serveProcess([...where, ...extra]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const body = JSON.stringify({ phone_number: '6175550142', metadata: { ref: 'A-17' } });

function cannon(url, auth) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/api/apps/app1/main/queue`, method: 'POST', connections: 32, pipelining: 1, duration: DURATION,
      headers: { 'content-type': 'application/json', authorization: auth }, body }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

async function latency(url, auth) {
  const times = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const t = process.hrtime.bigint();
    const res = await fetch(`${url}/api/apps/app1/main/queue`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
    await res.text();
    if (res.status !== 200) throw new Error(`queue answered ${res.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function failover() {
  const url = await createDatabase('bench_failover');
  const where = ['--store', url];
  const auth = account(where);
  const opts = ['--verbose', '--capacity', '20', '--speed', '50'];
  const nodes = [];
  for (let i = 0; i < 3; i++) nodes.push(await serve(where, opts));
  const times = [];
  try {
    let loading = true;
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const node = nodes[i % 3];
        await fetch(`${node.url}/api/apps/app1/main/queue`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ phone_number: `61755501${String(i % 100).padStart(2, '0')}` }) })
          .then((r) => r.text()).catch(() => sleep(20));
      }
    })();
    for (let run = 0; run < FAILOVERS; run++) {
      await sleep(1500);
      // The leader: the node whose latest role line says so.
      const leader = nodes.find((n) => {
        const roles = n.lines.filter((l) => /^(leader term|follower)/.test(l));
        return roles.length && roles[roles.length - 1].startsWith('leader');
      });
      if (!leader) throw new Error('no leader');
      const marks = new Map(nodes.map((n) => [n, n.lines.length]));
      const killed = Date.now();
      await kill(leader.proc);
      let firstDial = null;
      while (firstDial === null && Date.now() - killed < 30000) {
        for (const n of nodes) {
          if (n === leader) continue;
          const i = n.lines.findIndex((l, k) => k >= marks.get(n) && l.startsWith('dial '));
          if (i >= 0) firstDial = n.lineTimes[i];
        }
        if (firstDial === null) await sleep(5);
      }
      if (firstDial === null) throw new Error('no new leader dialed within 30 s');
      times.push(firstDial - killed);
      nodes[nodes.indexOf(leader)] = await serve(where, opts);
    }
    loading = false;
    await load;
  } finally {
    for (const n of nodes) await kill(n.proc);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), max: times[times.length - 1], runs: times.length };
}

async function throughput() {
  const url = await createDatabase('bench_rps');
  const where = ['--store', url];
  const auth = account(where);
  const nodes = [await serve(where, ['--capacity', '0'])];
  try {
    const one = await cannon(nodes[0].url, auth);
    nodes.push(await serve(where, ['--capacity', '0']), await serve(where, ['--capacity', '0']));
    const three = await Promise.all(nodes.map((n) => cannon(n.url, auth)));
    return {
      one: one.requests.average, oneErrors: one.non2xx + one.errors,
      three: three.reduce((s, r) => s + r.requests.average, 0), threeErrors: three.reduce((s, r) => s + r.non2xx + r.errors, 0),
      threeP99: Math.max(...three.map((r) => r.latency.p99)),
    };
  } finally {
    for (const n of nodes) await kill(n.proc, 'SIGTERM');
  }
}

async function durableLatency() {
  const fs = require('fs');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-bench-'));
  const out = {};
  try {
    for (const [name, where] of [['sqlite', ['--data', dir]], ['postgres', ['--store', await createDatabase('bench_latency')]]]) {
      const auth = account(where);
      const node = await serve(where, ['--capacity', '0']);
      try {
        await latency(node.url, auth); // warm-up
        out[name] = await latency(node.url, auth);
      } finally {
        await kill(node.proc, 'SIGTERM');
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function run() {
  console.log('\n== cluster: several nodes on one PostgreSQL (temporary server, fsync on) ==');
  const f = await failover();
  console.log(`failover (leader kill -9 -> first dial by the new leader): median ${f.median} ms, max ${f.max} ms over ${f.runs} runs (lease 10 s)`);
  const t = await throughput();
  console.log(`queue over 32 connections per node, ${DURATION} s: 1 node ${t.one.toFixed(0)} req/s; 3 nodes on the same database ${t.three.toFixed(0)} req/s (p99 ${t.threeP99} ms; non-2xx/errors ${t.oneErrors}/${t.threeErrors})`);
  const l = await durableLatency();
  console.log(`durable queue, one request at a time (${LATENCY_REQUESTS}): SQLite median ${l.sqlite.median.toFixed(2)} ms (p99 ${l.sqlite.p99.toFixed(2)}), PostgreSQL median ${l.postgres.median.toFixed(2)} ms (p99 ${l.postgres.p99.toFixed(2)}): +${(l.postgres.median - l.sqlite.median).toFixed(2)} ms`);
}

module.exports = { run };
