// The result payload (`call_details`, SPEC 5) and buildResultPayload.
#include "fuse/payload.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

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

  std::string_view phone;
  const json::Node* phone_node = json::find(call, "phone_number");
  if (!phone_node) {
    add_error(problems, Code::missing_phone_number, "phone_number", "phone_number is required: the destination as given.");
  } else if (phone_node->kind != json::Kind::string) {
    add_error(problems, Code::invalid_phone_number, "phone_number",
              "phone_number must be a string (the destination as given), got " + describe(*phone_node) + ".");
  } else {
    phone = phone_node->text;
  }

  std::int64_t max_attempts = 1, reattempt_wait = 0;
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

  std::vector<EventRecord> events;
  const json::Node* event_list = json::find(call, "events");
  if (!event_list || event_list->kind != json::Kind::array) {
    add_error(problems, Code::invalid_params, "events",
              "events must be an array of {event, timestamp} (e.g. [{\"event\":\"queued\",\"timestamp\":1475095892}]).");
  } else {
    events.reserve(event_list->elements.size());
    std::size_t i = 0;
    for (const json::Node& e : event_list->elements) {
      const std::string field = "events[" + text::to_string(static_cast<std::uint64_t>(i++)) + "]";
      if (e.kind != json::Kind::object) {
        add_error(problems, Code::invalid_params, field, field + " must be an object {event, timestamp}, got " + describe(e) + ".");
        continue;
      }
      EventRecord record{CallEvent::queued, 0};
      bool ok = true;
      const json::Node* name = json::find(e, "event");
      const std::optional<CallEvent> kind =
          name && name->kind == json::Kind::string ? parse_event_name(name->text) : std::nullopt;
      if (!kind) {
        add_error(problems, Code::unknown_event, field + ".event",
                  field + ".event must be one of queued, dialing, connected, disconnected, busy, noanswer, "
                          "informationtone, canceled, rejected; got " +
                      (name ? describe(*name) : std::string("nothing")) + ".");
        ok = false;
      } else {
        record.event = *kind;
      }
      const json::Node* ts = json::find(e, "timestamp");
      const auto value = ts ? integer_of(*ts) : std::nullopt;
      if (!value) {
        add_error(problems, Code::invalid_timestamp, field + ".timestamp",
                  field + ".timestamp must be a whole number of Unix seconds, got " +
                      (ts ? describe(*ts) : std::string("nothing")) + ".");
        ok = false;
      } else {
        record.timestamp = *value;
      }
      const json::Node* reason = json::find(e, "reason");
      if (ok && record.event == CallEvent::rejected) {
        std::string why = "is missing";
        if (!reason || reason->kind != json::Kind::string || !valid_event_reason(reason->text, &why)) {
          if (reason && reason->kind != json::Kind::string) why = "must be a string, got " + describe(*reason);
          add_error(problems, Code::invalid_reason, field + ".reason",
                    field + ".reason " + why + ": a rejected event carries the carrier's reason, e.g. "
                            "\"503 Service Unavailable\".");
          ok = false;
        } else {
          record.reason = reason->text;  // the tree outlives the payload written below
        }
      } else if (ok && reason) {
        add_error(problems, Code::invalid_reason, field + ".reason",
                  field + ".reason is only for rejected events; this one is " +
                      std::string(event_name(record.event)) + ".");
        ok = false;
      }
      if (ok) events.push_back(record);
    }
  }

  std::optional<CallStatus> status;
  if (const json::Node* v = json::find(call, "status")) {
    if (v->kind == json::Kind::string) status = parse_status_name(v->text);
    if (!status)
      add_error(problems, Code::invalid_params, "status",
                "status must be one of queued, dialing, connected, completed, failed, canceled; got " + describe(*v) + ".");
  }

  std::string call_id;
  if (const json::Node* v = json::find(call, "call_id")) {
    if (v->kind == json::Kind::string) call_id = v->text;
    else if (v->kind == json::Kind::number && v->integral) call_id = v->text;
    else add_error(problems, Code::invalid_params, "call_id", "call_id must be a string, got " + describe(*v) + ".");
  }

  std::string metadata;
  if (const json::Node* v = json::find(call, "metadata")) {
    json::Node parsed;
    const json::Node* object = v;
    bool readable = true;
    if (v->kind == json::Kind::string) {
      readable = json::max_nesting(v->text) <= kMaxMetadataDepth + 1 && json::read(v->text, kCallLimits, parsed, error);
      object = &parsed;
    }
    if (readable && object->kind == json::Kind::object && nesting(*object) <= kMaxMetadataDepth + 1) {
      json::write_value(metadata, *object);
    } else if (readable && object->kind == json::Kind::object) {
      add_error(problems, Code::invalid_metadata, "metadata",
                "metadata is nested more than " + std::to_string(kMaxMetadataDepth) + " levels deep.");
    } else if (v->kind == json::Kind::string && json::max_nesting(v->text) > kMaxMetadataDepth + 1) {
      add_error(problems, Code::invalid_metadata, "metadata",
                "metadata is nested more than " + std::to_string(kMaxMetadataDepth) + " levels deep.");
    } else {
      add_error(problems, Code::invalid_metadata, "metadata",
                "metadata must be a JSON object (or its JSON text), got " + describe(*v) + ".");
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
