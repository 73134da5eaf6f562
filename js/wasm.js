'use strict';
// The WebAssembly build: `const fuse = await require('fuse-outbound/wasm').init()`. Works in Node
// (tests, benchmarks) and, bundled as dist/fuse-outbound.browser.mjs, in browsers and Web Workers.
const { createApi } = require('./api/index');
const { wasmBackend } = require('./wasm-backend');
const { version } = require('../package.json');

let ready = null;

/** Loads and instantiates the module once; every call returns the same API object. */
function init() {
  if (!ready) {
    let createModule;
    try {
      createModule = require('../dist/fuse_outbound.wasm.js');
    } catch (err) {
      return Promise.reject(
        Object.assign(new Error('fuse-outbound: the wasm build is missing; run `npm run build:wasm`.'), {
          code: 'FUSE_WASM_NOT_FOUND',
          cause: err,
        }),
      );
    }
    ready = createModule().then((mod) => createApi(wasmBackend(mod), { name: 'wasm', version }));
  }
  return ready;
}

module.exports = { init };
