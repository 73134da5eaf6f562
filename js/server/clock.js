'use strict';
// The service's clocks (SPEC 11). Engine time is whole Unix seconds; every clock here is monotonic
// and starts no earlier than the latest time the store has seen, so it never goes back across a
// restart.
//   real     wall time (speed 1), or N times faster than wall time from the service's start
//   manual   moves only with advance(seconds), for test suites: the service runs everything that
//            falls due in between (dials, carrier outcomes, deliveries) before advance resolves

class RealClock {
  /**
   * @param {{speed?: number, stored?: number|null}} options  stored: the latest time the data
   *   directory has seen (null for a new one)
   */
  constructor({ speed = 1, stored = null } = {}) {
    if (!(Number.isFinite(speed) && speed > 0 && speed <= 1e6)) throw new RangeError(`speed must be a number in (0, 1e6], got ${speed}`);
    this.kind = 'real';
    this.speed = speed;
    const wall = Date.now() / 1000;
    // At speed 1 the clock is wall time (or the stored time, if an accelerated run went past it);
    // faster, it continues from where the last run stopped.
    this.base = stored === null ? wall : speed === 1 ? Math.max(wall, stored) : Math.max(stored, 0);
    this.startWall = Date.now();
  }
  exact() {
    return this.base + ((Date.now() - this.startWall) / 1000) * this.speed;
  }
  now() {
    return Math.floor(this.exact());
  }
  /** Moves the clock on to `t` if it is behind (a node taking over another's engine). */
  atLeast(t) {
    const behind = t - this.exact();
    if (behind > 0) this.base += behind;
  }
  /** Milliseconds of wall time until service time `t`. */
  msUntil(t) {
    return Math.max(0, ((t - this.exact()) / this.speed) * 1000);
  }
}

class ManualClock {
  constructor({ start = null, stored = null } = {}) {
    this.kind = 'manual';
    const first = start ?? Math.floor(Date.now() / 1000);
    this.t = stored === null ? first : Math.max(stored, first);
    this.driver = null; // set by the outbound system: runs what falls due while time moves
  }
  exact() {
    return this.t;
  }
  now() {
    return this.t;
  }
  msUntil() {
    return Infinity; // nothing fires by itself
  }
  /** Moves time forward by `seconds` (a whole number >= 0), running everything due on the way. */
  async advance(seconds) {
    if (!(Number.isInteger(seconds) && seconds >= 0)) throw new RangeError(`clock.advance(seconds): seconds must be a whole number >= 0, got ${seconds}`);
    if (!this.driver) {
      this.t += seconds;
      return;
    }
    await this.driver(this.t + seconds);
  }
  atLeast(t) {
    this.set(t);
  }
  /** Sets the time (the driver's step; never backwards). */
  set(t) {
    if (t > this.t) this.t = t;
  }
}

module.exports = { RealClock, ManualClock };
