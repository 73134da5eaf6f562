#!/usr/bin/env node
// Generates core/src/time_zone_tables.inc (SPEC 14) from
//   - data/libphonenumber-timezones/map_data.txt (libphonenumber's prefix-to-time-zone map, Apache-2.0)
//   - the system's tzdata: the zone names of /usr/share/zoneinfo/tzdata.zi (zones and links) and
//     zone.tab / zone1970.tab, and the POSIX TZ footer of each zone's TZif file.
// Run after updating either: node scripts/gen-time-zones.js [--zoneinfo DIR]
// With --check it exits 1 when the committed table differs from what the inputs give.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const mapFile = path.join(root, 'data', 'libphonenumber-timezones', 'map_data.txt');
const target = path.join(root, 'core', 'src', 'time_zone_tables.inc');
const argAfter = (flag) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const zoneinfo = argAfter('--zoneinfo') || '/usr/share/zoneinfo';

function fail(message) {
  console.error(`gen-time-zones: ${message}`);
  process.exit(2);
}

// ---- the prefix map ----
function readMap() {
  const entries = [];
  const seen = new Set();
  fs.readFileSync(mapFile, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const m = /^([0-9]{1,9})\|([A-Za-z0-9_+\-/]+(?:&[A-Za-z0-9_+\-/]+)*)$/.exec(line);
      if (!m) fail(`${mapFile}:${i + 1}: not "prefix|Zone&Zone...": ${line}`);
      if (seen.has(m[1])) fail(`${mapFile}:${i + 1}: prefix ${m[1]} given twice`);
      seen.add(m[1]);
      entries.push({ prefix: m[1], zones: m[2].split('&') });
    });
  return entries;
}

// ---- tzdata ----
function tzdataNames() {
  const names = new Set();
  let version = 'unknown';
  const zi = path.join(zoneinfo, 'tzdata.zi');
  if (fs.existsSync(zi)) {
    for (const line of fs.readFileSync(zi, 'utf8').split('\n')) {
      const v = /^# version (\S+)/.exec(line);
      if (v) version = v[1];
      const f = line.split(/\s+/);
      if (f[0] === 'Z') names.add(f[1]);
      else if (f[0] === 'L') names.add(f[2]); // the link's own name (its target is a Z line)
    }
  }
  for (const tab of ['zone1970.tab', 'zone.tab']) {
    const file = path.join(zoneinfo, tab);
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      names.add(line.split('\t')[2]);
    }
  }
  return { names, version };
}

// A TZif (version 2+) file: its transitions (instant and the UT offset from then on) and the POSIX TZ
// string of its footer, which governs after the last transition.
function readTzif(name) {
  const file = path.join(zoneinfo, name);
  if (!fs.existsSync(file)) fail(`no TZif file for ${name} (${file})`);
  const b = fs.readFileSync(file);
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'TZif') fail(`${file} is not a TZif file`);
  if (b[4] < 0x32) fail(`${file} is TZif version 1 (no footer)`);
  const counts = (at) => [0, 1, 2, 3, 4, 5].map((k) => b.readUInt32BE(at + 20 + 4 * k));
  const blockSize = (at, timeSize) => {
    const [isut, isstd, leap, time, type, chars] = counts(at);
    return 44 + time * timeSize + time + type * 6 + chars + leap * (timeSize + 4) + isstd + isut;
  };
  const v2 = blockSize(0, 4);
  if (b.toString('latin1', v2, v2 + 4) !== 'TZif') fail(`${file}: no version 2 header`);
  const [, , leap, time] = counts(v2);
  if (leap !== 0) fail(`${file}: has leap seconds (a right/ file?)`);
  const times = v2 + 44;
  const types = times + 8 * time;
  const infos = types + time;
  const transitions = [];
  for (let k = 0; k < time; k++) {
    const at = Number(b.readBigInt64BE(times + 8 * k));
    transitions.push({ at, offset: b.readInt32BE(infos + 6 * b[types + k]) });
  }
  const at = v2 + blockSize(v2, 8);
  const end = b.indexOf(0x0a, at + 1);
  if (b[at] !== 0x0a || end < 0) fail(`${file}: no footer`);
  return { footer: b.toString('latin1', at + 1, end), transitions };
}

