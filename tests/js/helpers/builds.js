'use strict';
// Every JS test runs against BOTH builds with the same cases:
//   const { forEachBuild } = require('./helpers/builds');
//   forEachBuild((getFuse) => { test('...', () => { const fuse = getFuse(); ... }); });
// FUSE_BUILDS=native or FUSE_BUILDS=wasm narrows the run (default: both).
const { describe, before } = require('node:test');

const loaders = {
  native: async () => {
    // js/index.js falls back to wasm when the addon does not load; here that would test wasm twice.
    const fuse = require('../../../js/index.js');
    if (fuse.backend !== 'native') throw new Error(require('../../../js/native.js').loadAddon().error.message);
    return fuse;
  },
  wasm: async () => require('../../../js/wasm.js').init(),
};

const selected = (process.env.FUSE_BUILDS || 'native,wasm').split(',').map((s) => s.trim()).filter(Boolean);

function forEachBuild(body) {
  for (const name of selected) {
    if (!loaders[name]) throw new Error(`FUSE_BUILDS: unknown build '${name}'`);
    describe(`${name} build`, () => {
      let fuse = null;
      before(async () => {
        fuse = await loaders[name]();
      });
      body(() => fuse, name);
    });
  }
}

// Loads both builds at once, for tests that compare them with each other.
async function loadBuilds() {
  const out = {};
  for (const name of selected) out[name] = await loaders[name]();
  return out;
}

module.exports = { forEachBuild, loadBuilds, buildNames: selected };
