'use strict';
// Placeholder until the validation feature lands.
function validationApi(backend) {
  return {};
}

module.exports = { validationApi };
