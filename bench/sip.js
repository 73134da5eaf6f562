'use strict';
// npm run bench sip: `fuse-outbound serve --carrier sip` (its own process, as an operator runs it)
// dialing through SIPp as the trunk. SIPp answers every INVITE at once and hangs up right after our
// ACK, so each call is one full setup and teardown (INVITE, 200, ACK, BYE, 200) and the lines
// (capacity 200) turn over as fast as the service sets calls up. Printed: the call-setup rate
// (calls per second from the durable bulk_queue answer to SIPp's last call) and the service's CPU
// time per call (user + system, from /proc), with SIPp's own CPU beside it.
const fs = require('fs');
const os = require('os');
const path = require('path');
const dgram = require('dgram');
const { spawn, spawnSync, execFileSync } = require('child_process');

const CLI = path.join(__dirname, '..', 'js', 'cli.js');
const SCENARIO = path.join(__dirname, '..', 'tests', 'sip', 'answer-then-bye.xml');
const CALLS = Number(process.env.BENCH_SIP_CALLS || 5000);
const LINES = 200;
const TICK = 100; // /proc's clock ticks per second (USER_HZ)

function freeUdpPort(host) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** user + system CPU seconds of a process so far. */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
}

function serve(data, extra) {
  const proc = spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /fuse-outbound serving (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

async function run() {
  console.log('\n== sip: serve --carrier sip against SIPp (answer, then BYE at once)');
  if (spawnSync('sipp', ['-v']).error) {
    console.log('  skipped: sipp is not installed (Debian package sip-tester; scripts/setup.sh installs it)');
    return;
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-bench-sip-'));
  const a = JSON.parse(execFileSync(process.execPath, [CLI, 'accounts', 'add', 'bench@example.com', '--json', '--data', data], { encoding: 'utf8' }));
  execFileSync(process.execPath, [CLI, 'deployments', 'add', 'bench@example.com', 'app1', 'main', '--data', data]);
  const auth = 'Basic ' + Buffer.from(`${a.email}:${a.developer_key}`).toString('base64');

  // SIPp on 127.0.0.2, our stack on 127.0.0.1 (sip 0.0.6 needs the hosts to differ).
  const sippPort = await freeUdpPort('127.0.0.2');
  const sipp = spawn('sipp', ['-sf', SCENARIO, '-i', '127.0.0.2', '-p', String(sippPort), '-mi', '127.0.0.2', '-m', String(CALLS), '-d', '0',
    '-nostdin', '-timeout', '600s', '-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '1048576', '-trace_err', '-error_file', path.join(data, 'sipp-errors.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const sippDone = new Promise((resolve) => sipp.on('exit', (code) => resolve(code)));
  const bindPort = await freeUdpPort('127.0.0.1');
  const s = await serve(data, ['--carrier', 'sip', '--trunk', `127.0.0.2:${sippPort}`, '--sip-bind', `127.0.0.1:${bindPort}`, '--capacity', String(LINES)]);

  const csv = ['destination', ...Array.from({ length: CALLS }, (_, i) => `617${2000000 + i}`)].join('\n');
  const form = new FormData();
  form.append('csv', new Blob([csv], { type: 'text/csv' }), 'calls.csv');
  const cpu0 = cpuSeconds(s.proc.pid);
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${s.url}/api/apps/app1/main/bulk_queue`, { method: 'POST', headers: { authorization: auth }, body: form });
  if (res.status !== 200) throw new Error(`bulk_queue answered ${res.status}: ${await res.text()}`);
  const sippCpuBefore = cpuSeconds(sipp.pid);
  let sippCpu = 0;
  const watch = setInterval(() => {
    try {
      sippCpu = cpuSeconds(sipp.pid) - sippCpuBefore;
    } catch {}
  }, 200);
  const code = await sippDone;
  clearInterval(watch);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(s.proc.pid) - cpu0;
  s.proc.kill('SIGTERM');
  await new Promise((r) => s.proc.once('exit', r));
  const errors = path.join(data, 'sipp-errors.log');
  const why = fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8').slice(0, 3000) : '';
  fs.rmSync(data, { recursive: true, force: true });
  if (code !== 0) throw new Error(`sipp exited ${code}: some calls did not go as its scenario says\n${why}`);
  console.log(`  ${CALLS.toLocaleString('en-US')} calls on ${LINES} lines through SIPp (UDP): ${(CALLS / seconds).toFixed(0)} call setups/s ` +
    `(${seconds.toFixed(2)} s from the durable bulk_queue answer to SIPp's last call)`);
  console.log(`  service CPU ${((cpu / CALLS) * 1000).toFixed(2)} ms per call (user + system, ${cpu.toFixed(2)} s in all; ` +
    `HTTP, the journal, the engine and every SIP message and RTP socket); SIPp itself ~${((sippCpu / CALLS) * 1000).toFixed(2)} ms per call`);
}

module.exports = { run };
