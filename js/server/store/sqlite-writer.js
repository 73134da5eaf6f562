'use strict';
// The group commit's writer thread (js/server/store/sqlite.js): a second connection to the same
// database that runs each batch's transaction (synchronous=FULL: it returns once on disk), so that
// the service's thread keeps reading and applying requests during the fsync. One batch at a time:
// the journal sends the next only after this one's answer.
const { parentPort, workerData } = require('worker_threads');
const Database = require('better-sqlite3');
const { configure, prepareWrites, writeBatch, unpack } = require('./sqlite');

const db = new Database(workerData.file);
configure(db);
const q = prepareWrites(db);
const commit = db.transaction((batch) => writeBatch(q, batch));

parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    commit(unpack(m.batch));
    parentPort.postMessage({ id: m.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: err.message, code: err.code });
  }
});
parentPort.postMessage({ ready: true });
