// The whole public API, the same for both builds.
export * from './common';
export * from './destination';
export * from './validation';
export * from './csv';
export * from './engine';
export * from './preview';

import type { BackendName } from './common';
/** Which build answers. */
export const backend: BackendName;
export const version: string;
