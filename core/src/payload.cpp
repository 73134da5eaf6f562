// The result payload (`call_details`, SPEC 5) and buildResultPayload.
#include "fuse/payload.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "json_writer.hpp"
#include "json_describe.hpp"
#include "json_reader.hpp"
#include "text.hpp"

namespace fuse {

namespace {
constexpr std::array<std::string_view, kCallStatusCount> kStatusNames = {"queued",    "dialing", "connected",
                                                                         "completed", "failed",  "canceled"};
constexpr std::array<std::string_view, kCallEventCount> kEventNames = {
    "queued", "dialing", "connected", "disconnected", "busy", "noanswer", "informationtone", "canceled", "rejected"};

constexpr std::size_t kMaxQuotedPhone = 512;

// "123" as a JSON string.
void write_quoted_int(std::string& out, std::int64_t v) {
  out += '"';
  json::write_int(out, v);
  out += '"';
}
}  // namespace

std::string_view status_name(CallStatus status) noexcept {
  const auto i = static_cast<std::size_t>(status);
  return i < kStatusNames.size() ? kStatusNames[i] : std::string_view("unknown");
}

std::string_view event_name(CallEvent event) noexcept {
  const auto i = static_cast<std::size_t>(event);
  return i < kEventNames.size() ? kEventNames[i] : std::string_view("unknown");
}

bool valid_event_reason(std::string_view reason, std::string* why) {
  const auto say = [why](const char* text) {
    if (why) *why = text;
    return false;
  };
  if (reason.empty()) return say("is empty");
  if (reason.size() > kMaxEventReason) return say("is longer than 256 bytes");
  for (std::size_t i = 0; i < reason.size();) {
    const auto ch = static_cast<unsigned char>(reason[i]);
    if (ch < 0x20 || ch == 0x7F) return say("holds a control character");
    const std::size_t n = text::utf8_sequence_length(reason, i);
    if (n == 0) return say("is not valid UTF-8");
    i += n;
  }
  return true;
}

std::optional<CallStatus> parse_status_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == name) return static_cast<CallStatus>(i);
  return std::nullopt;
}

std::optional<CallEvent> parse_event_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kEventNames.size(); ++i)
    if (kEventNames[i] == name) return static_cast<CallEvent>(i);
  return std::nullopt;
}

void write_call_details(std::string& out, const CallDetails& call) {
  std::uint32_t attempts = 0;
  const EventRecord* queued = nullptr;
  const EventRecord* connected = nullptr;
  const EventRecord* disconnected = nullptr;
  for (const auto& e : call.events) {
    switch (e.event) {
      case CallEvent::queued:
        if (!queued) queued = &e;
        break;
      case CallEvent::dialing: ++attempts; break;
      case CallEvent::connected: connected = &e; break;
      case CallEvent::disconnected: disconnected = &e; break;
      default: break;
    }
  }
  out += "{\"max_attempts\":";
  write_quoted_int(out, call.max_attempts);
  out += ",\"attempts\":";
  write_quoted_int(out, attempts);
  out += ",\"events\":[";
  bool first = true;
  for (const auto& e : call.events) {
    if (!first) out += ',';
    first = false;
    out += "{\"event\":\"";
    out += event_name(e.event);
    out += "\",\"timestamp\":";
    json::write_int(out, e.timestamp);
    if (e.event == CallEvent::rejected) {
      out += ",\"reason\":";
      json::write_string(out, e.reason);
    }
    out += '}';
  }
  out += "],\"phone_number\":";
  // "'<number>'": written as one JSON string with the quotes inside.
  const std::string_view phone = text::trim(call.phone_number);
  char quoted[kMaxQuotedPhone + 2];
  if (phone.size() <= kMaxQuotedPhone) {
    quoted[0] = '\'';
    std::memcpy(quoted + 1, phone.data(), phone.size());
    quoted[phone.size() + 1] = '\'';
    json::write_string(out, std::string_view(quoted, phone.size() + 2));
  } else {
    json::write_string(out, "'" + std::string(phone) + "'");
  }
  out += ",\"status\":\"";
  out += status_name(call.status);
  out += "\",\"queued_timestamp\":";
  if (queued) write_quoted_int(out, queued->timestamp);
  else out += "\"\"";
  out += ",\"start_timestamp\":";
  if (connected) write_quoted_int(out, connected->timestamp);
  else out += "\"\"";
  out += ",\"end_timestamp\":";
  if (disconnected) write_quoted_int(out, disconnected->timestamp);
  else out += "\"\"";
  out += ",\"reattempt_wait\":";
  write_quoted_int(out, call.reattempt_wait);
  out += ",\"duration\":";
  json::write_int(out, connected && disconnected ? disconnected->timestamp - connected->timestamp : 0);
  if (!call.call_id.empty()) {
    out += ",\"call_id\":";
    json::write_string(out, call.call_id);
  }
  if (!call.metadata_json.empty()) {
    out += ",\"metadata\":";
    out += call.metadata_json;
  }
  out += '}';
}

