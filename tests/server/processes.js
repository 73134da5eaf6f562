'use strict';
// Service processes for the tests and benches that kill them (crash, cluster, bench cluster):
// `fuse-outbound serve` as a child whose output is kept line by line, kill -9 that resolves once
// it has exited, and the seeded random numbers that pick the moments.
const { spawn } = require('node:child_process');
const path = require('node:path');

const CLI = path.join(__dirname, '..', '..', 'js', 'cli.js');

/**
 * Starts `fuse-outbound serve ...args --port 0`. Resolves, once it prints its URL, to
 * {proc, url, lines, lineTimes, err, exitedAt}: every stdout line, when each arrived
 * (Date.now()), stderr, and when the process exited (null while it runs).
 */
function serveProcess(args) {
  const proc = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const node = { proc, url: null, lines: [], lineTimes: [], err: '', exitedAt: null };
  let partial = '';
  proc.stderr.on('data', (c) => (node.err += c));
  proc.on('exit', () => (node.exitedAt = Date.now()));
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (c) => {
      partial += c;
      const lines = partial.split('\n');
      partial = lines.pop();
      for (const line of lines) {
        node.lines.push(line);
        node.lineTimes.push(Date.now());
        const m = /^fuse-outbound serving (http:\/\/\S+)/.exec(line);
        if (m && !node.url) resolve(Object.assign(node, { url: m[1] }));
      }
    });
    proc.on('exit', (code, signal) => node.url || reject(new Error(`serve exited (${code ?? signal}) before serving: ${node.err}`)));
  });
}

/** Sends `signal` (default SIGKILL) unless it has exited; resolves once it has. Records killedAt. */
function kill(proc, signal = 'SIGKILL') {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', resolve);
    proc.killedAt = Date.now();
    proc.kill(signal);
  });
}

/** A seeded xorshift32 generator of numbers in [0, 1). */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

module.exports = { serveProcess, kill, rng, CLI };
