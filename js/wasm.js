'use strict';
// The WebAssembly build whatever the platform: `const fuse = await require('fuse-outbound/wasm').init()`
// (tests and benchmarks compare it with the addon). require('fuse-outbound') falls back to the
// same build on its own when no addon loads; browsers use dist/fuse-outbound.browser.mjs.
const { createApi } = require('./api/index');
const { wasmBackend } = require('./wasm-backend');
const { loadWasmSync } = require('./wasm-node');
const { version } = require('../package.json');

let api = null;

/** The API over the wasm build, made once (js/index.js falls back to the same object). Throws FUSE_WASM_NOT_FOUND. */
function loadSync() {
  api ||= createApi(wasmBackend(loadWasmSync()), { name: 'wasm', version });
  return api;
}

/** Resolves to the API over the wasm build; every call returns the same object. */
function init() {
  try {
    return Promise.resolve(loadSync());
  } catch (err) {
    return Promise.reject(err);
  }
}

module.exports = { init, loadSync };
