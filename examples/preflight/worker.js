// Validates a CSV file off the main thread with the WebAssembly build, reporting progress.
import { init } from '../../dist/fuse-outbound.browser.mjs';

const ready = init();

async function preview({ id, options }) {
  const fuse = await ready;
  const started = performance.now();
  const result = fuse.previewWindow(options);
  self.postMessage({ type: 'preview', id, result, ms: performance.now() - started });
}

self.onmessage = async ({ data }) => {
  if (data.type === 'preview') {
    try {
      await preview(data);
    } catch (err) {
      self.postMessage({ type: 'preview-error', id: data.id, message: String(err && err.message ? err.message : err) });
    }
    return;
  }
  if (data.type !== 'validate') return;
  const { id, file, params, options } = data;
  try {
    const fuse = await ready;
    const started = performance.now();
    const validator = fuse.createCsvValidator(params, options);
    const reader = file.stream().getReader();
    let bytes = 0;
    let lastPost = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const progress = validator.push(value);
      bytes += value.byteLength;
      const now = performance.now();
      if (now - lastPost > 50) {
        lastPost = now;
        self.postMessage({ type: 'progress', id, bytes, total: file.size, rows: progress.rows });
      }
    }
    const result = validator.finish();
    self.postMessage({ type: 'result', id, result, ms: performance.now() - started, bytes });
  } catch (err) {
    self.postMessage({ type: 'error', id, message: String(err && err.message ? err.message : err) });
  }
};
