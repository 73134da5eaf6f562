'use strict';
// Command-line times: Unix seconds, or an ISO 8601 date-time (2026-12-01T09:00, local time unless
// it has a zone). Anything else is passed on unchanged so the core reports it (invalid_timestamp).
function toUnixSeconds(text) {
  if (text === undefined) return undefined;
  const s = String(text).trim();
  if (/^\d+$/.test(s)) return s;
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s)) {
    // A date alone means local midnight (Date.parse would read it as UTC).
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00` : s.replace(' ', 'T'));
    if (Number.isFinite(ms)) return String(Math.floor(ms / 1000));
  }
  return s;
}

/** "2026-12-01 09:00:00" in local time, for reports. */
function formatLocal(unixSeconds) {
  const d = new Date(unixSeconds * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

module.exports = { toUnixSeconds, formatLocal };
