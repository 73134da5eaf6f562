'use strict';
// `fuse-outbound preview`, run as a user would (a child process), with each build.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildNames } = require('./helpers/builds');

const CLI = path.join(__dirname, '..', '..', 'js', 'cli.js');
const START = 1796115600; // 2026-12-01T09:00:00Z

function cli(args, { build = 'native', tz = 'UTC' } = {}) {
  const r = spawnSync(process.execPath, [CLI, 'preview', ...args, ...(build === 'wasm' ? ['--wasm'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, TZ: tz },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-preview-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function csvFile(name, rows) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, ['destination,name', ...rows].join('\n') + '\n');
  return file;
}

for (const build of buildNames) {
  describe(`cli preview (${build} build)`, () => {
    const fuse = build === 'wasm' ? null : require('../../js/index.js');
    let api = fuse;
    before(async () => {
      if (!api) api = await require('../../js/wasm.js').init();
    });

    test('fits: exit 0, a summary and a chart within 80 columns', () => {
      const r = cli(['--calls', '4000', '--capacity', '30', '--start', '2026-12-01T09:00Z', '--end', '2026-12-01T13:00Z', '--max-attempts', '3', '--reattempt-wait', '300'], { build });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Preview: 4,000 calls on 30 lines, up to 3 attempts 5 min apart\./);
      assert.match(r.stdout, /Window: {2}2026-12-01 09:00 to 2026-12-01 13:00 \(4 h\)/);
      assert.match(r.stdout, /FITS/);
      assert.match(r.stdout, /Would still fit with:\n {2}\d+ lines with this window/);
      const rows = r.stdout.split('\n');
      for (const line of rows) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
      const chart = rows.filter((line) => /^\d\d:\d\d /.test(line));
      assert.ok(chart.length >= 10 && chart.length <= 25, `${chart.length} rows`);
      assert.match(chart[0], /^09:00 +30 #+ +3,970 =+$/);
      assert.match(chart.at(-1), /^\d\d:\d\d +0 +0$/, 'drained: no line in use, nothing queued');
    });

    test('does not fit: exit 1, canceled calls and what would fit', () => {
      const r = cli(['--calls', '40000', '--capacity', '30', '--start', '2026-12-01T09:00Z', '--end', '2026-12-01T17:00Z', '--ring-time', '15', '--ring-spread', '0', '--talk-time', '45', '--talk-spread', '0', '--connect-rate', '1', '--busy-rate', '0', '--noanswer-rate', '0', '--infotone-rate', '0'], { build });
      assert.equal(r.code, 1, r.stderr);
      // 60 s a call, 480 waves of 30 before the end: 14,400 dialed.
      assert.match(r.stdout, /DOES NOT FIT: 25,600 of 40,000 calls would be canceled/);
      assert.match(r.stdout, /completed 14,400 {3}failed 0 {3}canceled 25,600 {3}attempts 14,400/);
      assert.match(r.stdout, /84 lines with this window/); // ceil(40000 / 480)
      // The 1334th wave dials at +79,980 s: the end must come after it (07:13 would cancel its calls).
      assert.match(r.stdout, /an end at 2026-12-02 07:13:01 \(a 22 h 13 min window\) with 30 lines/);
      assert.match(r.stdout, /<end$/m);
    });

    test('--json prints the previewWindow result for the same options', () => {
      const args = ['--calls', '3000', '--capacity', '12', '--start', String(START), '--end', String(START + 3 * 3600), '--max-attempts', '2', '--reattempt-wait', '600', '--busy-rate', '0.3', '--seed', '9', '--timeline-step', '300', '--json'];
      const r = cli(args, { build });
      assert.equal(r.code, JSON.parse(r.stdout).fits ? 0 : 1, r.stderr);
      const expected = api.previewWindow({
        calls: 3000,
        capacity: 12,
        start: START,
        end: START + 3 * 3600,
        maxAttempts: 2,
        reattemptWait: 600,
        rates: { connected: 0.7, busy: 0.3, noanswer: 0, informationtone: 0 }, // rates not given are 0; connected takes the rest
        seed: 9,
        timelineStep: 300,
      });
      assert.deepEqual(JSON.parse(r.stdout), expected);
    });

    test('--rejected-rate: other carrier refusals (SPEC 13) in the model', () => {
      const args = ['--calls', '2000', '--capacity', '20', '--start', String(START), '--busy-rate', '0.3', '--rejected-rate', '0.1', '--seed', '4', '--json'];
      const r = cli(args, { build });
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout);
      assert.deepEqual(got, api.previewWindow({ calls: 2000, capacity: 20, start: START, rates: { connected: 1 - 0.3 - 0.1, busy: 0.3, rejected: 0.1 }, seed: 4 }));
      assert.ok(got.outcomes.rejected > 100, JSON.stringify(got.outcomes));
    });

    test('date-times: local without a zone, or with Z / an offset', () => {
      const at = (when, tz) => JSON.parse(cli(['--calls', '1', '--capacity', '1', '--start', when, '--json'], { build, tz }).stdout).start;
      assert.equal(at('2026-12-01T09:00Z', 'UTC'), START);
      assert.equal(at('2026-12-01T10:00+01:00', 'UTC'), START);
      assert.equal(at('2026-12-01T09:00', 'America/New_York'), START + 5 * 3600);
      assert.equal(at('2026-12-01 09:00:30', 'UTC'), START + 30);
      assert.equal(at('2026-12-01', 'UTC'), START - 9 * 3600);
      assert.equal(at(String(START), 'Asia/Tokyo'), START);
    });

    test('a CSV file: validated as bulk_queue would, its queued rows previewed', () => {
      const rows = Array.from({ length: 250 }, (_, i) => `617${2000000 + i},n${i}`);
      const file = csvFile(`calls-${build}.csv`, rows);
      const now = Math.floor(Date.now() / 1000);
      const r = cli(['--capacity', '5', '--start', String(now), '--end', String(now + 7200), '--json', file], { build });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.calls, 250);
      assert.equal(out.completed + out.failed + out.canceled, 250);

      const bad = csvFile(`bad-${build}.csv`, ['6172000000,a', 'nope,b']);
      const b = cli(['--capacity', '5', bad], { build });
      assert.equal(b.code, 1);
      assert.match(b.stderr, /1 error\(s\) in 2 rows; the upload would queue nothing/);
      assert.match(b.stderr, /invalid_phone_number/);
    });

    test('usage errors exit 2', () => {
      const cases = [
        [['--calls', '10'], /give --capacity/],
        [['--capacity', '10'], /give --calls N or a CSV file/],
        [['--calls', '10', '--capacity', '1', '--start', '2026-13-01'], /--start must be Unix seconds or a date-time/],
        [['--calls', '10', '--capacity', '1', '--start', 'tomorrow'], /--start must be Unix seconds or a date-time/],
        [['--calls', '10', '--capacity', '1', 'a.csv'], /--calls or a CSV file, not both/],
        [['--capacity', '1', path.join(dir, 'none.csv')], /cannot read .*none\.csv: no such file/],
        [['--calls', '10', '--capacity', '0'], /capacity 0 is out of range/],
        [['--calls', '10', '--capacity', '1', '--max-attempts', '3'], /maxAttempts is set but reattemptWait is not/],
        [['--calls', '10', '--capacity', '1', '--bogus'], /unknown option --bogus/],
        [['--calls', '10', '--capacity', '1', '--talk-spread', '5'], /--talk-spread needs --talk-time/],
      ];
      for (const [args, message] of cases) {
        const r = cli(args, { build });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, message);
      }
    });
  });
}

test('preview --help', () => {
  const r = spawnSync(process.execPath, [CLI, 'preview', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: fuse-outbound preview/);
  for (const line of r.stdout.split('\n')) assert.ok(line.length <= 100, line);
  const h = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  assert.match(h.stdout, /preview +will the calls fit/);
});
