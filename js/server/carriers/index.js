'use strict';
// Carrier adapters by name (`--carrier NAME`); see sim.js for the interface they implement.
const { SimCarrier } = require('./sim');

const carriers = {
  sim: (options) => new SimCarrier(options),
  // Required on use: the SIP stack is loaded only by services that place real calls.
  sip: (options) => new (require('./sip').SipCarrier)(options),
};

function createCarrier(name, options) {
  const make = carriers[name];
  if (!make) throw new RangeError(`--carrier ${name} is not a carrier; choose from ${Object.keys(carriers).join(', ')}`);
  return make(options);
}

module.exports = { createCarrier, carrierNames: Object.keys(carriers) };
