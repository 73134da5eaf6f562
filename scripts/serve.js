#!/usr/bin/env node
'use strict';
// A tiny static file server for the browser examples and tests: serves the package directory
// examples/ and dist/ only, on localhost only.
//   node scripts/serve.js [--port 8080]   then open http://localhost:8080/examples/preflight/
const http = require('http');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

// Only what the pages need: the examples and the built bundle (never .git, node_modules, build/).
const SERVED = ['examples', 'dist'];

function createServer() {
  return http.createServer((req, res) => {
    const fail = (status, text) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return fail(400, `bad request: ${JSON.stringify(req.url).slice(0, 200)} is not a valid URL path`);
    }
    if (pathname.includes('\0')) return fail(400, 'bad request: the path holds a NUL byte');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'only GET and HEAD');
    let file = path.normalize(path.join(root, pathname));
    const top = path.relative(root, file).split(path.sep)[0];
    if (!file.startsWith(root + path.sep) || !SERVED.includes(top)) return fail(404, `not found: ${pathname} (served: /examples/, /dist/)`);
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) file = path.join(file, 'index.html');
      fs.readFile(file, (err2, data) => {
        if (err2) return fail(404, `not found: ${pathname}`);
        res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : data);
      });
    });
  });
}

/** Starts a server on 127.0.0.1 (port 0 = any free port); resolves to { server, url }. */
function serve(port = 0) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

if (require.main === module) {
  const i = process.argv.indexOf('--port');
  const port = i === -1 ? 8080 : Number(process.argv[i + 1]);
  serve(port).then(({ url }) => {
    console.log(`serving ${root} at ${url}`);
    console.log(`  CSV preflight: ${url}/examples/preflight/`);
  });
}

module.exports = { serve };
