'use strict';
// Placeholder until the engine feature lands.
function engineApi(backend) {
  return {};
}

module.exports = { engineApi };
