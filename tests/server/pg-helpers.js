'use strict';
// A real PostgreSQL for the tests: Debian's postgresql package (scripts/setup.sh installs it),
// initdb into a temporary directory, pg_ctl start on a free loopback port, one database per test
// (createDatabase), stopped and removed when the test process exits. Nothing depends on a
// system-wide cluster. FUSE_TEST_PG_URL (postgres://user@host:port) uses a running server instead.
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { execFileSync } = require('child_process');

function pgBin() {
  if (process.env.FUSE_PG_BIN) return process.env.FUSE_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => b - a) : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/setup.sh');
  return path.join(root, versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let server = null; // {base, dir, stop}
let databases = 0;

// PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
function asPostgres(cmd, args) {
  const bin = path.join(pgBin(), cmd);
  if (process.getuid && process.getuid() === 0) return execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe', encoding: 'utf8' });
  return execFileSync(bin, args, { stdio: 'pipe', encoding: 'utf8' });
}

/** Starts the test process's PostgreSQL (once); resolves to its base URL (no database). */
async function startPostgres() {
  if (process.env.FUSE_TEST_PG_URL) return process.env.FUSE_TEST_PG_URL.replace(/\/$/, '');
  if (server) return server.base;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-pg-'));
  const root = process.getuid && process.getuid() === 0;
  if (root) execFileSync('chown', ['postgres:postgres', dir]);
  const user = root ? 'postgres' : os.userInfo().username;
  const data = path.join(dir, 'data');
  asPostgres('initdb', ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  const stop = () => {
    try {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  asPostgres('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', path.join(dir, 'log'), '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=32MB`, 'start']);
  server = { base: `postgres://${user}@127.0.0.1:${port}`, dir, stop };
  return server.base;
}

/** A new, empty database on the test server: its postgres:// URL. */
async function createDatabase(prefix = 'fuse') {
  const base = await startPostgres();
  const { Client } = require('pg');
  const c = new Client({ connectionString: `${base}/postgres` });
  await c.connect();
  const name = `${prefix}_${process.pid}_${++databases}`;
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  return `${base}/${name}`;
}

/** Runs SQL on a database (the tests' own look at it, e.g. pg_terminate_backend). */
async function sql(url, text, values) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

module.exports = { startPostgres, createDatabase, sql, pgBin };
