// ESM entry for Node: `import { parseDestination, Engine } from 'fuse-outbound'`. The CommonJS
// entry builds its exports at run time (native or wasm), which Node's static scan of CommonJS
// cannot see, so the named exports are listed here; tests/js/esm.test.js checks that the list
// matches the CommonJS module.
import fuse from './index.js';

export const {
  backend,
  version,
  parseDestination,
  parseDestinations,
  DestinationBatch,
  validateQueueRequest,
  validateCsv,
  createCsvValidator,
  Engine,
  buildResultPayload,
  previewWindow,
  createSimCarrier,
  init,
} = fuse;
export default fuse;
