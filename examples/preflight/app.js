// The preflight page: a person picks or drops a CSV; a Web Worker validates it with the wasm build
// while the progress bar moves; then a summary and a table of problems appear.
const $ = (id) => document.getElementById(id);
const MAX_SHOWN = 1000; // problems listed in the table; the counts stay exact

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let currentFile = null;
let runId = 0;

function unixSeconds(datetimeLocal) {
  return datetimeLocal ? String(Math.floor(new Date(datetimeLocal).getTime() / 1000)) : undefined;
}

// The upload's shared parameters, as the bulk_queue form would post them (empty fields omitted).
function uploadParams() {
  const params = {
    start_timestamp: unixSeconds($('start').value),
    end_timestamp: unixSeconds($('end').value),
    max_attempts: $('max-attempts').value || undefined,
    reattempt_wait: $('reattempt-wait').value || undefined,
    result_url: $('result-url').value || undefined,
  };
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

function validate() {
  if (!currentFile) return;
  const id = ++runId;
  $('progress-section').hidden = false;
  $('progress').value = 0;
  $('progress-text').textContent = `Checking ${currentFile.name}…`;
  worker.postMessage({
    type: 'validate',
    id,
    file: currentFile,
    params: uploadParams(),
    options: {
      now: Math.floor(Date.now() / 1000),
      strict: $('strict').checked,
      partial: $('partial').checked,
      maxProblems: MAX_SHOWN,
      sizeHint: currentFile.size,
    },
  });
}

const fmt = (n) => n.toLocaleString('en-US');

function render(result, ms, bytes) {
  const summary = $('summary');
  summary.hidden = false;
  summary.className = result.ok ? 'ok' : 'bad';
  $('verdict').textContent = result.ok
    ? result.queued === result.rows
      ? `Ready: all ${fmt(result.rows)} rows can be queued.`
      : `Ready: ${fmt(result.queued)} of ${fmt(result.rows)} rows can be queued (partial upload).`
    : 'Not ready: fix the errors below, nothing would be queued.';
  $('count-rows').textContent = fmt(result.rows);
  $('count-valid').textContent = fmt(result.valid);
  $('count-invalid').textContent = fmt(result.invalid);
  $('count-queued').textContent = fmt(result.queued);
  $('count-errors').textContent = fmt(result.errorCount);
  $('count-warnings').textContent = fmt(result.warningCount);
  $('elapsed').textContent = `${fmt(bytes)} bytes checked in ${ms.toFixed(0)} ms.`;

  const problems = [
    ...result.errors.map((p) => ({ ...p, severity: 'error' })),
    ...result.warnings.map((p) => ({ ...p, severity: 'warning' })),
  ].sort((a, b) => (a.row || 0) - (b.row || 0) || (a.severity === 'error' ? -1 : 1));
  $('problems').hidden = problems.length === 0;
  $('problems-note').textContent = result.truncated
    ? `Showing the first ${fmt(problems.length)} problems; the counts above include them all.`
    : '';
  const body = $('problems-table').querySelector('tbody');
  body.replaceChildren(
    ...problems.map((p) => {
      const tr = document.createElement('tr');
      tr.className = p.severity;
      // The row and line have their own columns; the message need not repeat them.
      const message = p.row ? p.message.replace(/^Row \d+ \(line \d+\): /, '') : p.message;
      for (const [text, cls] of [[p.row ?? '', 'num'], [p.line ?? '', 'num'], [p.field, ''], [p.severity, 'sev'], [p.code, 'code'], [message, 'msg']]) {
        const td = document.createElement('td');
        td.textContent = String(text);
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }),
  );
}

worker.onmessage = ({ data }) => {
  if (data.id !== runId) return; // a newer run replaced this one
  if (data.type === 'progress') {
    $('progress').value = data.total ? data.bytes / data.total : 0;
    $('progress-text').textContent = `${fmt(data.rows)} rows checked (${Math.round((100 * data.bytes) / (data.total || 1))}%)`;
  } else if (data.type === 'result') {
    $('progress').value = 1;
    $('progress-text').textContent = `Done: ${fmt(data.result.rows)} rows.`;
    render(data.result, data.ms, data.bytes);
  } else if (data.type === 'error') {
    $('progress-text').textContent = `Could not check the file: ${data.message}`;
  }
};

function useFile(file) {
  currentFile = file;
  $('file-name').textContent = file ? `${file.name} (${fmt(file.size)} bytes)` : '';
  validate();
}

$('file').addEventListener('change', (e) => useFile(e.target.files[0] || null));
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files[0]) useFile(e.dataTransfer.files[0]);
});
$('upload').addEventListener('change', (e) => {
  if (e.target.id !== 'file') validate();
});
