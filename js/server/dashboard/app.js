// The dashboard: live state from server-sent events, a lines chart, each deployment's counts with
// a cancel button, and a bulk upload that runs the package's own preflight (the WebAssembly build)
// in the page before anything is sent to bulk_queue. Requests carry the browser's Basic auth.
import { init } from '/dashboard/fuse-outbound.browser.mjs';

const fusePromise = init();
const $ = (selector) => document.querySelector(selector);
let state = null;

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderDeployments() {
  const body = $('#deployments tbody');
  body.replaceChildren();
  const select = $('#upload select[name=deployment]');
  const chosen = select.value;
  select.replaceChildren();
  for (const d of state.deployments) {
    const name = `${d.app}/${d.deployment}`;
    const tr = document.createElement('tr');
    tr.dataset.deployment = name;
    if (d.deleted) tr.className = 'deleted';
    tr.append(cell(name));
    for (const k of ['queued', 'dialing', 'connected', 'completed', 'failed', 'canceled']) {
      const td = cell(String(d.counts[k]), 'n');
      td.dataset.count = k;
      tr.append(td);
    }
    const actions = document.createElement('td');
    if (!d.deleted) {
      const button = document.createElement('button');
      button.textContent = 'Cancel pending';
      button.disabled = d.counts.queued === 0;
      button.addEventListener('click', () => cancel(d));
      actions.append(button);
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      select.append(option);
    }
    tr.append(actions);
    body.append(tr);
  }
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

function renderLatest() {
  const body = $('#latest tbody');
  body.replaceChildren();
  for (const r of state.latest) {
    const tr = document.createElement('tr');
    tr.append(cell(r.call_id), cell(r.deployment || ''), cell(r.status, `status-${r.status}`), cell(new Date(r.finished_at * 1000).toISOString().replace('T', ' ').slice(0, 19)));
    body.append(tr);
  }
}

// A step chart of lines in use over the last history points, with the capacity as a line.
function renderChart() {
  const canvas = $('#lines-chart');
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 900;
  const height = canvas.clientHeight || 180;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const { history, capacity } = state.lines;
  const pad = { left: 36, right: 8, top: 8, bottom: 20 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const top = Math.max(capacity, 1, ...history.map(([, n]) => n));
  const t1 = state.now;
  const t0 = history.length ? Math.min(history[0][0], t1 - 60) : t1 - 60;
  const x = (t) => pad.left + ((t - t0) / Math.max(t1 - t0, 1)) * w;
  const y = (n) => pad.top + h - (n / top) * h;
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#5b6472';
  g.strokeStyle = '#dde1e6';
  g.beginPath();
  g.moveTo(pad.left, y(0));
  g.lineTo(pad.left + w, y(0));
  g.stroke();
  g.fillText('0', 4, y(0) + 4);
  g.fillText(String(top), 4, y(top) + 8);
  g.fillText(`${Math.round((t1 - t0) / 60)} min`, pad.left, height - 4);
  g.strokeStyle = '#c44';
  g.setLineDash([4, 4]);
  g.beginPath();
  g.moveTo(pad.left, y(capacity));
  g.lineTo(pad.left + w, y(capacity));
  g.stroke();
  g.setLineDash([]);
  g.strokeStyle = '#2463c9';
  g.lineWidth = 2;
  g.beginPath();
  let last = 0;
  g.moveTo(x(t0), y(0));
  for (const [t, n] of history) {
    g.lineTo(x(t), y(last));
    g.lineTo(x(t), y(n));
    last = n;
  }
  g.lineTo(x(t1), y(last));
  g.stroke();
}

function render() {
  $('#lines-now').textContent = `(${state.lines.inUse} of ${state.lines.capacity})`;
  $('#status').textContent = `live · service time ${new Date(state.now * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  renderDeployments();
  renderLatest();
  renderChart();
}

function connect() {
  const events = new EventSource('/api/dashboard/events');
  events.addEventListener('state', (e) => {
    state = JSON.parse(e.data);
    render();
  });
  events.onerror = () => {
    $('#status').textContent = 'disconnected; retrying…';
  };
}

async function cancel(d) {
  if (!window.confirm(`Cancel every pending call of ${d.app}/${d.deployment}?`)) return;
  const res = await fetch(`/api/apps/${encodeURIComponent(d.app)}/${encodeURIComponent(d.deployment)}/cancel`, { method: 'DELETE' });
  $('#upload-result').textContent = res.status === 202 ? `${d.app}/${d.deployment}: pending calls canceled` : `cancel failed: ${(await res.json()).error}`;
}

function problemList(problems, limit = 10) {
  const ul = document.createElement('ul');
  ul.className = 'problems';
  for (const p of problems.slice(0, limit)) {
    const li = document.createElement('li');
    li.textContent = p.message;
    ul.append(li);
  }
  return ul;
}

// The same checks bulk_queue makes, run here on the file before it is sent.
async function preflight(file, params, partial) {
  const fuse = await fusePromise;
  const validator = fuse.createCsvValidator(params, { now: state ? state.now : undefined, partial, maxProblems: 100, sizeHint: file.size });
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    validator.push(value);
  }
  return validator.finish();
}

async function upload(event) {
  event.preventDefault();
  const form = event.target;
  const file = form.csv.files[0];
  const out = $('#preflight');
  const sent = $('#upload-result');
  out.replaceChildren();
  sent.replaceChildren();
  if (!file) return;
  const params = {};
  for (const name of ['max_attempts', 'reattempt_wait', 'result_url']) if (form[name].value !== '') params[name] = form[name].value;
  const partial = form.partial.checked;
  let result;
  try {
    result = await preflight(file, params, partial);
  } catch (err) {
    out.textContent = `preflight failed: ${err.message}`;
    return;
  }
  const summary = document.createElement('p');
  summary.className = result.ok ? 'ok' : 'error';
  summary.textContent = `preflight: ${result.rows} rows, ${result.valid} valid, ${result.invalid} with errors, ${result.warningCount} warnings`;
  out.append(summary);
  if (result.errors.length) out.append(problemList(result.errors));
  if (result.warnings.length) {
    const w = problemList(result.warnings, 5);
    w.className = 'warnings';
    out.append(w);
  }
  if (!result.ok) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = partial ? 'Nothing to queue: fix the file.' : 'Not sent: fix the rows above, or tick "queue the valid rows".';
    out.append(p);
    return;
  }
  const [app, deployment] = form.deployment.value.split('/');
  const body = new FormData();
  for (const [k, v] of Object.entries(params)) body.append(k, v);
  if (partial) body.append('partial', '1');
  body.append('csv', file, file.name);
  const res = await fetch(`/api/apps/${encodeURIComponent(app)}/${encodeURIComponent(deployment)}/bulk_queue`, { method: 'POST', body });
  const answer = await res.json();
  const p = document.createElement('p');
  if (res.status === 200) {
    p.className = 'ok';
    p.textContent = `queued ${answer.queued} calls (ids ${answer.first_call_id} to ${answer.last_call_id})`;
    sent.append(p);
  } else {
    p.className = 'error';
    p.textContent = `bulk_queue answered ${res.status}: ${answer.error}`;
    sent.append(p);
    if (answer.problems) sent.append(problemList(answer.problems));
  }
}

$('#upload').addEventListener('submit', upload);
window.addEventListener('resize', () => state && renderChart());
connect();
