'use strict';
// Finds the native addon for this process: FUSE_OUTBOUND_ADDON (a path), the development build
// (scripts/build.js native), then what node-gyp-build finds, as leveldown, bufferutil and sodium-native
// do: build/Release (a source build at install time, scripts/install.js) and the prebuilt
// prebuilds/<platform>-<arch>/fuse-outbound.napi.<libc>.node that matches this platform.
const path = require('path');

const root = path.join(__dirname, '..');

/** Returns {addon} or {error} (code FUSE_ADDON_NOT_FOUND, naming each place tried and why it failed). */
function loadAddon() {
  const failures = [];
  const candidates = [process.env.FUSE_OUTBOUND_ADDON, path.join(root, 'build', 'native', 'Release', 'fuse_outbound.node')];
  for (const file of candidates.filter(Boolean)) {
    try {
      return { addon: require(file) };
    } catch (err) {
      failures.push(`${file}: ${err.code === 'MODULE_NOT_FOUND' ? 'not built' : err.message}`);
    }
  }
  let file;
  try {
    file = require('node-gyp-build').path(root);
    return { addon: require(file) };
  } catch (err) {
    failures.push(`${file || 'prebuilds/'}: ${err.message.trim()}`);
  }
  const error = new Error(`fuse-outbound: no native addon loads on ${process.platform}-${process.arch}.\n  ${failures.join('\n  ')}`);
  error.code = 'FUSE_ADDON_NOT_FOUND';
  return { error };
}

module.exports = { loadAddon };
