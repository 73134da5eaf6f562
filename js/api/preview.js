'use strict';
// previewWindow (SPEC 6) over a backend (see js/api/index.js). The core runs the preview (the real
// engine against a seeded simulated carrier) and judges every value; this module checks argument
// types, fills `start` with the current time, takes a validateCsv result's `queued` count, and
// hands the options over as JSON text.
const { describe, expectObject: expectObjectNamed, unixNow } = require('./common');
const { paramsJson } = require('./validation');

const expectObject = (value, what) => expectObjectNamed(value, `previewWindow: ${what}`);

// A number option, if given (undefined and null mean "not given"), must be a finite number.
function expectNumbers(object, names, prefix) {
  for (const name of names) {
    const value = object[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`previewWindow: ${prefix}${name} must be a finite number, got ${describe(value)}`);
    }
  }
}

const given = (v) => v !== undefined && v !== null;

function previewApi(backend) {
  /**
   * Will these calls fit in this window on these lines? Runs the real queue engine against a seeded
   * simulated carrier. Invalid option values give {ok:false, errors}; wrong argument types throw
   * TypeError. See js/types/preview.d.ts for the options and the result.
   */
  function previewWindow(options) {
    expectObject(options, 'options');
    expectNumbers(options, ['calls', 'capacity', 'start', 'end', 'maxAttempts', 'reattemptWait', 'ringTimeout', 'seed', 'timelineStep', 'dialRate', 'weight'], 'options.');
    for (const name of ['numbers', 'suppressed']) {
      if (given(options[name]) && !Array.isArray(options[name])) {
        throw new TypeError(`previewWindow: options.${name} must be an array of phone numbers, got ${describe(options[name])}`);
      }
    }
    for (const name of ['talkTime', 'ringTime']) {
      if (!given(options[name])) continue;
      expectObject(options[name], `options.${name}`);
      expectNumbers(options[name], ['mean', 'spread'], `options.${name}.`);
    }
    if (given(options.rates)) {
      expectObject(options.rates, 'options.rates');
      expectNumbers(options.rates, ['connected', 'busy', 'noanswer', 'informationtone', 'rejected'], 'options.rates.');
    }
    if (given(options.competing)) {
      if (!Array.isArray(options.competing)) {
        throw new TypeError(`previewWindow: options.competing must be an array, got ${describe(options.competing)}`);
      }
      options.competing.forEach((entry, i) => {
        expectObject(entry, `options.competing[${i}]`);
        expectNumbers(entry, ['calls', 'start', 'end', 'maxAttempts', 'reattemptWait', 'weight'], `options.competing[${i}].`);
      });
    }
    const sent = { ...options };
    if (!given(sent.start)) sent.start = unixNow();
    if (given(options.csv)) {
      // A validateCsv result: only whether it is accepted and how many rows it queues matter.
      expectObject(options.csv, 'options.csv');
      const { queued, ok } = options.csv;
      if (typeof queued !== 'number') {
        throw new TypeError(`previewWindow: options.csv must be a validateCsv result (csv.queued a number), got csv.queued ${describe(queued)}`);
      }
      sent.csv = typeof ok === 'boolean' ? { queued, ok } : { queued };
    }
    return JSON.parse(backend.previewWindow(paramsJson(sent)));
  }

  return { previewWindow };
}

module.exports = { previewApi };
