'use strict';
// The dashboard (issue 8): a page at / behind the same Basic auth, its state as JSON
// (GET /api/dashboard) and as server-sent events (GET /api/dashboard/events: one `state` event at
// once, then one whenever something changed, at most four a second). The page's files live in
// js/server/dashboard/; the browser build of the package (dist/) runs the upload's preflight.
const fs = require('fs');
const path = require('path');

const PAGE_DIR = path.join(__dirname, 'dashboard');
const DIST = path.join(__dirname, '..', '..', 'dist', 'fuse-outbound.browser.mjs');
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/dashboard/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/dashboard/style.css': ['style.css', 'text/css; charset=utf-8'],
};
const LATEST = 20;
const MAX_UNSENT = 256 * 1024; // bytes of an event stream waiting for a slow client
const MAX_STREAMS = 16; // event streams per account

async function state(outbound, store, account) {
  const counts = outbound.deploymentCounts();
  const all = await store.deployments();
  const deployments = all
    .filter((d) => d.account_id === account.id)
    .map((d) => ({ app: d.app, deployment: d.name, deleted: d.deleted_at !== null, counts: counts(d.id) }));
  const names = new Map(all.map((d) => [d.id, `${d.app}/${d.name}`]));
  const stats = outbound.engine.stats();
  return {
    now: outbound.clock.now(),
    lines: { inUse: stats.inFlight, capacity: stats.capacity, history: outbound.linesHistory.slice(-600) },
    deployments,
    latest: (await store.latestResults(account.id, LATEST)).map((r) => ({
      call_id: String(r.call_id),
      deployment: names.get(r.deployment_id) || null,
      status: r.status,
      finished_at: r.finished_at,
    })),
  };
}

function dashboard(app, { authenticate, send, sendError, HttpError, outbound, store }) {
  const guard = (handler) => async (request, reply) => {
    try {
      const account = await authenticate(request);
      return await handler(request, reply, account);
    } catch (err) {
      if (err instanceof HttpError) return sendError(request, reply, err);
      throw err;
    }
  };
  for (const [url, [file, type]] of Object.entries(FILES)) {
    app.get(url, guard(async (request, reply) => {
      const full = path.join(PAGE_DIR, file);
      if (!fs.existsSync(full)) throw new HttpError(404, `The dashboard file ${file} is missing from this installation.`);
      reply.type(type).header('cache-control', 'no-cache');
      return reply.send(fs.createReadStream(full));
    }));
  }
  app.get('/dashboard/fuse-outbound.browser.mjs', guard(async (request, reply) => {
    if (!fs.existsSync(DIST)) throw new HttpError(404, 'The browser build is missing: run `node scripts/build.js wasm web`.');
    reply.type('text/javascript; charset=utf-8');
    return reply.send(fs.createReadStream(DIST));
  }));
  app.get('/api/dashboard', guard(async (request, reply, account) => send(request, reply, 200, await state(outbound, store, account))));
  const streams = new Map(); // account id -> open event streams
  app.get('/api/dashboard/events', guard(async (request, reply, account) => {
    if ((streams.get(account.id) || 0) >= MAX_STREAMS) {
      throw new HttpError(429, `At most ${MAX_STREAMS} dashboard event streams per account are open at once; close one (another tab) and retry.`);
    }
    streams.set(account.id, (streams.get(account.id) || 0) + 1);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let last = '';
    let ended = false;
    const push = async () => {
      // A client that stops reading gets no more until it catches up: the buffer stays bounded.
      if (res.writableLength > MAX_UNSENT || ended) return;
      let text;
      try {
        text = JSON.stringify(await state(outbound, store, account));
      } catch {
        return; // the store is away for a moment: the next change or heartbeat tries again
      }
      if (ended) return;
      if (text === last) return;
      last = text;
      res.write(`event: state\ndata: ${text}\n\n`);
    };
    let pending = null;
    const changed = () => {
      if (!pending) pending = setTimeout(() => ((pending = null), push()), 250);
    };
    push();
    const events = ['dial', 'result', 'delivery'];
    for (const e of events) outbound.on(e, changed);
    const heartbeat = setInterval(() => {
      if (res.writableLength <= MAX_UNSENT) res.write(': keep-alive\n\n');
      push();
    }, 1000);
    const done = () => {
      if (ended) return;
      ended = true;
      streams.set(account.id, streams.get(account.id) - 1);
      clearInterval(heartbeat);
      clearTimeout(pending);
      for (const e of events) outbound.off(e, changed);
    };
    request.raw.on('close', done);
    res.on('error', done);
  }));
}

module.exports = { dashboard, dashboardState: state };
