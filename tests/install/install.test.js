'use strict';
// The package as a user gets it: `npm pack`, installed into an empty project, and run there the
// ways users load it: the prebuilt addon (CommonJS), the wasm fallback when no addon loads, ESM
// with named exports, a source build at install time, and the browser entry bundled by esbuild
// in headless Chromium, on a page and in a Web Worker. Every way runs tests/install/sample.mjs and
// must give the same values as this checkout's native build.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const npmCli = fs.realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
const prebuiltName = `prebuilds/${process.platform}-${process.arch}/fuse-outbound.napi.glibc.node`;

let work; // temp dir: the tarball, the project, its copies
let app; // the project with the package installed
let tarball;
let expected; // sample.mjs's values from this checkout's native build

function npm(args, cwd, env = {}) {
  const r = spawnSync(process.execPath, [npmCli, ...args, '--no-audit', '--no-fund'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error', ...env },
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Runs a script of the project; resolves to what it printed (JSON). */
function runIn(dir, file, env = {}) {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env: { ...process.env, FUSE_OUTBOUND_BACKEND: '', FUSE_OUTBOUND_ADDON: '', ...env }, timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : null };
}

function copyProject(name) {
  const dir = path.join(work, name);
  fs.cpSync(app, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

function breakPrebuilt(dir) {
  // Not an ELF file: dlopen fails as it would for another platform's or a damaged binary.
  fs.writeFileSync(path.join(dir, 'node_modules/fuse-outbound', prebuiltName), 'not an addon\n');
}

function duBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
}

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-install-'));
  // prepack builds what the tarball carries (incremental: the test command has built it already).
  npm(['pack', '--pack-destination', work], root);
  tarball = path.join(work, fs.readdirSync(work).find((f) => f.endsWith('.tgz')));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
  // --ignore-scripts spares the dependencies' own builds (better-sqlite3 compiles SQLite; the
  // sample does not use the service); the package's install step then runs alone, as npm runs it.
  npm(['install', tarball, '--ignore-scripts', '--prefer-offline'], app);
  npm(['rebuild', 'fuse-outbound', '--foreground-scripts'], app);
  fs.copyFileSync(path.join(__dirname, 'sample.mjs'), path.join(app, 'sample.mjs'));
  fs.writeFileSync(path.join(app, 'check.cjs'), [
    "const fuse = require('fuse-outbound');",
    "const addon = Object.keys(require.cache).find((f) => f.endsWith('.node')) || null;",
    "import('./sample.mjs').then(({ run }) => console.log(JSON.stringify({ backend: fuse.backend, addon, result: run(fuse) })));",
  ].join('\n'));
  fs.writeFileSync(path.join(app, 'check.mjs'), [
    "import { parseDestination, parseDestinations, validateQueueRequest, validateCsv, Engine, previewWindow, backend } from 'fuse-outbound';",
    "import fuse from 'fuse-outbound';",
    "import { run } from './sample.mjs';",
    'const named = { parseDestination, parseDestinations, validateQueueRequest, validateCsv, Engine, previewWindow };',
    "if (fuse.Engine !== Engine) throw new Error('the default export and the named exports differ');",
    'console.log(JSON.stringify({ backend, result: run(named) }));',
  ].join('\n'));
  const { run } = await import(path.join(__dirname, 'sample.mjs'));
  expected = run(require('../../js/index.js'));
});

test.after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the prebuilt addon, the wasm build and the sources for a source build, and nothing for tests or benches', (t) => {
  const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
  for (const f of [prebuiltName, 'dist/fuse_outbound.wasm.js', 'dist/fuse-outbound.browser.mjs', 'js/index.js', 'js/index.mjs',
    'js/index.d.mts', 'scripts/install.js', 'CMakeLists.txt', 'core/src/engine.cpp', 'node/addon.cpp', 'README.md']) {
    assert.ok(files.includes(f), `the tarball lacks ${f}`);
  }
  const unwanted = files.filter((f) => /^(tests|bench|fuzz|examples|build|scratch|\.ci|wasm)\//.test(f) || f.endsWith('.log'));
  assert.deepEqual(unwanted, []);
  const installed = duBytes(path.join(app, 'node_modules', 'fuse-outbound'));
  t.diagnostic(`tarball ${(fs.statSync(tarball).size / 1024).toFixed(0)} KiB, installed ${(installed / 1024).toFixed(0)} KiB, ${files.length} files`);
});

test('require() in the project loads the prebuilt addon; the install step stays silent when it loads', () => {
  const r = runIn(app, 'check.cjs');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.out.backend, 'native');
  assert.equal(r.out.addon, path.join(fs.realpathSync(app), 'node_modules/fuse-outbound', prebuiltName));
  assert.deepEqual(r.out.result, expected);
  const again = npm(['rebuild', 'fuse-outbound', '--foreground-scripts'], app);
  assert.doesNotMatch(again.stderr + again.stdout, /fuse-outbound:/);
});

test('import with named exports (ESM) gives the same values', () => {
  const r = runIn(app, 'check.mjs');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.out.backend, 'native');
  assert.deepEqual(r.out.result, expected);
});