// POSIX TZ (as tzfile(5) extends it: hours up to 167 and signed in rule times).
function parsePosix(tz, name) {
  let i = 0;
  const bad = (what) => fail(`${name}: cannot read the TZ string "${tz}" (${what} at ${i})`);
  const abbr = () => {
    if (tz[i] === '<') {
      const e = tz.indexOf('>', i);
      if (e < 0) bad('abbreviation');
      i = e + 1;
    } else {
      const m = /^[A-Za-z]{3,}/.exec(tz.slice(i));
      if (!m) bad('abbreviation');
      i += m[0].length;
    }
  };
  const hms = (maxHours) => {
    const m = /^([+-]?)([0-9]{1,3})(?::([0-9]{2}))?(?::([0-9]{2}))?/.exec(tz.slice(i));
    if (!m || Number(m[2]) > maxHours) bad('time');
    i += m[0].length;
    const s = Number(m[2]) * 3600 + Number(m[3] || 0) * 60 + Number(m[4] || 0);
    return m[1] === '-' ? -s : s;
  };
  const rule = () => {
    let r;
    let m;
    if ((m = /^M([0-9]{1,2})\.([1-5])\.([0-6])/.exec(tz.slice(i)))) {
      r = { kind: 'kMonthWeekDay', a: Number(m[1]), b: Number(m[2]), c: Number(m[3]) };
      if (r.a < 1 || r.a > 12) bad('month');
    } else if ((m = /^J([0-9]{1,3})/.exec(tz.slice(i)))) {
      r = { kind: 'kJulian', a: Number(m[1]), b: 0, c: 0 }; // 1..365, February 29 never counted
      if (r.a < 1 || r.a > 365) bad('day');
    } else if ((m = /^([0-9]{1,3})/.exec(tz.slice(i)))) {
      r = { kind: 'kZeroBased', a: Number(m[1]), b: 0, c: 0 }; // 0..365, February 29 counted
      if (r.a > 365) bad('day');
    } else bad('rule');
    i += m[0].length;
    r.time = 7200;
    if (tz[i] === '/') {
      i++;
      r.time = hms(167);
    }
    return r;
  };
  abbr();
  const std = -hms(24); // POSIX offsets are west of UTC
  if (i === tz.length) return { std, dst: std, rules: null };
  abbr();
  let dst = std + 3600;
  if (tz[i] !== ',' && i < tz.length) dst = -hms(24);
  if (tz[i] !== ',') bad('rules (a zone with daylight saving needs them)');
  i++;
  const start = rule();
  if (tz[i] !== ',') bad('end rule');
  i++;
  const end = rule();
  if (i !== tz.length) bad('trailing text');
  return { std, dst, rules: [start, end] };
}

// ---- the footer's rule, evaluated (only to find the zones whose TZif transitions after kCutoff are not
// what their footer says, such as Morocco's, whose Ramadan changes are listed one by one to 2087) ----
const kCutoff = Date.UTC(2025, 0, 1) / 1000; // transitions before this are not kept
const dayOf = (y, m, d) => Date.UTC(y, m - 1, d) / 86400000;
const isLeap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
function transitionDay(r, y) {
  const jan1 = dayOf(y, 1, 1);
  if (r.kind === 'kJulian') return jan1 + r.a - 1 + (isLeap(y) && r.a >= 60 ? 1 : 0);
  if (r.kind === 'kZeroBased') return jan1 + r.a;
  const first = dayOf(y, r.a, 1);
  const weekday = (((first + 4) % 7) + 7) % 7; // 0 = Sunday
  let day = first + ((r.c - weekday + 7) % 7) + 7 * (r.b - 1);
  while (day >= dayOf(y, r.a + 1, 1)) day -= 7;
  return day;
}
// The offset changes the footer makes in [from, to], and the offset in effect at `from`.
function footerChanges(p, from, to) {
  if (!p.rules) return { initial: p.std, changes: [] };
  const y0 = new Date(from * 1000).getUTCFullYear() - 1;
  const y1 = new Date(to * 1000).getUTCFullYear() + 1;
  const events = [];
  for (let y = y0; y <= y1; y++) {
    events.push({ at: transitionDay(p.rules[0], y) * 86400 + p.rules[0].time - p.std, offset: p.dst });
    events.push({ at: transitionDay(p.rules[1], y) * 86400 + p.rules[1].time - p.dst, offset: p.std });
  }
  events.sort((a, b) => a.at - b.at || (a.offset === p.std ? -1 : 1));
  let offset = events[events.length - 1].offset;
  for (const e of events) if (e.at <= from) offset = e.offset;
  const initial = offset;
  const changes = [];
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    if (e.at <= from || e.at > to) continue;
    while (k + 1 < events.length && events[k + 1].at === e.at) k++;
    if (events[k].offset !== offset) changes.push({ at: e.at, offset: (offset = events[k].offset) });
  }
  return { initial, changes };
}
// The TZif's own changes after kCutoff, when they differ from the footer's; else null.
function overrides(tzif, p) {
  const t = tzif.transitions;
  if (t.length === 0 || t[t.length - 1].at <= kCutoff) return null;
  let offset = t[0].offset; // (the type before the first transition is ignored: all of these start long ago)
  const changes = [];
  for (const e of t) {
    if (e.at <= kCutoff) offset = e.offset;
    else if (e.offset !== (changes.length ? changes[changes.length - 1].offset : offset)) changes.push(e);
  }
  const f = footerChanges(p, kCutoff, t[t.length - 1].at);
  const same = f.initial === offset && f.changes.length === changes.length &&
    f.changes.every((c, k) => c.at === changes[k].at && c.offset === changes[k].offset);
  return same ? null : { initial: offset, changes };
}

