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

// ---- window preview (SPEC 6): runs in the worker after a validation, and again on every change ----

const SVG = 'http://www.w3.org/2000/svg';
let previewId = 0;
let previewTimer = null;
let previewCalls = 0;

const toLocalInput = (unix) => {
  const d = new Date(unix * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};
const fromLocalInput = (value) => (value ? Math.floor(new Date(value).getTime() / 1000) : null);
const when = (unix) => toLocalInput(unix).replace('T', ' ');
const clock = (unix) => toLocalInput(unix).slice(11);

// The window and re-attempt rules come from the upload parameters when the preview first shows.
function initPreview(calls) {
  previewCalls = calls;
  const section = $('preview');
  if (section.hidden) {
    const start = fromLocalInput($('start').value) ?? Math.floor(Date.now() / 60000) * 60;
    const end = fromLocalInput($('end').value) ?? start + 8 * 3600;
    $('pv-start').value = toLocalInput(start);
    $('pv-end').value = toLocalInput(end);
  }
  section.hidden = false;
  schedulePreview(0);
}

function previewOptions() {
  const num = (id) => Number($(id).value);
  const talk = Math.max(1, num('pv-talk'));
  const options = {
    calls: previewCalls,
    capacity: num('pv-capacity'),
    start: fromLocalInput($('pv-start').value),
    end: fromLocalInput($('pv-end').value),
    talkTime: { mean: talk, spread: Math.floor(talk / 2) },
    rates: {
      connected: num('pv-connected') / 100,
      busy: num('pv-busy') / 100,
      noanswer: num('pv-noanswer') / 100,
      informationtone: num('pv-informationtone') / 100,
    },
  };
  const attempts = $('max-attempts').value;
  const wait = $('reattempt-wait').value;
  if (attempts && wait) Object.assign(options, { maxAttempts: Number(attempts), reattemptWait: Number(wait) });
  // SPEC 14: the core judges these (a bad value comes back as the preview's error).
  const hours = $('pv-calling-hours').value.trim();
  const zone = $('pv-timezone').value.trim();
  const rate = $('pv-dial-rate').value.trim();
  if (hours) options.callingHours = hours;
  if (zone) options.timezone = zone;
  if (rate) options.dialRate = Number(rate);
  return options;
}

function schedulePreview(delay = 150) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => {
    worker.postMessage({ type: 'preview', id: ++previewId, options: previewOptions() });
  }, delay);
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Lines in use (area, left scale: the capacity) and calls queued (line, right scale: the calls).
function drawChart(result) {
  const svg = $('pv-chart');
  const W = 900, H = 260, left = 50, right = 60, top = 12, bottom = 28;
  const points = result.timeline;
  const t0 = result.start;
  const t1 = Math.max(points.length ? points[points.length - 1].timestamp : t0 + 60, result.end ?? 0, t0 + 60);
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (W - left - right);
  const yLines = (v) => H - bottom - (v / Math.max(1, result.capacity)) * (H - top - bottom);
  const yQueued = (v) => H - bottom - (v / Math.max(1, result.calls)) * (H - top - bottom);
  const children = [];
  if (points.length) {
    let area = `M${x(points[0].timestamp)},${H - bottom}`;
    let queued = '';
    for (const [i, p] of points.entries()) {
      area += ` L${x(p.timestamp)},${yLines(p.linesInUse)}`;
      queued += `${i ? ' L' : 'M'}${x(p.timestamp)},${yQueued(p.queued)}`;
    }
    area += ` L${x(points[points.length - 1].timestamp)},${H - bottom} Z`;
    children.push(el('path', { class: 'lines', d: area }), el('path', { class: 'queued', d: queued }));
  }
  children.push(el('line', { class: 'axis', x1: left, y1: H - bottom, x2: W - right, y2: H - bottom }));
  children.push(el('line', { class: 'axis', x1: left, y1: top, x2: left, y2: H - bottom }));
  children.push(el('text', { x: left - 6, y: top + 8, 'text-anchor': 'end' }, String(result.capacity)));
  children.push(el('text', { x: left - 6, y: H - bottom, 'text-anchor': 'end' }, '0'));
  children.push(el('text', { x: W - right + 6, y: top + 8 }, result.calls.toLocaleString('en-US')));
  for (let i = 0; i <= 6; i++) {
    const t = t0 + ((t1 - t0) * i) / 6;
    children.push(el('text', { x: x(t), y: H - 8, 'text-anchor': 'middle' }, clock(Math.round(t))));
  }
  if (result.end !== null) {
    children.push(el('line', { class: 'end', x1: x(result.end), y1: top, x2: x(result.end), y2: H - bottom }));
    children.push(el('text', { x: x(result.end) - 4, y: top + 24, 'text-anchor': 'end' }, 'window end'));
  }
  svg.replaceChildren(...children);
}

function renderPreview(result) {
  const error = $('pv-error');
  if (!result.ok) {
    error.hidden = false;
    error.textContent = result.errors.map((e) => e.message).join(' ');
    return;
  }
  error.hidden = true;
  const verdict = $('pv-verdict');
  verdict.className = result.fits ? 'fits' : 'late';
  verdict.textContent = result.fits
    ? `Fits: all ${fmt(result.calls)} calls are dialed before the window ends.`
    : `Does not fit: ${fmt(result.canceled)} of ${fmt(result.calls)} calls would be canceled at the window end.`;
  $('pv-calls').textContent = fmt(result.calls);
  $('pv-completed').textContent = fmt(result.completed);
  $('pv-failed').textContent = fmt(result.failed);
  $('pv-canceled').textContent = fmt(result.canceled);
  $('pv-drain').textContent = result.drainTimestamp === null ? '-' : when(result.drainTimestamp);
  $('pv-needed-capacity').textContent = result.needed.capacity === null ? '-' : fmt(result.needed.capacity);
  $('pv-needed-end').textContent = result.needed.endTimestamp === null ? '-' : when(result.needed.endTimestamp);
  drawChart(result);
}

$('preview-form').addEventListener('input', () => schedulePreview());

worker.onmessage = ({ data }) => {
  if (data.type === 'preview' || data.type === 'preview-error') {
    if (data.id !== previewId) return; // a newer preview replaced this one
    if (data.type === 'preview') renderPreview(data.result);
    else renderPreview({ ok: false, errors: [{ message: data.message }] });
    return;
  }
  if (data.id !== runId) return; // a newer run replaced this one
  if (data.type === 'progress') {
    $('progress').value = data.total ? data.bytes / data.total : 0;
    $('progress-text').textContent = `${fmt(data.rows)} rows checked (${Math.round((100 * data.bytes) / (data.total || 1))}%)`;
  } else if (data.type === 'result') {
    $('progress').value = 1;
    $('progress-text').textContent = `Done: ${fmt(data.result.rows)} rows.`;
    render(data.result, data.ms, data.bytes);
    // Preview what would be queued (or, while the upload has errors, its valid rows).
    const calls = data.result.ok ? data.result.queued : data.result.valid;
    if (calls > 0) initPreview(calls);
    else $('preview').hidden = true;
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
  if (e.target.id === 'file') return;
  // The upload's window is the preview's window too.
  if (e.target.id === 'start' && e.target.value) $('pv-start').value = e.target.value.slice(0, 16);
  if (e.target.id === 'end' && e.target.value) $('pv-end').value = e.target.value.slice(0, 16);
  validate();
});
