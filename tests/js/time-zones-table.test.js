'use strict';
// core/src/time_zone_tables.inc (SPEC 14) is what scripts/gen-time-zones.js makes of the vendored prefix
// map and the system's tzdata. A machine without tzdata, or with another version of it than the one
// the table was generated from, cannot tell, and skips.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const zoneinfo = '/usr/share/zoneinfo';

function versions() {
  const table = fs.readFileSync(path.join(root, 'core', 'src', 'time_zone_tables.inc'), 'utf8');
  const generatedFrom = /kTzdataVersion\[\] = "([^"]*)"/.exec(table)[1];
  const zi = path.join(zoneinfo, 'tzdata.zi');
  const system = fs.existsSync(zi) ? (/^# version (\S+)/m.exec(fs.readFileSync(zi, 'utf8')) || [])[1] : undefined;
  return { generatedFrom, system };
}

test('the time zone tables in the core are the ones the map and the system tzdata give', (t) => {
  if (!fs.existsSync(zoneinfo)) return t.skip(`no ${zoneinfo}`);
  const { generatedFrom, system } = versions();
  if (system !== generatedFrom) return t.skip(`tables from tzdata ${generatedFrom}, system has ${system || 'unknown'}`);
  const script = path.join(root, 'scripts', 'gen-time-zones.js');
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
