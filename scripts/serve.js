#!/usr/bin/env node
'use strict';
// A tiny static file server for the browser examples and tests: serves the package directory
// (examples/, dist/) on localhost only.
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

function createServer() {
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${url.pathname}`);
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
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
