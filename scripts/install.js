#!/usr/bin/env node
// npm's install step for the package (not for a development checkout): makes sure a native addon
// loads, else tries to build one from the sources in the tarball, else leaves the WebAssembly
// fallback to answer. It never fails the install: every path ends with a working package.
//   1. a prebuilt (prebuilds/<platform>-<arch>/) or an earlier build loads: done, silently;
//   2. cmake and a C++20 compiler are there: configure and build the addon into build/Release
//      (found by node-gyp-build), with the Node-API headers from node-api-headers/node-addon-api;
//   3. otherwise, or when that build fails: one line saying the wasm build will answer.
// FUSE_OUTBOUND_SKIP_BUILD=1 skips step 2 (for example in serverless images built elsewhere).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const note = (text) => console.error(`fuse-outbound: ${text}`);

// A development checkout builds with scripts/build.js (npm ci must not start a second build).
if (fs.existsSync(path.join(root, '.git'))) process.exit(0);

// Loads the addon in a child process: a crash or a wrong architecture must not take npm with it.
function addonLoads() {
  const probe = `const {loadAddon}=require(${JSON.stringify(path.join(root, 'js', 'native.js'))});` +
    'const r=loadAddon(); if (r.error) { console.error(r.error.message); process.exit(1); }';
  const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, FUSE_OUTBOUND_ADDON: '' } });
  return { ok: result.status === 0, why: (result.stderr || '').trim() };
}

function has(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function sourceBuild() {
  const headers = [require('node-api-headers').include_dir, path.dirname(require.resolve('node-addon-api/package.json'))];
  const buildDir = path.join(root, 'build', 'source');
  const steps = [
    ['cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DFUSE_TESTS=OFF', `-DFUSE_NODE_API_INCLUDE=${headers.join(';')}`]],
    ['cmake', ['--build', buildDir, '--target', 'fuse_outbound', '--parallel', String(require('os').availableParallelism?.() || 2)]],
  ];
  for (const [cmd, args] of steps) {
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) return `${cmd} ${args[0]} failed: ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ')}`;
  }
  const release = path.join(root, 'build', 'Release');
  fs.mkdirSync(release, { recursive: true });
  fs.copyFileSync(path.join(buildDir, 'fuse_outbound.node'), path.join(release, 'fuse_outbound.node'));
  fs.rmSync(buildDir, { recursive: true, force: true });
  return null;
}

const first = addonLoads();
if (first.ok) process.exit(0);
const target = `${process.platform}-${process.arch}`;
if (process.env.FUSE_OUTBOUND_SKIP_BUILD) {
  note(`no prebuilt addon for ${target}; the WebAssembly build will answer (FUSE_OUTBOUND_SKIP_BUILD is set).`);
} else if (!has('cmake', ['--version']) || !(has('c++', ['--version']) || has('g++', ['--version']) || has('clang++', ['--version']))) {
  note(`no prebuilt addon for ${target} and no cmake/C++ compiler to build one; the WebAssembly build will answer.`);
} else {
  note(`no prebuilt addon for ${target}; building it from source with cmake (about a minute)...`);
  let failure = sourceBuild();
  if (!failure) {
    const built = addonLoads();
    if (!built.ok) failure = `the built addon does not load: ${built.why}`;
  }
  if (failure) note(`the source build did not work (${failure}); the WebAssembly build will answer.`);
  else note('built the native addon.');
}
process.exit(0);
