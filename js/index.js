'use strict';
// Node entry: the native addon. Browsers get the wasm build through the package's "browser"
// export (dist/fuse-outbound.browser.mjs); Node code that wants wasm uses require('fuse-outbound/wasm').
const path = require('path');
const { createApi } = require('./api/index');
const { version } = require('../package.json');

function loadAddon() {
  const candidates = [
    process.env.FUSE_OUTBOUND_ADDON,
    path.join(__dirname, '..', 'build', 'native', 'Release', 'fuse_outbound.node'),
    path.join(__dirname, '..', 'build', 'Release', 'fuse_outbound.node'),
  ].filter(Boolean);
  const failures = [];
  for (const file of candidates) {
    try {
      return require(file);
    } catch (err) {
      failures.push(`${file}: ${err.code === 'MODULE_NOT_FOUND' ? 'not built' : err.message}`);
    }
  }
  const err = new Error(
    'fuse-outbound: the native addon is not built. Run `npm run build:native` (needs cmake and g++), ' +
      "or use the WebAssembly build: `await require('fuse-outbound/wasm').init()`.\n  " +
      failures.join('\n  '),
  );
  err.code = 'FUSE_ADDON_NOT_FOUND';
  throw err;
}

const api = createApi(loadAddon(), { name: 'native', version });
module.exports = { ...api, init: async () => module.exports };
