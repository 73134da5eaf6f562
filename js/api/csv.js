'use strict';
// Placeholder until the csv feature lands.
function csvApi(backend) {
  return {};
}

module.exports = { csvApi };