test('with the addon unloadable, require() and import fall back to wasm, synchronously, with the same values', () => {
  const dir = copyProject('broken');
  breakPrebuilt(dir);
  for (const file of ['check.cjs', 'check.mjs']) {
    const r = runIn(dir, file);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.out.backend, 'wasm', file);
    assert.deepEqual(r.out.result, expected, file);
  }
  const forcedNative = runIn(dir, 'check.cjs', { FUSE_OUTBOUND_BACKEND: 'native' });
  assert.notEqual(forcedNative.status, 0);
  assert.match(forcedNative.stderr, /no native addon loads on .*fuse-outbound\.napi\.glibc\.node/s);
  // And the other way round: wasm on request even where the addon loads.
  const forcedWasm = runIn(app, 'check.cjs', { FUSE_OUTBOUND_BACKEND: 'wasm' });
  assert.equal(forcedWasm.out.backend, 'wasm');
  assert.equal(forcedWasm.out.addon, null);
  const wrong = runIn(app, 'check.cjs', { FUSE_OUTBOUND_BACKEND: 'fast' });
  assert.match(wrong.stderr, /FUSE_OUTBOUND_BACKEND is 'fast'; set it to native or wasm/);
});

test('an install without a usable prebuilt falls back quietly without cmake, and builds from source with it', () => {
  const dir = copyProject('source');
  breakPrebuilt(dir);
  // No cmake or compiler on PATH: the install succeeds, says the wasm build answers, and it does.
  const bin = path.join(work, 'bin-node-only');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync('/bin/sh', path.join(bin, 'sh')); // npm runs the install step with sh
  const bare = npm(['rebuild', 'fuse-outbound', '--foreground-scripts'], dir, { PATH: bin });
  assert.match(bare.stderr + bare.stdout, /no prebuilt addon for .* and no cmake\/C\+\+ compiler to build one; the WebAssembly build will answer/);
  assert.equal(runIn(dir, 'check.cjs').out.backend, 'wasm');
  // With them (this machine has cmake and g++): a source build into build/Release, which loads.
  const built = npm(['rebuild', 'fuse-outbound', '--foreground-scripts'], dir);
  assert.match(built.stderr + built.stdout, /building it from source with cmake[\s\S]*built the native addon/);
  const r = runIn(dir, 'check.cjs');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.out.backend, 'native');
  assert.equal(r.out.addon, path.join(fs.realpathSync(dir), 'node_modules/fuse-outbound/build/Release/fuse_outbound.node'));
  assert.deepEqual(r.out.result, expected);
});

test('TypeScript sees the named exports in ESM and CommonJS projects (module nodenext)', () => {
  fs.writeFileSync(path.join(app, 'types.mts'), [
    "import { parseDestination, Engine, backend } from 'fuse-outbound';",
    "import fuse from 'fuse-outbound';",
    "const r = parseDestination('6175551234');",
    'if (r.ok) { const e164: string = r.destination.e164; void e164; }',
    "const which: 'native' | 'wasm' = backend;",
    'const engine: Engine = new fuse.Engine({ capacity: 1 });',
    'void which, engine;',
    '// @ts-expect-error a number is not a destination',
    'parseDestination(5);',
  ].join('\n'));
  fs.writeFileSync(path.join(app, 'types.cts'), [
    "import fuse = require('fuse-outbound');",
    "const engine: fuse.Engine = new fuse.Engine({ capacity: 1 });",
    "const which: 'native' | 'wasm' = fuse.backend;",
    'void engine, which;',
  ].join('\n'));
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], lib: ['es2022'] },
    files: ['types.mts', 'types.cts'],
  }));
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the browser entry bundled by esbuild runs in headless Chromium, on a page and in a Web Worker', async (t) => {
  const { openBrowser } = require('../browser/helpers');
  const esbuild = require('esbuild');
  fs.writeFileSync(path.join(app, 'page.mjs'), [
    "import { init } from 'fuse-outbound';",
    "import { run } from './sample.mjs';",
    'const fuse = await init();',
    'window.pageResult = { backend: fuse.backend, result: run(fuse) };',
    "const worker = new Worker('./worker.js', { type: 'module' });",
    'worker.onmessage = (e) => { window.workerResult = e.data; };',
    "worker.onerror = (e) => { window.workerResult = { error: String(e.message) }; };",
  ].join('\n'));
  fs.writeFileSync(path.join(app, 'worker.mjs'), [
    "import { init } from 'fuse-outbound';",
    "import { run } from './sample.mjs';",
    'init().then((fuse) => postMessage({ backend: fuse.backend, result: run(fuse) }));',
  ].join('\n'));
  fs.writeFileSync(path.join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bundle</title><script type="module" src="./page.js"></script>');
  for (const name of ['page', 'worker']) {
    await esbuild.build({
      absWorkingDir: app,
      entryPoints: [`${name}.mjs`],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: path.join(app, `${name}.js`),
      logLevel: 'silent',
    });
  }
  const bundle = fs.readFileSync(path.join(app, 'page.js'), 'utf8');
  // esbuild names each bundled file in a comment: the browser export's, never the Node entry's.
  assert.match(bundle, /\/\/ node_modules\/fuse-outbound\/dist\/fuse-outbound\.browser\.mjs/);
  assert.doesNotMatch(bundle, /\/\/ node_modules\/fuse-outbound\/js\//, 'the bundle must come from the browser export, not the Node entry');
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = http.createServer((req, res) => {
    const file = path.join(app, path.basename(new URL(req.url, 'http://x').pathname) || 'index.html');
    if (!types[path.extname(file)] || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] }).end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await openBrowser();
  t.after(async () => {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  });
  const page = await browser.browser.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => window.pageResult && window.workerResult, null, { timeout: 30_000 });
  const { pageResult, workerResult } = await page.evaluate(() => ({ pageResult: window.pageResult, workerResult: window.workerResult }));
  assert.deepEqual(errors, []);
  assert.equal(pageResult.backend, 'wasm');
  assert.deepEqual(pageResult.result, expected);
  assert.equal(workerResult.backend, 'wasm', JSON.stringify(workerResult).slice(0, 300));
  assert.deepEqual(workerResult.result, expected);
});
