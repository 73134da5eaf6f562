// Queue parameters (SPEC 3): validate_queue_request and validate_call_options.
#include "fuse/queue_request.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "call_rules.hpp"
#include "json_reader.hpp"
#include "json_writer.hpp"
#include "policy_rules.hpp"
#include "result_url.hpp"
#include "text.hpp"

namespace fuse {
namespace {

enum Param : std::uint8_t {
  p_phone_number,
  p_start_timestamp,
  p_end_timestamp,
  p_max_attempts,
  p_reattempt_wait,
  p_result_url,
  p_metadata,
  p_is_pci,
  p_csv,
  p_calling_hours,  // SPEC 14
  p_timezone,
  p_count
};
constexpr std::array<std::string_view, p_count> kParamNames = {
    "phone_number", "start_timestamp", "end_timestamp", "max_attempts", "reattempt_wait", "result_url",
    "metadata",     "is_pci",          "csv",           "calling_hours", "timezone"};

// Which endpoint the parameters are for: `queue` (one call) or `bulk_queue` (a CSV upload).
enum class Api { queue, bulk };

bool accepts(Api api, Param p) {
  if (api == Api::queue) return p != p_csv;
  return p != p_phone_number && p != p_metadata;
}

using Slots = std::array<const json::Node*, p_count>;

struct Report {
  Problems& problems;
  void error(Code code, std::string_view field, std::string message) {
    problems.push_back({code, Severity::error, std::string(field), std::move(message)});
  }
  void warning(Code code, std::string_view field, std::string message) {
    problems.push_back({code, Severity::warning, std::string(field), std::move(message)});
  }
};

std::string str(std::string_view s) { return std::string(s); }
std::string num(std::int64_t v) { return text::to_string(v); }

// Null, or a string of only whitespace, is a parameter not given (form posts send empty fields).
bool given(const json::Node* n) {
  return n && n->kind != json::Kind::null && !(n->kind == json::Kind::string && text::trim(n->text).empty());
}

// The value as a message shows it: "abc" (quoted, trimmed), 1.5, true.
std::string shown(const json::Node& n) {
  switch (n.kind) {
    case json::Kind::string: return text::quote(text::trim(n.text));
    case json::Kind::number: return n.text;
    case json::Kind::boolean: return n.boolean ? "true" : "false";
    case json::Kind::null: return "null";
    default: return str(json::kind_name(n.kind));
  }
}

using json::given_kind;

// "45 seconds", "3 hours", "12 days": a length of time for a message.
std::string duration(std::int64_t seconds) {
  struct Unit {
    std::int64_t seconds;
    const char* name;
  };
  constexpr Unit kUnits[] = {{86400, "days"}, {3600, "hours"}, {60, "minutes"}};
  for (const Unit& u : kUnits)
    if (seconds >= 2 * u.seconds) return text::with_commas(static_cast<std::uint64_t>(seconds / u.seconds)) + " " + u.name;
  return num(seconds) + (seconds == 1 ? " second" : " seconds");
}

// ---- whole numbers: json::whole (a JSON number of whole value, or a string of decimal digits) ----

using json::Whole;
using json::WholeValue;

// An integer parameter within [lo, hi]; `range` says it for messages ("a whole number from 1 to 10").
std::optional<std::int64_t> read_ranged(const json::Node& n, std::string_view field, std::int64_t lo, std::int64_t hi,
                                        Code code, std::string_view range, Report& r) {
  const WholeValue w = json::whole(n);
  const std::string who = str(field) + " " + shown(n);
  switch (w.status) {
    case Whole::wrong_type:
      r.error(code, field, str(field) + " must be " + str(range) + ", got " + given_kind(n) + ".");
      return std::nullopt;
    case Whole::not_whole:
      r.error(code, field, who + " is not a whole number; give " + str(range) + ".");
      return std::nullopt;
    case Whole::negative:
    case Whole::too_large:
      break;
    case Whole::ok:
      if (w.value >= lo && w.value <= hi) return w.value;
      break;
  }
  r.error(code, field, who + " is out of range; give " + str(range) + ".");
  return std::nullopt;
}

// ---- the parameters ----

void check_phone_number(const json::Node* n, QueueRequest& out, Problems& problems, Report& r) {
  constexpr std::string_view kExample = "e.g. \"6175551234\" or \"tel:+16175551234;ani=8009957586\"";
  if (!n || n->kind == json::Kind::null) {
    r.error(Code::missing_phone_number, "phone_number",
            "phone_number is missing; give the number to call, " + str(kExample) + ".");
    return;
  }
  if (n->kind == json::Kind::number) {
    if (!n->integral || n->integer < 0) {
      r.error(Code::invalid_phone_number, "phone_number",
              "phone_number " + n->text + " is not a phone number; send the number as a string, " + str(kExample) +
                  ".");
      return;
    }
    out.phone_number = num(n->integer);
  } else if (n->kind == json::Kind::string) {
    out.phone_number = str(text::trim(n->text));
  } else {
    r.error(Code::invalid_phone_number, "phone_number",
            "phone_number must be a string, " + str(kExample) + ", got " + given_kind(*n) + ".");
    return;
  }
  // Empty text is reported as missing_phone_number by the parser.
  static_cast<void>(parse_destination(out.phone_number, out.destination, problems, "phone_number"));  // problems say it
}

std::optional<std::int64_t> read_timestamp(const json::Node& n, std::string_view field, Report& r) {
  const WholeValue w = json::whole(n);
  const std::string who = str(field) + " " + shown(n);
  switch (w.status) {
    case Whole::wrong_type:
      r.error(Code::invalid_timestamp, field,
              str(field) + " must be Unix seconds, a whole number such as 1700000000, got " + given_kind(n) + ".");
      return std::nullopt;
    case Whole::not_whole:
      if (n.kind == json::Kind::string)
        r.error(Code::invalid_timestamp, field,
                who + " is not Unix seconds; give the whole seconds since 1970-01-01 UTC in digits, such as 1700000000.");
      else
        r.error(Code::invalid_timestamp, field,
                who + " is not a whole number of seconds; round it down, e.g. Math.floor(Date.now() / 1000).");
      return std::nullopt;
    case Whole::negative:
      r.error(Code::invalid_timestamp, field, who + " is negative; Unix seconds start at 0 (1970-01-01 UTC).");
      return std::nullopt;
    case Whole::too_large:
    case Whole::ok:
      break;
  }
  if (w.status == Whole::ok && w.value <= kMaxTimestamp) return w.value;
  if (w.status == Whole::ok && w.value / 1000 <= kMaxTimestamp)
    r.error(Code::invalid_timestamp, field,
            who + " is after the year 9999; it looks like milliseconds: give seconds (" + num(w.value / 1000) + ").");
  else
    r.error(Code::invalid_timestamp, field,
            who + " is after the year 9999; give Unix seconds, at most " + num(kMaxTimestamp) + ".");
  return std::nullopt;
}

void check_window(const CallRuleValues& s, const CallRuleFields& f, std::int64_t now, CallOptions& out, Report& r) {
  if (given(s.start)) out.start_timestamp = read_timestamp(*s.start, f.start, r);
  if (given(s.end)) out.end_timestamp = read_timestamp(*s.end, f.end, r);
  if (!out.end_timestamp) return;
  const std::int64_t end = *out.end_timestamp;
  if (out.start_timestamp && end <= *out.start_timestamp) {
    const std::int64_t start = *out.start_timestamp;
    r.error(Code::end_before_start, f.end,
            f.end + " " + num(end) + (end == start ? " is the same as " : " is before ") + f.start + " " + num(start) +
                "; the window must end after it starts.");
  }
  if (end <= now) {
    const std::string when = end == now ? " is now (" + num(now) + ")"
                                        : " is " + duration(now - end) + " in the past (now is " + num(now) + ")";
    r.error(Code::end_in_past, f.end,
            f.end + " " + num(end) + when + "; no call could be dialed: give a later " + f.end + " or leave it out.");
  }
}

void check_attempts(const CallRuleValues& s, const CallRuleFields& f, CallOptions& out, Report& r) {
  const bool has_max = given(s.max_attempts);
  const bool has_wait = given(s.reattempt_wait);
  if (has_max) {
    if (auto v = read_ranged(*s.max_attempts, f.max_attempts, 1, 10, Code::invalid_max_attempts,
                             "a whole number from 1 to 10", r))
      out.max_attempts = static_cast<std::uint32_t>(*v);
  }
  if (has_wait) {
    if (auto v = read_ranged(*s.reattempt_wait, f.reattempt_wait, 60, 86400, Code::invalid_reattempt_wait,
                             "a whole number of seconds from 60 to 86400 (1 minute to 1 day)", r))
      out.reattempt_wait = static_cast<std::uint32_t>(*v);
  }
  if (has_max && !has_wait)
    r.error(Code::max_attempts_requires_reattempt_wait, f.max_attempts,
            f.max_attempts + " is set but " + f.reattempt_wait + " is not; the two go together: set " +
                f.reattempt_wait + " to the seconds between attempts (60 to 86400), e.g. 300.");
  if (has_wait && !has_max)
    r.error(Code::reattempt_wait_requires_max_attempts, f.reattempt_wait,
            f.reattempt_wait + " is set but " + f.max_attempts + " is not; the two go together: set " +
                f.max_attempts + " to the total number of attempts (1 to 10), e.g. 3.");
}

CallRuleValues rule_values(const Slots& s) {
  return {s[p_start_timestamp], s[p_end_timestamp], s[p_max_attempts], s[p_reattempt_wait]};
}

void check_result_url(const json::Node* n, CallOptions& out, Report& r) {
  if (!given(n)) return;
  if (n->kind != json::Kind::string) {
    r.error(Code::invalid_result_url, "result_url",
            "result_url must be a string holding an http(s) URL such as https://example.com/fuse-result, got " +
                given_kind(*n) + ".");
    return;
  }
  const std::string_view url = text::trim(n->text);
  const std::string problem = result_url_problem(url);
  if (!problem.empty()) {
    r.error(Code::invalid_result_url, "result_url", "result_url " + text::quote(url) + " " + problem);
    return;
  }
  out.result_url = str(url);
}

void check_is_pci(const json::Node* n, CallOptions& out, Report& r) {
  if (!given(n)) return;
  switch (n->kind) {
    case json::Kind::boolean: out.is_pci = n->boolean; return;
    case json::Kind::number:
      if (n->integral && (n->integer == 0 || n->integer == 1)) {
        out.is_pci = n->integer == 1;
        return;
      }
      break;
    case json::Kind::string: {
      const std::string_view t = text::trim(n->text);
      if (t == "0" || t == "1" || text::iequals(t, "true") || text::iequals(t, "false")) {
        out.is_pci = t == "1" || text::iequals(t, "true");
        return;
      }
      break;
    }
    default:
      r.error(Code::invalid_is_pci, "is_pci", "is_pci must be 0 or 1, got " + given_kind(*n) + ".");
      return;
  }
  r.error(Code::invalid_is_pci, "is_pci", "is_pci " + shown(*n) + " must be 0 or 1 (true or false also work).");
}

constexpr std::string_view kMetadataExample = "{\"name\":\"John Doe\",\"appointment\":\"Monday at 10am\"}";

void check_metadata(const json::Node* n, const ValidationOptions& options, std::string& out, Problems& problems,
                    Report& r) {
  if (!given(n)) return;
  json::Node parsed;
  const json::Node* object = n;
  if (n->kind == json::Kind::string) {
    json::ReadError error;
    if (!json::read(n->text, 1, parsed, error)) {
      r.error(Code::invalid_metadata, "metadata",
              "metadata is text but not valid JSON (" + error.message + "); send a JSON object such as " +
                  str(kMetadataExample) + ".");
      return;
    }
    if (parsed.kind != json::Kind::object) {
      r.error(Code::invalid_metadata, "metadata",
              "metadata is JSON text holding " + str(json::kind_name(parsed.kind)) +
                  ", not an object; send key/value pairs such as " + str(kMetadataExample) + ".");
      return;
    }
    object = &parsed;
  } else if (n->kind != json::Kind::object) {
    r.error(Code::invalid_metadata, "metadata",
            "metadata must be a JSON object of key/value pairs such as " + str(kMetadataExample) + ", got " +
                given_kind(*n) + (n->kind == json::Kind::number ? " (" + n->text + ")" : "") + ".");
    return;
  }

  bool ok = true;
  for (const json::Member& m : object->members) {
    const std::string who = "metadata key " + text::quote(m.key);
    if (m.duplicate) {
      r.error(Code::invalid_metadata_key, "metadata", who + " is given twice; give each key once.");
      ok = false;
      continue;
    }
    if (!is_valid_metadata_key(m.key)) {
      r.error(Code::invalid_metadata_key, "metadata", who + " " + explain_invalid_metadata_key(m.key));
      ok = false;
    }
    const json::Node& v = m.value;
    std::string_view value_text;
    if (v.kind == json::Kind::array || v.kind == json::Kind::object) {
      const std::string example =
          is_valid_metadata_key(m.key) && m.key.size() + 2 <= kMaxMetadataKeyChars ? " such as " + m.key + "_1" : "";
      r.error(Code::invalid_metadata_value, "metadata",
              "metadata " + text::quote(m.key) + " is " + str(json::kind_name(v.kind)) +
                  "; values must be a string, number, true/false or null: flatten it into keys" + example +
                  " or send it as one string.");
      ok = false;
    } else if (v.kind == json::Kind::number && !v.finite) {
      r.error(Code::invalid_metadata_value, "metadata",
              "metadata " + text::quote(m.key) + " is the number " + v.text +
                  ", too large to keep; send it as a string.");
      ok = false;
    } else if (v.kind == json::Kind::string || v.kind == json::Kind::number) {
      value_text = v.text;
    }
    scan_sensitive_metadata(m.key, value_text, options, "metadata", problems);
  }
  if (object->compact_bytes > kMaxMetadataBytes) {
    r.error(Code::metadata_too_large, "metadata",
            "metadata is " + text::with_commas(object->compact_bytes) + " bytes as compact JSON; the limit is " +
                text::with_commas(kMaxMetadataBytes) +
                " (64 KiB): keep what the call flow needs and fetch the rest by an ID during the call.");
    ok = false;
  }
  if (!ok || object->members.empty()) return;
  out.reserve(object->compact_bytes);
  json::ObjectWriter w(out);
  for (const json::Member& m : object->members) json::write_scalar(w.key(m.key), m.value);
  w.close();
}

// ---- unknown parameters ----

// Edit distance between names, ignoring case and treating '-' and ' ' as '_'.
std::size_t name_distance(std::string_view a, std::string_view b) {
  const auto norm = [](char c) { return c == '-' || c == ' ' ? '_' : text::to_lower(c); };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (norm(a[i - 1]) == norm(b[j - 1]) ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string unknown_message(Api api, std::string_view name) {
  const std::string who = "parameter " + text::quote(name);
  if (api == Api::bulk && name == "phone_number")
    return who + " is ignored by bulk_queue: each row's number comes from the CSV file's destination column.";
  if (api == Api::bulk && name == "metadata")
    return who + " is ignored by bulk_queue: each row's metadata comes from the CSV file's other columns.";
  if (api == Api::queue && name == "csv")
    return who + " is ignored: a CSV file is uploaded to bulk_queue; queue takes one phone_number.";

  const char* endpoint = api == Api::queue ? "queue" : "bulk_queue";
  std::string_view best;
  std::size_t best_distance = 3;  // suggest only obvious typos: at most 2 edits
  std::string list;
  for (std::size_t p = 0; p < p_count; ++p) {
    if (!accepts(api, static_cast<Param>(p))) continue;
    if (!list.empty()) list += ", ";
    list += kParamNames[p];
    if (name.size() > kParamNames[p].size() + 2 || name.size() + 2 < kParamNames[p].size()) continue;
    const std::size_t d = name_distance(name, kParamNames[p]);
    if (d < best_distance) best_distance = d, best = kParamNames[p];
  }
  if (!best.empty()) return who + " is not a " + endpoint + " parameter and is ignored; did you mean " + str(best) + "?";
  if (api == Api::queue && text::iequals(name, "destination"))
    return who + " is ignored: destination is the CSV column's name; the queue API calls it phone_number.";
  return who + " is not a " + endpoint + " parameter and is ignored; the parameters are " + list + ".";
}

// ---- the params object ----

// Parses the params text and sorts its members into `slots`; reports invalid params, duplicates and
// (into `unknown`) names the endpoint does not take. False when params is not a JSON object.
// The params as read: the tree, each known parameter's value (nullptr when absent) and the others.
struct Params {
  json::Node root;
  Slots slots{};
  std::vector<const json::Member*> unknown;
};

// calling_hours: a string of one of the forms, or (JSON bodies) an object of day: hours.
void check_calling_hours(const json::Node* n, CallOptions& out, Report& r) {
  if (given(n)) static_cast<void>(read_calling_hours_value(*n, "calling_hours", out.calling_hours, r.problems));
}

void check_timezone(const json::Node* n, CallOptions& out, Report& r) {
  if (!given(n)) return;
  if (n->kind != json::Kind::string) {
    r.error(Code::invalid_timezone, "timezone", "timezone must be an IANA zone name such as \"America/New_York\", got " + given_kind(*n) + ".");
    return;
  }
  tz::ZoneId zone = 0;
  if (read_time_zone(n->text, "timezone", zone, r.problems)) out.timezone = zone;
}

bool read_params(std::string_view params_json, Api api, Params& params, Report& r) {
  json::Node& root = params.root;
  Slots& slots = params.slots;
  std::vector<const json::Member*>& unknown = params.unknown;
  constexpr std::string_view kExample = "{\"phone_number\":\"6175551234\"}";
  json::ReadError error;
  // Level 1: the parameters; level 2: the members of an object-valued metadata.
  if (!json::read(params_json, 2, root, error)) {
    r.error(Code::invalid_params, "params",
            "params is not valid JSON (" + error.message + "); send an object such as " + str(kExample) + ".");
    return false;
  }
  if (root.kind != json::Kind::object) {
    r.error(Code::invalid_params, "params",
            "params must be a JSON object of parameters such as " + str(kExample) + ", got " + given_kind(root) + ".");
    return false;
  }
  slots.fill(nullptr);
  for (const json::Member& m : root.members) {
    if (m.duplicate) {
      r.error(Code::invalid_params, m.key, "parameter " + text::quote(m.key) + " is given twice; give it once.");
      continue;
    }
    std::size_t p = 0;
    while (p < p_count && kParamNames[p] != m.key) ++p;
    if (p < p_count && accepts(api, static_cast<Param>(p))) slots[p] = &m.value;
    else unknown.push_back(&m);
  }
  return true;
}

void report_unknown(Api api, const std::vector<const json::Member*>& unknown, Report& r) {
  for (const json::Member* m : unknown) r.warning(Code::unknown_parameter, m->key, unknown_message(api, m->key));
}

}  // namespace

CallRuleFields call_rule_fields(CallRuleNaming naming, std::string_view prefix) {
  const auto& names = kCallRuleNames[static_cast<int>(naming)];
  const auto with = [prefix](std::string_view name) { return std::string(prefix) + std::string(name); };
  return {with(names[0]), with(names[1]), with(names[2]), with(names[3])};
}

bool check_call_rules(const CallRuleValues& given, const CallRuleFields& fields, std::int64_t now, CallOptions& out,
                      Problems& problems) {
  const std::size_t first = problems.size();
  Report r{problems};
  check_window(given, fields, now, out, r);
  check_attempts(given, fields, out, r);
  return !has_error(problems, first);
}

json::Node integer_node(std::int64_t value) {
  json::Node n;
  n.kind = json::Kind::number;
  n.integral = true;
  n.integer = value;
  n.number = static_cast<double>(value);
  n.text = text::to_string(value);
  return n;
}

void warn_outside_calling_hours(const CallOptions& o, std::uint64_t e164_key, std::int64_t now, std::string_view field,
                                std::uint64_t row, Problems& problems) {
  if (!o.calling_hours) return;
  tz::ZoneId own = 0;
  std::span<const tz::ZoneId> zones = zones_for_key(e164_key);
  if (o.timezone) {
    own = *o.timezone;
    zones = {&own, 1};
  }
  const std::int64_t from = o.start_timestamp.value_or(now);
  const std::int64_t until = o.end_timestamp.value_or(from + 8 * 86400);
  if (next_calling_time(*o.calling_hours, zones, from, until)) return;
  std::string where;
  for (std::size_t i = 0; i < zones.size() && i < 3; ++i) where += (i ? ", " : "") + std::string(tz::zone_name(zones[i]));
  if (zones.size() > 3) where += " and " + text::to_string(std::uint64_t{zones.size() - 3}) + " more";
  problems.push_back({Code::outside_calling_hours, Severity::warning, std::string(field),
                      std::string(o.end_timestamp ? "The call's window holds" : "No week holds") +
                          " no minute inside its calling hours (" + calling_hours_text(*o.calling_hours) + ") in " +
                          (zones.size() > 1 ? "all of its time zones (" + where + ")" : where) +
                          (o.end_timestamp ? ", so it would be canceled at the window end" : ", so it would never dial") +
                          "; widen the window or the hours, or give its timezone.",
                      row});
}

ValidationOptions read_validation_options(std::string_view options_json) {
  ValidationOptions options;
  json::Node root;
  json::ReadError error;
  if (!json::read(options_json, 1, root, error) || root.kind != json::Kind::object) return options;
  for (const json::Member& m : root.members) {
    const json::Node& v = m.value;
    if (m.key == "now" && v.kind == json::Kind::number && v.finite) {
      if (v.integral) options.now = v.integer;
      else if (std::fabs(v.number) < 9.2e18) options.now = static_cast<std::int64_t>(std::floor(v.number));
      else options.now = v.number < 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    } else if (m.key == "strict" && v.kind == json::Kind::boolean) {
      options.strict = v.boolean;
    }
  }
  return options;
}

bool validate_queue_request(std::string_view params_json, const ValidationOptions& options, QueueRequest& out,
                            Problems& problems) {
  out = QueueRequest{};
  const std::size_t first = problems.size();
  Report r{problems};
  Params p;
  if (!read_params(params_json, Api::queue, p, r)) return false;
  // In the order of SPEC 3's table.
  check_phone_number(p.slots[p_phone_number], out, problems, r);
  check_call_rules(rule_values(p.slots), call_rule_fields(CallRuleNaming::queue_params), options.now, out.options,
                   problems);
  check_result_url(p.slots[p_result_url], out.options, r);
  check_metadata(p.slots[p_metadata], options, out.metadata, problems, r);
  check_is_pci(p.slots[p_is_pci], out.options, r);
  check_calling_hours(p.slots[p_calling_hours], out.options, r);
  check_timezone(p.slots[p_timezone], out.options, r);
  report_unknown(Api::queue, p.unknown, r);
  const bool ok = !has_error(problems, first);
  if (ok) warn_outside_calling_hours(out.options, out.destination.number.key(), options.now, "phone_number", 0, problems);
  return ok;
}

bool validate_call_options(std::string_view params_json, const ValidationOptions& options, CallOptions& out,
                           Problems& problems) {
  out = CallOptions{};
  const std::size_t first = problems.size();
  Report r{problems};
  Params p;
  if (!read_params(params_json, Api::bulk, p, r)) return false;
  check_call_rules(rule_values(p.slots), call_rule_fields(CallRuleNaming::queue_params), options.now, out, problems);
  check_result_url(p.slots[p_result_url], out, r);
  check_is_pci(p.slots[p_is_pci], out, r);
  check_calling_hours(p.slots[p_calling_hours], out, r);
  check_timezone(p.slots[p_timezone], out, r);
  report_unknown(Api::bulk, p.unknown, r);
  return !has_error(problems, first);
}

}  // namespace fuse