std::string call_details_json(const CallDetails& call) {
  std::string out;
  out.reserve(256 + call.events.size() * 48 + call.metadata_json.size());
  write_call_details(out, call);
  return out;
}

CallStatus derive_status(std::span<const EventRecord> events, std::uint32_t max_attempts) noexcept {
  std::uint32_t attempts = 0;
  for (const auto& e : events) {
    if (e.event == CallEvent::canceled) return CallStatus::canceled;
    if (e.event == CallEvent::disconnected) return CallStatus::completed;
    if (e.event == CallEvent::dialing) ++attempts;
  }
  if (events.empty()) return CallStatus::queued;
  switch (events.back().event) {
    case CallEvent::connected: return CallStatus::connected;
    case CallEvent::dialing: return CallStatus::dialing;
    case CallEvent::busy:
    case CallEvent::noanswer:
    case CallEvent::informationtone:
    case CallEvent::rejected: return attempts >= max_attempts ? CallStatus::failed : CallStatus::queued;
    default: return CallStatus::queued;
  }
}

// ---- buildResultPayload ----

namespace {

using ojson = nlohmann::ordered_json;

constexpr int kMaxMetadataDepth = 64;

// An integer given as a JSON number (integral) or a decimal string.
std::optional<std::int64_t> integer_of(const ojson& v) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
      return static_cast<std::int64_t>(u);
    }
    return v.get<std::int64_t>();
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) return static_cast<std::int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string_view s = text::trim(v.get_ref<const std::string&>());
    if (s.empty()) return std::nullopt;
    std::int64_t out = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

// Writes any JSON value compactly, object keys in their given order.
bool write_value(std::string& out, const ojson& v, int depth) {
  if (depth > kMaxMetadataDepth) return false;
  switch (v.type()) {
    case ojson::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : v.items()) {
        if (!first) out += ',';
        first = false;
        json::write_string(out, key);
        out += ':';
        if (!write_value(out, value, depth + 1)) return false;
      }
      out += '}';
      return true;
    }
    case ojson::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& value : v) {
        if (!first) out += ',';
        first = false;
        if (!write_value(out, value, depth + 1)) return false;
      }
      out += ']';
      return true;
    }
    case ojson::value_t::string: json::write_string(out, v.get_ref<const std::string&>()); return true;
    case ojson::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return true;
    case ojson::value_t::number_integer: json::write_int(out, v.get<std::int64_t>()); return true;
    case ojson::value_t::number_unsigned: json::write_uint(out, v.get<std::uint64_t>()); return true;
    case ojson::value_t::number_float: json::write_double(out, v.get<double>()); return true;
    default: out += "null"; return true;
  }
}

void add_error(Problems& problems, Code code, std::string field, std::string message) {
  problems.push_back({code, Severity::error, std::move(field), std::move(message)});
}

std::string describe(const ojson& v) { return json::describe(v); }

}  // namespace

