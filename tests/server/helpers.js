'use strict';
// Shared by the service tests: a server on a temp data directory (manual clock, loopback, free
// port), its account and deployment, a local result receiver, and small HTTP helpers.
// FUSE_TEST_STORE=postgres runs the same tests on PostgreSQL (a temporary server, one database per
// test, tests/server/pg-helpers.js): `data` is then the database's URL, and storeArgs() gives the
// CLI's --store instead of --data.
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { createServer } = require('../../js/server');

const T0 = 1767225600; // 2026-01-01T00:00:00Z
const STORE = process.env.FUSE_TEST_STORE || 'sqlite';
if (STORE !== 'sqlite' && STORE !== 'postgres') throw new Error(`FUSE_TEST_STORE is sqlite or postgres, not ${STORE}`);
const onPostgres = STORE === 'postgres';

function tempDir(prefix = 'fuse-srv-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Where a service keeps its state: a temp data directory, or (FUSE_TEST_STORE=postgres) a new database. */
async function tempStore(prefix = 'fuse-srv-') {
  return onPostgres ? require('./pg-helpers').createDatabase() : tempDir(prefix);
}

/** The CLI's option for that state: --data DIR or --store URL. */
function storeArgs(data) {
  return onPostgres ? ['--store', data] : ['--data', data];
}

/** Removes a temp data directory (a test database goes with the test server). */
function removeStore(data) {
  if (!onPostgres) fs.rmSync(data, { recursive: true, force: true });
}

/** A server with one account (dev@example.com) owning app1/main; `t.after` closes it and removes its data. */
async function startServer(t, options = {}) {
  const data = options.data || (await tempStore());
  const where = onPostgres ? { store: data } : { data };
  const server = await createServer({ clock: 'manual', startTime: T0, allowCallbacksTo: '127.0.0.1/32', ...options, ...where });
  let account = options.account;
  if (!account) {
    account = await server.accounts.add('dev@example.com');
    await server.deployments.add('dev@example.com', 'app1', 'main');
  }
  await server.listen();
  const auth = basic(account.email, account.developerKey);
  if (t) {
    t.after(async () => {
      await server.close();
      if (!options.keep) removeStore(data);
    });
  }
  return { server, data, account, auth, url: server.url };
}

function basic(email, key) {
  return 'Basic ' + Buffer.from(`${email}:${key}`).toString('base64');
}

/** fetch with a JSON-or-text body in the answer: {status, headers, text, json}. */
async function request(url, { method = 'GET', auth, headers = {}, json, form, body } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = auth;
  let payload = body;
  if (json !== undefined) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (form !== undefined) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json: parsed };
}

/** multipart/form-data with fields and an optional csv file. */
function multipart(fields = {}, csv = null, fileField = 'csv') {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  if (csv !== null) fd.append(fileField, new Blob([csv], { type: 'text/csv' }), 'calls.csv');
  return fd;
}

/** A local receiver: answers with `respond(req, body)` -> status (default 200); keeps every request. */
async function startReceiver(t, respond = () => 200) {
  const got = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const entry = { method: req.method, url: req.url, headers: req.headers, body };
      got.push(entry);
      const answer = await respond(req, body, got.length);
      if (answer === 'hang') return; // never answers (timeouts)
      if (typeof answer === 'object') {
        res.writeHead(answer.status, answer.headers || {});
        res.end(answer.body || '');
      } else {
        res.writeHead(answer);
        res.end('ok');
      }
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${srv.address().port}`;
  if (t) t.after(() => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }));
  return { url, got, server: srv };
}

module.exports = { T0, STORE, onPostgres, tempDir, tempStore, storeArgs, removeStore, startServer, basic, request, multipart, startReceiver };
