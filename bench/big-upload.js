'use strict';
// Writes a large upload to disk (streaming, without holding it in memory) for the CLI memory check.
const fs = require('fs');
const { makeRandom, nanpNumber, DOC_FORMS } = require('./data');

/** Writes `header` then rowOf(0..rows-1) to `file` in 4 MiB writes; returns the bytes written. */
function writeRows(file, header, rows, rowOf) {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, header);
  let chunk = '';
  let written = header.length;
  for (let i = 0; i < rows; i++) {
    const line = rowOf(i);
    chunk += line;
    written += line.length;
    if (chunk.length > 1 << 22) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return written;
}

/**
 * About `bytes` of CSV in the doc's destination forms with a long quoted notes column, so that the
 * file reaches that size with `rows` rows (a million rows keeps it within the default row limit).
 */
function writeBigUpload(file, { bytes = 1 << 30, rows = 1_000_000, seed = 5 } = {}) {
  const rand = makeRandom(seed);
  const header = 'destination,name,notes\n';
  const perRow = Math.floor((bytes - header.length) / rows);
  const filler = 'Reminder: bring your insurance card, photo ID, and the list of current medications; arrive 15 minutes early. ';
  return writeRows(file, header, rows, (i) => {
    const start = `${DOC_FORMS[i % DOC_FORMS.length](nanpNumber(rand), '8009957586')},Customer ${i},"`;
    const room = perRow - start.length - 2;
    const notes = filler.repeat(Math.ceil(room / filler.length)).slice(0, Math.max(0, room));
    return `${start}${notes}"\n`;
  });
}

module.exports = { writeBigUpload, writeRows };
