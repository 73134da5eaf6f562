'use strict';
// SIPp (Debian package sip-tester) as the far end of the sip carrier's tests: one UAS scenario per
// behaviour (tests/sip/*.xml), its message trace parsed so that tests can read what reached it.
//
// SIPp listens on 127.0.0.2 and our stack on 127.0.0.1: sip 0.0.6 ignores the port of a request
// whose host is its own address, so the two must differ.
const { spawn, spawnSync } = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { tempDir } = require('./helpers');

const SIPP_HOST = '127.0.0.2';
const OUR_HOST = '127.0.0.1';
const SCENARIOS = path.join(__dirname, '..', 'sip');

const sippMissing = (() => {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  return r.error ? 'sipp is not installed (Debian package sip-tester; scripts/setup.sh installs it)' : null;
})();

/** A port free on `host` for `type` ('udp' | 'tcp'), found by binding port 0. */
function freePort(host, type = 'udp') {
  return new Promise((resolve, reject) => {
    if (type === 'udp') {
      const s = dgram.createSocket('udp4');
      s.on('error', reject);
      s.bind(0, host, () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    } else {
      const srv = net.createServer();
      srv.on('error', reject);
      srv.listen(0, host, () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    }
  });
}

// Whether something has bound host:port (our own bind fails with EADDRINUSE).
function bound(host, port, type) {
  return new Promise((resolve) => {
    if (type === 'udp') {
      const s = dgram.createSocket('udp4');
      s.on('error', () => resolve(true));
      s.bind(port, host, () => s.close(() => resolve(false)));
    } else {
      const c = net.connect(port, host);
      c.on('connect', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    }
  });
}

/**
 * Starts SIPp as a UAS with tests/sip/<scenario>.xml; resolves once it listens.
 * @returns {{host, port, trunk, done: Promise<{code, output}>, messages(): object[], stop()}}
 *   done: its exit (code 0: every call went as the scenario says); messages(): its trace so far.
 */
async function startSipp(t, scenario, options = {}) {
  // A port found free can be taken before SIPp binds it (other test files run alongside): then
  // SIPp exits at once, and another port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSippOnce(t, scenario, options);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(err.message)) throw err;
    }
  }
}

async function startSippOnce(t, scenario, { transport = 'udp', calls = 1, duration = 1000, keys = {}, extra = [], timeout = 60 } = {}) {
  const port = await freePort(SIPP_HOST, transport);
  const dir = tempDir('fuse-sipp-');
  const trace = path.join(dir, 'messages.log');
  const args = [
    '-sf', path.join(SCENARIOS, `${scenario}.xml`),
    '-i', SIPP_HOST, '-p', String(port), '-mi', SIPP_HOST,
    '-t', transport === 'tcp' ? 't1' : 'u1',
    '-m', String(calls), '-d', String(duration),
    '-trace_msg', '-message_file', trace,
    '-nostdin', '-timeout', `${timeout}s`, '-timeout_error',
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, String(v)]),
    ...extra,
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20000)));
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code: code ?? signal, output })));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  t.after(async () => {
    stop();
    await done;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (let waited = 0; !(await bound(SIPP_HOST, port, transport)); waited += 20) {
    if (child.exitCode !== null) throw new Error(`sipp exited at once (${child.exitCode}): ${output.slice(-2000)}`);
    if (waited > 5000) throw new Error('sipp did not start listening within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { host: SIPP_HOST, port, trunk: `${SIPP_HOST}:${port}`, done, stop, messages: () => parseTrace(fs.existsSync(trace) ? fs.readFileSync(trace, 'latin1') : '') };
}

/** SIPp's -trace_msg file -> [{direction: 'received'|'sent', at (ms), firstLine, headers (lowercase name -> [values]), body}]. */
function parseTrace(text) {
  const out = [];
  for (const block of text.split(/^-{20,} (?=\d{4}-)/m)) {
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\r?\n\w+ message (received|sent)[^\n]*\n\n([\s\S]*)$/.exec(block);
    if (!m) continue;
    const raw = m[3].replace(/\r\n/g, '\n');
    const split = raw.indexOf('\n\n');
    const head = split === -1 ? raw : raw.slice(0, split);
    const body = split === -1 ? '' : raw.slice(split + 2).trim();
    const [firstLine, ...lines] = head.split('\n');
    const headers = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      const name = line.slice(0, i).trim().toLowerCase();
      (headers[name] ||= []).push(line.slice(i + 1).trim());
    }
    out.push({ direction: m[2], at: Date.parse(m[1].replace(' ', 'T') + 'Z'), firstLine: firstLine.trim(), headers, body });
  }
  return out;
}

/** Received requests of one method, in order. */
function requests(messages, method) {
  return messages.filter((m) => m.direction === 'received' && m.firstLine.startsWith(method + ' '));
}

/** Waits until `check()` is truthy (polling), or fails after `ms`. */
async function until(check, ms = 10000, what = 'the condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An RTP listener of our own that decodes RFC 4733 telephone-events into digits. */
async function startRtpListener(t, host = OUR_HOST) {
  const socket = dgram.createSocket('udp4');
  const events = new Map(); // RTP timestamp -> digit, in arrival order; an event is its end packet
  const digits = [];
  const packets = [];
  socket.on('message', (b) => {
    if (b.length < 16 || b[0] >> 6 !== 2) return;
    const payloadType = b[1] & 0x7f;
    const timestamp = b.readUInt32BE(4);
    const event = b[12];
    const end = (b[13] & 0x80) !== 0;
    packets.push({ payloadType, marker: (b[1] & 0x80) !== 0, timestamp, event, end, duration: b.readUInt16BE(14) });
    if (end && !events.has(timestamp)) {
      events.set(timestamp, event);
      digits.push('0123456789*#ABCD'[event] ?? '?');
    }
  });
  await new Promise((r) => socket.bind(0, host, r));
  t.after(() => new Promise((r) => socket.close(r)));
  return { host, port: socket.address().port, digits, packets };
}

module.exports = { sippMissing, startSipp, parseTrace, requests, until, startRtpListener, freePort, SIPP_HOST, OUR_HOST };
