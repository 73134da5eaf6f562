// The result payload (`call_details`, SPEC 5) and buildResultPayload.
#include "fuse/payload.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "call.hpp"
#include "json_writer.hpp"
#include "json_describe.hpp"
#include "json_reader.hpp"
#include "text.hpp"

namespace fuse {

namespace {
#define FUSE_NAME_ENTRY(name) #name,
constexpr std::array<std::string_view, kCallStatusCount> kStatusNames = {FUSE_CALL_STATUSES(FUSE_NAME_ENTRY)};
constexpr std::array<std::string_view, kCallEventCount> kEventNames = {FUSE_CALL_EVENTS(FUSE_NAME_ENTRY)};
#undef FUSE_NAME_ENTRY

// "a, b, c": a name list for a message.
template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

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

// The events through the call's state machine (call.hpp); an event that cannot follow is passed over.
CallStatus derive_status(std::span<const EventRecord> events, std::uint32_t max_attempts) noexcept {
  CallProgress progress;
  for (const auto& e : events)
    if (e.event != CallEvent::queued) static_cast<void>(progress.step(e.event, max_attempts));
  return progress.status;
}

// ---- buildResultPayload ----

namespace {

constexpr int kMaxMetadataDepth = 64;
// The call is read whole (arrays too: events, metadata) down to the deepest metadata it may hold.
constexpr json::ReadLimits kCallLimits{kMaxMetadataDepth + 2, true};

// An integer given as a JSON number (whole) or a decimal string.
std::optional<std::int64_t> integer_of(const json::Node& v) {
  const json::WholeValue w = json::whole(v);
  if (w.status == json::Whole::ok || w.status == json::Whole::negative) return w.value;
  return std::nullopt;
}

// Containers nested in `v`, counting v itself (at most the read limits' levels).
int nesting(const json::Node& v) {
  int deepest = 0;
  for (const json::Member& m : v.members) deepest = std::max(deepest, nesting(m.value));
  for (const json::Node& e : v.elements) deepest = std::max(deepest, nesting(e));
  return (v.kind == json::Kind::object || v.kind == json::Kind::array) ? deepest + 1 : 0;
}

void add_error(Problems& problems, Code code, std::string field, std::string message) {
  problems.push_back({code, Severity::error, std::move(field), std::move(message)});
}

using json::describe;

// ---- buildResultPayload's steps: each reads one part of the call, reporting what is wrong ----

std::string_view read_phone(const json::Node& call, Problems& problems) {
  const json::Node* v = json::find(call, "phone_number");
  if (!v) {
    add_error(problems, Code::missing_phone_number, "phone_number", "phone_number is required: the destination as given.");
  } else if (v->kind != json::Kind::string) {
    add_error(problems, Code::invalid_phone_number, "phone_number",
              "phone_number must be a string (the destination as given), got " + describe(*v) + ".");
  } else {
    return v->text;
  }
  return {};
}

// max_attempts (default 1) and reattempt_wait (default 0): any whole number, as the call had them.
void read_attempts(const json::Node& call, std::int64_t& max_attempts, std::int64_t& reattempt_wait,
                   Problems& problems) {
  max_attempts = 1;
  reattempt_wait = 0;
  if (const json::Node* v = json::find(call, "max_attempts")) {
    const auto n = integer_of(*v);
    if (!n || *n < 1 || *n > UINT32_MAX)
      add_error(problems, Code::invalid_max_attempts, "max_attempts",
                "max_attempts must be a whole number of at least 1, got " + describe(*v) + ".");
    else max_attempts = *n;
  }
  if (const json::Node* v = json::find(call, "reattempt_wait")) {
    const auto n = integer_of(*v);
    if (!n || *n < 0 || *n > UINT32_MAX)
      add_error(problems, Code::invalid_reattempt_wait, "reattempt_wait",
                "reattempt_wait must be a whole number of seconds (0 or more), got " + describe(*v) + ".");
    else reattempt_wait = *n;
  }
}

std::optional<EventRecord> read_event(const json::Node& e, const std::string& field, Problems& problems) {
  if (e.kind != json::Kind::object) {
    add_error(problems, Code::invalid_params, field, field + " must be an object {event, timestamp}, got " + describe(e) + ".");
    return std::nullopt;
  }
  const json::Node* name = json::find(e, "event");
  const std::optional<CallEvent> kind = name && name->kind == json::Kind::string ? parse_event_name(name->text) : std::nullopt;
  if (!kind)
    add_error(problems, Code::unknown_event, field + ".event",
              field + ".event must be one of " + listed(kEventNames) + "; got " +
                  (name ? describe(*name) : std::string("nothing")) + ".");
  const json::Node* ts = json::find(e, "timestamp");
  const auto timestamp = ts ? integer_of(*ts) : std::nullopt;
  if (!timestamp)
    add_error(problems, Code::invalid_timestamp, field + ".timestamp",
              field + ".timestamp must be a whole number of Unix seconds, got " +
                  (ts ? describe(*ts) : std::string("nothing")) + ".");
  if (!kind || !timestamp) return std::nullopt;
  EventRecord record{*kind, *timestamp};
  const json::Node* reason = json::find(e, "reason");
  if (record.event == CallEvent::rejected) {
    std::string why = "is missing";
    if (!reason || reason->kind != json::Kind::string || !valid_event_reason(reason->text, &why)) {
      if (reason && reason->kind != json::Kind::string) why = "must be a string, got " + describe(*reason);
      add_error(problems, Code::invalid_reason, field + ".reason",
                field + ".reason " + why + ": a rejected event carries the carrier's reason, e.g. "
                        "\"503 Service Unavailable\".");
      return std::nullopt;
    }
    record.reason = reason->text;  // the tree outlives the payload written from it
  } else if (reason) {
    add_error(problems, Code::invalid_reason, field + ".reason",
              field + ".reason is only for rejected events; this one is " + std::string(event_name(record.event)) + ".");
    return std::nullopt;
  }
  return record;
}

std::vector<EventRecord> read_events(const json::Node& call, Problems& problems) {
  std::vector<EventRecord> events;
  const json::Node* list = json::find(call, "events");
  if (!list || list->kind != json::Kind::array) {
    add_error(problems, Code::invalid_params, "events",
              "events must be an array of {event, timestamp} (e.g. [{\"event\":\"queued\",\"timestamp\":1475095892}]).");
    return events;
  }
  events.reserve(list->elements.size());
  for (std::size_t i = 0; i < list->elements.size(); ++i) {
    const std::string field = "events[" + text::to_string(static_cast<std::uint64_t>(i)) + "]";
    if (auto record = read_event(list->elements[i], field, problems)) events.push_back(*record);
  }
  return events;
}

std::optional<CallStatus> read_status(const json::Node& call, Problems& problems) {
  const json::Node* v = json::find(call, "status");
  if (!v) return std::nullopt;
  const std::optional<CallStatus> status = v->kind == json::Kind::string ? parse_status_name(v->text) : std::nullopt;
  if (!status)
    add_error(problems, Code::invalid_params, "status",
              "status must be one of " + listed(kStatusNames) + "; got " + describe(*v) + ".");
  return status;
}

std::string read_call_id(const json::Node& call, Problems& problems) {
  const json::Node* v = json::find(call, "call_id");
  if (!v) return {};
  if (v->kind == json::Kind::string || (v->kind == json::Kind::number && v->integral)) return v->text;
  add_error(problems, Code::invalid_params, "call_id", "call_id must be a string, got " + describe(*v) + ".");
  return {};
}

// metadata: an object or its JSON text, written compactly with its keys in their order.
std::string read_metadata(const json::Node& call, Problems& problems) {
  std::string metadata;
  const json::Node* v = json::find(call, "metadata");
  if (!v) return metadata;
  json::Node parsed;
  json::ReadError error;
  const json::Node* object = v;
  const bool text = v->kind == json::Kind::string;
  const bool too_deep_text = text && json::max_nesting(v->text) > kMaxMetadataDepth + 1;  // before reading it
  if (text) {
    if (!too_deep_text && !json::read(v->text, kCallLimits, parsed, error)) parsed = json::Node{};
    object = &parsed;
  }
  if (too_deep_text || (object->kind == json::Kind::object && nesting(*object) > kMaxMetadataDepth + 1)) {
    add_error(problems, Code::invalid_metadata, "metadata",
              "metadata is nested more than " + std::to_string(kMaxMetadataDepth) + " levels deep.");
  } else if (object->kind != json::Kind::object) {
    add_error(problems, Code::invalid_metadata, "metadata",
              "metadata must be a JSON object (or its JSON text), got " + describe(*v) + ".");
  } else {
    json::write_value(metadata, *object);
  }
  return metadata;
}

}  // namespace

bool build_result_payload(std::string_view call_json, std::string& out, Problems& problems) {
  const std::size_t before = problems.size();
  // Deeper input than the payload can hold is refused before it is read.
  if (json::max_nesting(call_json) > kMaxMetadataDepth + 2) {
    add_error(problems, Code::invalid_params, "",
              "The call is nested more than " + std::to_string(kMaxMetadataDepth + 2) +
                  " levels deep; metadata may nest at most " + std::to_string(kMaxMetadataDepth) + ".");
    return false;
  }
  json::Node call;
  json::ReadError error;
  if (!json::read(call_json, kCallLimits, call, error) || call.kind != json::Kind::object) {
    add_error(problems, Code::invalid_params, "",
              "The call must be an object {phone_number, events, max_attempts?, reattempt_wait?, status?, call_id?, "
              "metadata?}.");
    return false;
  }
  CallDetails details;
  details.phone_number = read_phone(call, problems);
  std::int64_t max_attempts = 1, reattempt_wait = 0;
  read_attempts(call, max_attempts, reattempt_wait, problems);
  const std::vector<EventRecord> events = read_events(call, problems);
  const std::optional<CallStatus> status = read_status(call, problems);
  const std::string call_id = read_call_id(call, problems);
  const std::string metadata = read_metadata(call, problems);
  if (problems.size() != before) return false;
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