function render() {
  const map = readMap();
  const { names, version } = tzdataNames();
  for (const e of map) for (const z of e.zones) names.add(z);
  const zones = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (zones.length > 65535) fail('too many zones for a uint16 ZoneId');
  const zoneId = new Map(zones.map((z, i) => [z, i]));

  // Zone rules, deduplicated by what they say (abbreviations aside); the comment is the first TZ
  // string that gave each.
  const ruleText = (r) => `{${r.kind}, ${r.a}, ${r.b}, ${r.c}, ${r.time}}`;
  const none = { kind: 'kMonthWeekDay', a: 0, b: 0, c: 0, time: 0 };
  const rules = [];
  const ruleOf = new Map();
  const overrideSets = [];
  const overrideOf = new Map();
  const overrideZones = []; // [zone id, set], by zone id
  const zoneRule = zones.map((z) => {
    const tzif = readTzif(z);
    const tz = tzif.footer;
    const p = parsePosix(tz, z);
    const o = overrides(tzif, p);
    if (o) {
      const key = JSON.stringify(o);
      if (!overrideOf.has(key)) {
        overrideOf.set(key, overrideSets.length);
        overrideSets.push(o);
      }
      overrideZones.push([zoneId.get(z), overrideOf.get(key)]);
    }
    const [s, e] = p.rules || [none, none];
    const text = `{${p.std}, ${p.dst}, ${p.rules ? 'true' : 'false'}, ${ruleText(s)}, ${ruleText(e)}}`;
    if (!ruleOf.has(text)) {
      ruleOf.set(text, rules.length);
      rules.push({ tz, text });
    }
    return ruleOf.get(text);
  });
  if (!process.argv.includes('--check')) {
    for (const [z, k] of overrideZones) {
      console.log(`note: ${zones[z]}: ${overrideSets[k].changes.length} listed offset changes (its footer does not give them)`);
    }
  }
  if (rules.length > 255) fail('more than 255 distinct rules: widen kZoneRule');
  const ruleLines = rules.map((r) => `    ${r.text},  // ${r.tz}`);

  // Zone lists of the map, deduplicated, in one array; list k is kListZones[kListStart[k]..kListStart[k+1]).
  const lists = [];
  const listOf = new Map();
  const listIds = map.map((e) => {
    const key = e.zones.join('&');
    if (!listOf.has(key)) {
      listOf.set(key, lists.length);
      lists.push(e.zones.map((z) => zoneId.get(z)));
    }
    return listOf.get(key);
  });
  const listStart = [0];
  for (const l of lists) listStart.push(listStart[listStart.length - 1] + l.length);
  if (listStart[listStart.length - 1] > 65535 || lists.length > 65535) fail('zone lists too long for uint16');

  // Prefixes grouped by length (1..9 digits), each group sorted by value.
  const order = map.map((e, k) => k);
  order.sort((x, y) => map[x].prefix.length - map[y].prefix.length || Number(map[x].prefix) - Number(map[y].prefix));
  const maxLength = Math.max(...map.map((e) => e.prefix.length));
  const lengthStart = [];
  for (let len = 0, k = 0; len <= maxLength + 1; len++) {
    while (k < order.length && map[order[k]].prefix.length < len) k++;
    lengthStart.push(k);
  }

  const wrap = (items, width = 100) => {
    const out = [];
    let line = '   ';
    for (const it of items) {
      if (line.length + it.length + 2 > width) {
        out.push(line);
        line = '   ';
      }
      line += ` ${it},`;
    }
    if (line.trim()) out.push(line);
    return out.join('\n');
  };
  return [
    '// Generated by scripts/gen-time-zones.js. Do not edit: regenerate.',
    '// Prefix map: data/libphonenumber-timezones/map_data.txt, from google/libphonenumber',
    '// (Copyright (C) 2012 The Libphonenumber Authors, Apache License 2.0: data/libphonenumber-timezones/LICENSE).',
    `// Zone rules: the POSIX TZ footers of tzdata ${version} (public domain), zones and links of tzdata.zi,`,
    '// zone.tab and zone1970.tab and every zone the map names.',
    '',
    `inline constexpr std::size_t kZoneCount = ${zones.length};`,
    `inline constexpr std::size_t kMaxPrefixLength = ${maxLength};`,
    `inline constexpr char kTzdataVersion[] = "${version}";`,
    '',
    '// Distinct rules: {std offset, dst offset (seconds east of UTC), has dst, dst start, dst end}; a',
    '// transition is {kind, month or day, week, weekday, local time of day in seconds (in the offset in',
    '// effect before it)}.',
    'inline constexpr ZoneRule kRules[] = {',
    ...ruleLines,
    '};',
    '',
    `// Zones whose TZif lists offset changes after ${new Date(kCutoff * 1000).toISOString().slice(0, 10)} that its footer does not give (the`,
    '// footer governs only after the last of them): {zone, set}; set k starts at kOverrideInitial[k] (its',
    '// offset from then on) and changes at kOverrides[kOverrideStart[k] .. kOverrideStart[k + 1]).',
    `inline constexpr std::int64_t kOverrideCutoff = ${kCutoff};`,
    '// Each array ends with a sentinel (so that none is empty).',
    'inline constexpr ZoneOverride kOverrideZones[] = {',
    wrap([...overrideZones.map(([z, k]) => `{${z}, ${k}}`), '{65535, 0}']),
    '};',
    'inline constexpr std::int32_t kOverrideInitial[] = {',
    wrap([...overrideSets.map((o) => String(o.initial)), '0']),
    '};',
    'inline constexpr OffsetChange kOverrides[] = {',
    wrap([...overrideSets.flatMap((o) => o.changes.map((c) => `{${c.at}, ${c.offset}}`)), '{0, 0}']),
    '};',
    'inline constexpr std::uint16_t kOverrideStart[] = {',
    wrap(overrideSets.reduce((acc, o) => [...acc, acc[acc.length - 1] + o.changes.length], [0]).map(String)),
    '};',
    '',
    '// Zone names, sorted (ZoneId = index), and the index of each one\'s rule in kRules.',
    'inline constexpr std::string_view kZoneNames[] = {',
    wrap(zones.map((z) => `"${z}"`)),
    '};',
    'inline constexpr std::uint8_t kZoneRule[] = {',
    wrap(zoneRule.map(String)),
    '};',
    '',
    '// The map\'s distinct zone lists, end to end; list k is kListZones[kListStart[k] .. kListStart[k + 1]).',
    'inline constexpr ZoneId kListZones[] = {',
    wrap(lists.flat().map(String)),
    '};',
    'inline constexpr std::uint16_t kListStart[] = {',
    wrap(listStart.map(String)),
    '};',
    '',
    '// Prefixes by length, then value: those of n digits are kPrefixes[kLengthStart[n] .. kLengthStart[n + 1]),',
    '// and kPrefixList[i] is the zone list of kPrefixes[i].',
    'inline constexpr std::uint16_t kLengthStart[] = {',
    wrap(lengthStart.map(String)),
    '};',
    'inline constexpr std::uint32_t kPrefixes[] = {',
    wrap(order.map((k) => map[k].prefix)),
    '};',
    'inline constexpr std::uint16_t kPrefixList[] = {',
    wrap(order.map((k) => String(listIds[k]))),
    '};',
    '',
  ].join('\n');
}

const text = render();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error(`${target} is out of date with the map or the system's tzdata; run node scripts/gen-time-zones.js`);
    process.exit(1);
  }
  console.log('time zone tables up to date');
} else {
  fs.writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} bytes)`);
}
