'use strict';
// Seeded random numbers for generated test and benchmark inputs (bench/ uses these too), so a
// failure or a figure can be reproduced from its seed.

/** A linear congruential generator: uniform in [0, 1). */
function makeRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** mulberry32: better mixed low bits than the LCG, for simulations. Uniform in [0, 1). */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { makeRandom, mulberry32 };
