// require('fuse-outbound/wasm') / the browser bundle: the WebAssembly build, after one awaited call.
export type FuseApi = typeof import('./types/api');
/** Instantiates the module once; every call resolves to the same API object. */
export function init(): Promise<FuseApi>;
