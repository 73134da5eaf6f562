'use strict';
// Preloaded with `node --require bench/peak-rss.js <script>`: prints the process's peak resident
// memory (KiB) to stderr as it exits, so a benchmark can measure a command run as a user runs it.
// VmHWM belongs to this process's own address space; getrusage's maxrss would also count the
// parent's memory at fork time (Linux keeps it across exec), which a big benchmark process inflates.
const fs = require('fs');

process.on('exit', () => {
  let kib;
  try {
    kib = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    kib = process.resourceUsage().maxRSS;
  }
  process.stderr.write(`\npeak-rss-kib ${kib}\n`);
});
