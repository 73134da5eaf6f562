// Browser and Web Worker entry (bundled by scripts/build.js into dist/fuse-outbound.browser.mjs):
//   import { init } from './fuse-outbound.browser.mjs'; const fuse = await init();
import createFuseModule from '../dist/fuse_outbound.wasm.js';
import { createApi } from './api/index.js';
import { wasmBackend } from './wasm-backend.js';
import pkg from '../package.json';

let ready = null;

export function init() {
  if (!ready) ready = createFuseModule().then((mod) => createApi(wasmBackend(mod), { name: 'wasm', version: pkg.version }));
  return ready;
}
