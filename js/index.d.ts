// require('fuse-outbound'): the native addon.
export * from './types/api';
/** Resolves to this module; lets code written for the wasm build (`await init()`) run unchanged. */
export function init(): Promise<typeof import('./types/api')>;
