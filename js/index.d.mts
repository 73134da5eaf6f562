// Types of the ESM entry (js/index.mjs): the same API as the CommonJS entry.
import * as fuse from './index.js';
export * from './index.js';
export default fuse;
