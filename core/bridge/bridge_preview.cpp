// Bridge function for the window preview (fuse/bridge_preview.hpp).
#include "fuse/bridge_preview.hpp"

#include "fuse/preview.hpp"
#include "json_writer.hpp"

namespace fuse::bridge {
namespace {

void field_optional(json::ObjectWriter& w, std::string_view key, const std::optional<std::int64_t>& v) {
  if (v) w.field_int(key, *v);
  else w.field_null(key);
}

void write_counts(json::ObjectWriter& w, const PreviewOutcome& o) {
  w.field_int("completed", static_cast<std::int64_t>(o.completed));
  w.field_int("failed", static_cast<std::int64_t>(o.failed));
  w.field_int("canceled", static_cast<std::int64_t>(o.canceled));
  w.field_int("suppressed", static_cast<std::int64_t>(o.suppressed));  // of canceled (SPEC 14)
  w.field_int("attempts", static_cast<std::int64_t>(o.attempts));
  json::ObjectWriter outcomes(w.key("outcomes"));
  outcomes.field_int("connected", static_cast<std::int64_t>(o.connected));
  outcomes.field_int("busy", static_cast<std::int64_t>(o.busy));
  outcomes.field_int("noanswer", static_cast<std::int64_t>(o.noanswer));
  outcomes.field_int("informationtone", static_cast<std::int64_t>(o.informationtone));
  outcomes.field_int("rejected", static_cast<std::int64_t>(o.rejected));
  outcomes.close();
  field_optional(w, "drainTimestamp", o.drain_timestamp);
}

}  // namespace

std::string preview_window(std::string_view options_json) {
  PreviewOptions options;
  PreviewResult result;
  Problems problems;
  std::string out;
  if (!read_preview_options(options_json, options, problems) || !preview_window(options, result, problems)) {
    json::ObjectWriter w(out);
    w.field_bool("ok", false);
    json::write_problems(w.key("errors"), problems, Severity::error);
    w.close();
    return out;
  }
  out.reserve(1024 + result.timeline.size() * 96 + result.competing.size() * 256);
  json::ObjectWriter w(out);
  w.field_bool("ok", true);
  w.field_int("calls", static_cast<std::int64_t>(options.calls));
  w.field_int("capacity", options.capacity);
  w.field_int("start", options.start);
  field_optional(w, "end", options.end);
  // Suppressed numbers are canceled whatever the window: fitting is about the others.
  w.field_bool("fits", result.preview.canceled == result.preview.suppressed);
  write_counts(w, result.preview);
  {
    json::ObjectWriter n(w.key("needed"));
    if (result.needed.capacity) n.field_int("capacity", *result.needed.capacity);
    else n.field_null("capacity");
    field_optional(n, "endTimestamp", result.needed.end_timestamp);
    field_optional(n, "windowSeconds", result.needed.window_seconds);
    n.close();
  }
  std::string& competing = w.key("competing");
  competing += '[';
  for (std::size_t i = 0; i < result.competing.size(); ++i) {
    if (i) competing += ',';
    const CompetingDeployment& c = options.competing[i];
    json::ObjectWriter d(competing);
    d.field_int("calls", static_cast<std::int64_t>(c.calls));
    d.field_int("start", c.start.value_or(options.start));
    field_optional(d, "end", c.end);
    write_counts(d, result.competing[i]);
    d.close();
  }
  competing += ']';
  w.field_int("timelineStep", result.timeline_step);
  std::string& timeline = w.key("timeline");
  timeline += '[';
  for (std::size_t i = 0; i < result.timeline.size(); ++i) {
    const PreviewPoint& p = result.timeline[i];
    if (i) timeline += ',';
    json::ObjectWriter t(timeline);
    t.field_int("timestamp", p.timestamp);
    t.field_int("linesInUse", static_cast<std::int64_t>(p.lines_in_use));
    t.field_int("queued", static_cast<std::int64_t>(p.queued));
    t.field_int("completed", static_cast<std::int64_t>(p.completed));
    t.field_int("failed", static_cast<std::int64_t>(p.failed));
    t.field_int("canceled", static_cast<std::int64_t>(p.canceled));
    t.close();
  }
  timeline += ']';
  w.field_int("simulations", result.simulations);
  w.close();
  return out;
}

}  // namespace fuse::bridge
