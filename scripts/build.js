#!/usr/bin/env node
// Builds what the package and its tests need, each in its own directory under build/:
//   native  cmake-js: core, Node-API addon and the Boost.Test suite      (build/native)
//   wasm    Emscripten: the embind module, copied to dist/                (build/wasm)
//   web     esbuild: the browser bundle dist/fuse-outbound.browser.mjs
//   prebuild the native addon, stripped, as the tarball's prebuilt for this platform:
//            prebuilds/<platform>-<arch>/fuse-outbound.napi.<libc>.node (found by node-gyp-build)
//   clang   clang: core tests under ASan+UBSan and the libFuzzer targets (build/clang)
// Usage: node scripts/build.js [native] [wasm] [web] [clang]   (no argument: native wasm web)
// Builds are incremental: re-running after a change rebuilds only what changed.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const jobs = String(Math.max(2, require('os').availableParallelism?.() || 2));

function run(cmd, args, env = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

const steps = {
  native() {
    run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'build', '--out', 'build/native',
      '--parallel', jobs, '--CDFUSE_TESTS=ON']);
  },
  wasm() {
    // Debian's emcc needs acorn from /usr/share/nodejs for its optimizer.
    const env = { NODE_PATH: '/usr/share/nodejs' };
    if (!fs.existsSync(path.join(root, 'build/wasm/CMakeCache.txt'))) {
      run('emcmake', ['cmake', '-S', '.', '-B', 'build/wasm', '-DCMAKE_BUILD_TYPE=Release', '-DFUSE_TESTS=OFF'], env);
    }
    run('cmake', ['--build', 'build/wasm', '--parallel', jobs], env);
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(root, 'build/wasm/fuse_outbound.wasm.js'), path.join(root, 'dist/fuse_outbound.wasm.js'));
  },
  web() {
    console.log('$ esbuild js/browser.mjs -> dist/fuse-outbound.browser.mjs');
    require('esbuild').buildSync({
      entryPoints: [path.join(root, 'js/browser.mjs')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      // The emscripten loader mentions Node's modules only on its Node code path.
      external: ['fs', 'path', 'crypto'],
      outfile: path.join(root, 'dist/fuse-outbound.browser.mjs'),
      logLevel: 'warning',
    });
  },
  prebuild() {
    const built = path.join(root, 'build/native/Release/fuse_outbound.node');
    if (!fs.existsSync(built)) steps.native();
    const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    const tags = process.platform === 'linux' ? `napi.${libc()}` : 'napi';
    const file = path.join(dir, `fuse-outbound.${tags}.node`);
    fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(built, file);
    // Symbols are for debugging the development build; the prebuilt ships without them (about half the size).
    if (process.platform === 'linux') run('strip', ['--strip-unneeded', file]);
    console.log(`$ prebuilt ${path.relative(root, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
  },
  clang() {
    if (!fs.existsSync(path.join(root, 'build/clang/CMakeCache.txt'))) {
      run('cmake', ['-S', '.', '-B', 'build/clang', '-DCMAKE_CXX_COMPILER=clang++', '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
        '-DFUSE_SANITIZE=ON', '-DFUSE_FUZZ=ON']);
    }
    run('cmake', ['--build', 'build/clang', '--parallel', jobs]);
  },
};

// glibc or musl, as node-gyp-build tells them apart when it picks a prebuilt.
function libc() {
  return process.report?.getReport?.().header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : ['native', 'wasm', 'web']) {
  if (!steps[name]) {
    console.error(`unknown build step '${name}'; choose from ${Object.keys(steps).join(', ')}`);
    process.exit(2);
  }
  steps[name]();
}
