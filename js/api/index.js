'use strict';
// The public JS API, written once over a "backend": the native addon (js/index.js) or the wasm
// module (js/wasm.js). Both expose the same raw functions (JSON text and flat columns in and out,
// see core/bridge/include/fuse/bridge_*.hpp); the modules here only shape them into objects. No rule lives
// here: every check is the core's, so both builds answer identically.
const { destinationApi } = require('./destination');
const { validationApi } = require('./validation');
const { csvApi } = require('./csv');
const { engineApi } = require('./engine');
const { previewApi } = require('./preview');
const { simApi } = require('./sim');

const features = [destinationApi, validationApi, csvApi, engineApi, previewApi, simApi];

function createApi(backend, info) {
  const api = { backend: info.name, version: info.version };
  for (const feature of features) Object.assign(api, feature(backend));
  return Object.freeze(api);
}

module.exports = { createApi };