bool build_result_payload(std::string_view call_json, std::string& out, Problems& problems) {
  const std::size_t before = problems.size();
  // ordered_json copies values recursively as its objects grow: deeper input than the payload
  // can hold is refused before it is parsed.
  if (json::max_nesting(call_json) > kMaxMetadataDepth + 2) {
    add_error(problems, Code::invalid_params, "",
              "The call is nested more than " + std::to_string(kMaxMetadataDepth + 2) +
                  " levels deep; metadata may nest at most " + std::to_string(kMaxMetadataDepth) + ".");
    return false;
  }
  const ojson call = ojson::parse(call_json.begin(), call_json.end(), nullptr, false);
  if (call.is_discarded() || !call.is_object()) {
    add_error(problems, Code::invalid_params, "",
              "The call must be an object {phone_number, events, max_attempts?, reattempt_wait?, status?, call_id?, "
              "metadata?}.");
    return false;
  }

  std::string_view phone;
  const auto phone_it = call.find("phone_number");
  if (phone_it == call.end() || phone_it->is_null()) {
    add_error(problems, Code::missing_phone_number, "phone_number", "phone_number is required: the destination as given.");
  } else if (!phone_it->is_string()) {
    add_error(problems, Code::invalid_phone_number, "phone_number",
              "phone_number must be a string (the destination as given), got " + describe(*phone_it) + ".");
  } else {
    phone = phone_it->get_ref<const std::string&>();
  }

  std::int64_t max_attempts = 1, reattempt_wait = 0;
  if (const auto it = call.find("max_attempts"); it != call.end() && !it->is_null()) {
    const auto v = integer_of(*it);
    if (!v || *v < 1 || *v > UINT32_MAX)
      add_error(problems, Code::invalid_max_attempts, "max_attempts",
                "max_attempts must be a whole number of at least 1, got " + describe(*it) + ".");
    else max_attempts = *v;
  }
  if (const auto it = call.find("reattempt_wait"); it != call.end() && !it->is_null()) {
    const auto v = integer_of(*it);
    if (!v || *v < 0 || *v > UINT32_MAX)
      add_error(problems, Code::invalid_reattempt_wait, "reattempt_wait",
                "reattempt_wait must be a whole number of seconds (0 or more), got " + describe(*it) + ".");
    else reattempt_wait = *v;
  }

  std::vector<EventRecord> events;
  const auto events_it = call.find("events");
  if (events_it == call.end() || !events_it->is_array()) {
    add_error(problems, Code::invalid_params, "events",
              "events must be an array of {event, timestamp} (e.g. [{\"event\":\"queued\",\"timestamp\":1475095892}]).");
  } else {
    events.reserve(events_it->size());
    std::size_t i = 0;
    for (const auto& e : *events_it) {
      const std::string field = "events[" + text::to_string(static_cast<std::uint64_t>(i++)) + "]";
      if (!e.is_object()) {
        add_error(problems, Code::invalid_params, field, field + " must be an object {event, timestamp}, got " + describe(e) + ".");
        continue;
      }
      EventRecord record{CallEvent::queued, 0};
      bool ok = true;
      const auto name = e.find("event");
      const std::optional<CallEvent> kind =
          name != e.end() && name->is_string() ? parse_event_name(name->get_ref<const std::string&>()) : std::nullopt;
      if (!kind) {
        add_error(problems, Code::unknown_event, field + ".event",
                  field + ".event must be one of queued, dialing, connected, disconnected, busy, noanswer, "
                          "informationtone, canceled, rejected; got " +
                      (name == e.end() ? std::string("nothing") : describe(*name)) + ".");
        ok = false;
      } else {
        record.event = *kind;
      }
      const auto ts = e.find("timestamp");
      const auto value = ts != e.end() ? integer_of(*ts) : std::nullopt;
      if (!value) {
        add_error(problems, Code::invalid_timestamp, field + ".timestamp",
                  field + ".timestamp must be a whole number of Unix seconds, got " +
                      (ts == e.end() ? std::string("nothing") : describe(*ts)) + ".");
        ok = false;
      } else {
        record.timestamp = *value;
      }
      const auto reason = e.find("reason");
      if (ok && record.event == CallEvent::rejected) {
        std::string why = "is missing";
        if (reason == e.end() || !reason->is_string() ||
            !valid_event_reason(reason->get_ref<const std::string&>(), &why)) {
          if (reason != e.end() && !reason->is_string()) why = "must be a string, got " + describe(*reason);
          add_error(problems, Code::invalid_reason, field + ".reason",
                    field + ".reason " + why + ": a rejected event carries the carrier's reason, e.g. "
                            "\"503 Service Unavailable\".");
          ok = false;
        } else {
          record.reason = reason->get_ref<const std::string&>();
        }
      } else if (ok && reason != e.end() && !reason->is_null()) {
        add_error(problems, Code::invalid_reason, field + ".reason",
                  field + ".reason is only for rejected events; this one is " +
                      std::string(event_name(record.event)) + ".");
        ok = false;
      }
      if (ok) events.push_back(record);
    }
  }

  std::optional<CallStatus> status;
  if (const auto it = call.find("status"); it != call.end() && !it->is_null()) {
    if (it->is_string()) status = parse_status_name(it->get_ref<const std::string&>());
    if (!status)
      add_error(problems, Code::invalid_params, "status",
                "status must be one of queued, dialing, connected, completed, failed, canceled; got " + describe(*it) + ".");
  }

  std::string call_id;
  if (const auto it = call.find("call_id"); it != call.end() && !it->is_null()) {
    if (it->is_string()) call_id = it->get_ref<const std::string&>();
    else if (it->is_number_integer()) write_value(call_id, *it, 0);
    else add_error(problems, Code::invalid_params, "call_id", "call_id must be a string, got " + describe(*it) + ".");
  }

  std::string metadata;
  if (const auto it = call.find("metadata"); it != call.end() && !it->is_null()) {
    const auto too_deep = [&] {
      metadata.clear();
      add_error(problems, Code::invalid_metadata, "metadata",
                "metadata is nested more than " + std::to_string(kMaxMetadataDepth) + " levels deep.");
    };
    ojson parsed;
    const ojson* object = &*it;
    bool deep = false;
    if (it->is_string()) {
      const auto& s = it->get_ref<const std::string&>();
      deep = json::max_nesting(s) > kMaxMetadataDepth + 1;  // checked before the recursive parse
      if (!deep) parsed = ojson::parse(s.begin(), s.end(), nullptr, false);
      object = &parsed;
    }
    if (deep) {
      too_deep();
    } else if (object->is_discarded() || !object->is_object()) {
      add_error(problems, Code::invalid_metadata, "metadata",
                "metadata must be a JSON object (or its JSON text), got " + describe(*it) + ".");
    } else if (!write_value(metadata, *object, 0)) {
      too_deep();
    }
  }

  if (problems.size() != before) return false;
  CallDetails details;
  details.phone_number = phone;
  details.max_attempts = static_cast<std::uint32_t>(max_attempts);
  details.reattempt_wait = static_cast<std::uint32_t>(reattempt_wait);
  details.events = events;
  details.status = status ? *status : derive_status(events, details.max_attempts);
  details.call_id = call_id;
  details.metadata_json = metadata;
  write_call_details(out, details);
  return true;
}

}  // namespace fuse
