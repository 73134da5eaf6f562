'use strict';
// Writes the adversarial sizes of issue 10 as csv_fuzzer inputs into DIR (too big to commit, and
// too big to mutate usefully): scripts/test.sh runs the fuzzer once on each, under ASan/UBSan with
// a timeout, so a quadratic path or a crash on them fails the run. The first 3 bytes are the
// fuzzer's option bytes (csv_fuzzer.cpp): byte 0 = 0 (1 MiB record cap), byte 1 odd = a small
// max_problems (stored problems bounded, counts exact).
// Usage: node fuzz/adversarial.js DIR
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) throw new Error('usage: node fuzz/adversarial.js DIR');
fs.mkdirSync(dir, { recursive: true });

function write(name, optionBytes, header, rows, row) {
  const fd = fs.openSync(path.join(dir, name), 'w');
  fs.writeSync(fd, Buffer.from(optionBytes));
  fs.writeSync(fd, header);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += row(i);
    if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

// A 100,000-column header (the duplicate-column check must stay linear).
const names = Array.from({ length: 100000 }, (_, i) => 'c' + i.toString(36));
write('header-100k-columns.csv', [0, 0x31, 7], `destination,${names.join(',')}\n`, 1, () => `6175551234${','.repeat(names.length)}\n`);
// 1,000,000 problems: 50,000 rows x 20 SSN cells.
write('problems-1m.csv', [0, 0x31, 9], `destination,${Array.from({ length: 20 }, (_, i) => `c${i}`).join(',')}\n`, 50000,
  (i) => `617555${1000 + (i % 9000)}${',123-45-6789'.repeat(20)}\n`);
// 1,000,000 rows of one number (999,999 duplicate warnings).
write('duplicates-1m.csv', [0, 0x31, 11], 'destination\n', 1000000, () => '6175551234\n');
