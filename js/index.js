'use strict';
// Node entry. The native addon when one loads on this platform (js/native.js: the development
// build, a source build from install time, or a prebuilt), else the WebAssembly build,
// synchronously, with the same API and the same results. `backend` says which one answers;
// FUSE_OUTBOUND_BACKEND=native|wasm forces one (native: an error when no addon loads).
// Browsers get the wasm build through the package's "browser" export (dist/fuse-outbound.browser.mjs).
const { createApi } = require('./api/index');
const { loadAddon } = require('./native');
const wasm = require('./wasm');
const { version } = require('../package.json');

function load() {
  const forced = process.env.FUSE_OUTBOUND_BACKEND || '';
  if (forced && forced !== 'native' && forced !== 'wasm') {
    throw new RangeError(`FUSE_OUTBOUND_BACKEND is '${forced}'; set it to native or wasm, or leave it unset to choose automatically`);
  }
  if (forced !== 'wasm') {
    const { addon, error } = loadAddon();
    if (addon) return createApi(addon, { name: 'native', version });
    if (forced === 'native') throw error;
  }
  return wasm.loadSync();
}

const api = load();
module.exports = { ...api, init: async () => module.exports };
