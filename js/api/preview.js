'use strict';
// Placeholder until the preview feature lands.
function previewApi(backend) {
  return {};
}

module.exports = { previewApi };
