'use strict';
// The API's XML form (SPEC 8): `<?xml version="1.0"?>\n<result>...</result>`, an element per key,
// arrays as <item> elements, the reference platform's shape.

function escapeText(s) {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);
}

// Element names: keys that are not XML names (possible only in metadata values' keys, which the
// validators restrict to [A-Za-z_][A-Za-z0-9_]*) are written as <item key="...">.
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function writeValue(value, out) {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) {
      out.push('<item>');
      writeValue(v, out);
      out.push('</item>');
    }
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const [open, close] = NAME.test(k) ? [`<${k}>`, `</${k}>`] : [`<item key="${escapeText(k)}">`, '</item>'];
      out.push(open);
      writeValue(v, out);
      out.push(close);
    }
  } else {
    out.push(escapeText(String(value)));
  }
}

function toXml(value) {
  const out = ['<?xml version="1.0"?>\n<result>'];
  writeValue(value, out);
  out.push('</result>');
  return out.join('');
}

/** True when the Accept header prefers XML to JSON (q-values honoured; JSON wins ties). */
function prefersXml(accept) {
  if (!accept || accept.indexOf('xml') === -1) return false;
  let xml = -1;
  let json = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q') q = Number(v);
    }
    if (!Number.isFinite(q)) continue;
    if (type === 'application/xml' || type === 'text/xml') xml = Math.max(xml, q);
    else if (type === 'application/json' || type === 'application/*' || type === '*/*') json = Math.max(json, q);
  }
  return xml > 0 && xml > json;
}

module.exports = { toXml, prefersXml };
