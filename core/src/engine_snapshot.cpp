// Engine snapshots: the logical state as canonical JSON, and restore with full validation.
//
// Only the logical state is written (options, deployments, each call's data, state and events); the
// queues and timers are derived from it on restore. Their orders are total orders over that state
// ((ready_at, call) within a deployment, (in_flight, last_served, creation) across deployments,
// (time, kind, call, attempt) for timers), so a restored engine makes the same choices, and its own
// snapshot is the same text.
//
// {"format":"fuse-outbound-engine","version":2,"capacity":n,"ringTimeout":n,"now":n|null,"served":n,
//  "nextId":n,"deployments":[[name,lastServed],...],
//  "options":[[start|null,end|null,maxAttempts,reattemptWait,isPci,resultUrl],...],
//  "calls":[[id,deployment,options,phone,metadata,queuedAt,state,[[event,timestamp(,reason)],...]],...]}
// (a rejected event carries its reason as a third element; other events have none)
// Ids increase along "calls" and stay below nextId (compact() leaves gaps). Version 1 (still
// restored) has no nextId and no ids: the calls are 1, 2, ... in order.
#include <charconv>

#include "engine_impl.hpp"
#include "result_url.hpp"
#include "json_reader.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse {

using namespace engine_detail;

namespace {

constexpr std::string_view kFormat = "fuse-outbound-engine";
constexpr std::int64_t kVersion = 2;
constexpr std::string_view kStateNames[kStateCount] = {"pending",   "ready",     "waiting", "dialing",
                                                       "connected", "completed", "failed",  "canceled"};

using Reader = json::PullReader;

}  // namespace

void Engine::Impl::write_snapshot(std::string& out, bool live_only) const {
  out.reserve(256 + calls.size() * 64 + events.size() * 24);
  out += "{\"format\":";
  json::write_string(out, kFormat);
  out += ",\"version\":";
  json::write_int(out, kVersion);
  out += ",\"capacity\":";
  json::write_uint(out, options.capacity);
  out += ",\"ringTimeout\":";
  json::write_uint(out, options.ring_timeout);
  out += ",\"now\":";
  if (has_now) json::write_int(out, now);
  else out += "null";
  out += ",\"served\":";
  json::write_uint(out, serve_seq);
  out += ",\"nextId\":";
  json::write_uint(out, next_id());
  out += ",\"deployments\":[";
  for (std::size_t i = 0; i < deployments.size(); ++i) {
    if (i) out += ',';
    out += '[';
    json::write_string(out, deployments[i].name);
    out += ',';
    json::write_uint(out, deployments[i].last_served);
    out += ']';
  }
  out += "],\"options\":[";
  for (std::size_t i = 0; i < option_table.size(); ++i) {
    const StoredOptions& o = option_table[i];
    if (i) out += ',';
    out += '[';
    if (o.has_start) json::write_int(out, o.start);
    else out += "null";
    out += ',';
    if (o.has_end) json::write_int(out, o.end);
    else out += "null";
    out += ',';
    json::write_uint(out, o.max_attempts);
    out += ',';
    json::write_uint(out, o.reattempt_wait);
    out += o.is_pci ? ",1," : ",0,";
    json::write_string(out, o.result_url);
    out += ']';
  }
  out += "],\"calls\":[";
  EventRecord records[kMaxEventsPerCall];
  bool first_call = true;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Call& c = calls[i];
    if (live_only && is_final(c.state)) continue;
    if (!first_call) out += ',';
    first_call = false;
    out += '[';
    json::write_uint(out, id_of(static_cast<CallRef>(i)));
    out += ',';
    json::write_uint(out, c.deployment);
    out += ',';
    json::write_uint(out, c.options);
    out += ',';
    json::write_string(out, phone(c));
    out += ',';
    json::write_string(out, metadata(c));
    out += ',';
    json::write_int(out, c.queued_at);
    out += ",\"";
    out += kStateNames[static_cast<int>(c.state)];
    out += "\",[";
    const std::size_t n = gather_events(c, records);
    for (std::size_t k = 1; k < n; ++k) {  // records[0] is the implicit `queued`
      if (k > 1) out += ',';
      out += "[\"";
      out += event_name(records[k].event);
      out += "\",";
      json::write_int(out, records[k].timestamp);
      if (records[k].event == CallEvent::rejected) {
        out += ',';
        json::write_string(out, records[k].reason);
      }
      out += ']';
    }
    out += ']';
    if (c.cancel_requested && (c.state == State::dialing || c.state == State::connected))
      out += ",1";  // optional: its deployment was canceled during this attempt
    out += ']';
  }
  out += "]}";
}

std::optional<Engine> Engine::restore(std::string_view snapshot, Problems& problems) {
  Reader r(snapshot);
  const auto invalid = [&problems](const std::string& why) {
    problems.push_back({Code::invalid_snapshot, Severity::error, "snapshot",
                        "This is not a snapshot this engine can restore: " + why + "."});
    return std::nullopt;
  };
  std::string str;
  std::int64_t v = 0;

  r.expect('{');
  r.key("format");
  r.string(str, "format");
  if (r.ok() && str != kFormat) return invalid("format is " + text::quote(str) + ", expected \"fuse-outbound-engine\"");
  r.expect(',');
  r.key("version");
  r.integer(v, 0, INT64_MAX, "version");
  if (r.ok() && v != 1 && v != kVersion) return invalid("version " + text::to_string(v) + " is not supported (expected 1 or 2)");
  const bool has_ids = v >= 2;
  EngineOptions options;
  r.expect(',');
  r.key("capacity");
  r.integer(v, 0, UINT32_MAX, "capacity");
  options.capacity = static_cast<std::uint32_t>(v);
  r.expect(',');
  r.key("ringTimeout");
  r.integer(v, 1, kMaxRingTimeout, "ringTimeout");
  options.ring_timeout = static_cast<std::uint32_t>(v);
  if (!r.ok()) return invalid(r.error());

  auto impl = std::make_unique<Impl>(options);
  Impl& e = *impl;
  r.expect(',');
  r.key("now");
  if (r.ok() && !r.null()) {
    r.integer(v, 0, kMaxEngineTime, "now");
    e.has_now = true;
    e.now = v;
  }
  r.expect(',');
  r.key("served");
  r.integer(v, 0, INT64_MAX, "served");
  e.serve_seq = static_cast<std::uint64_t>(v);
  std::int64_t next_id = 0;
  if (has_ids) {
    r.expect(',');
    r.key("nextId");
    r.integer(next_id, 1, kMaxTime, "nextId");
  }
  std::vector<std::uint64_t> ids;

  // deployments
  r.expect(',');
  r.key("deployments");
  r.expect('[');
  for (bool first = true; r.next_element(first);) {
    r.expect('[');
    r.string(str, "deployment name");
    r.expect(',');
    r.integer(v, 0, static_cast<std::int64_t>(e.serve_seq), "deployment lastServed");
    r.expect(']');
    if (!r.ok()) return invalid(r.error());
    if (str.empty()) return invalid("a deployment has an empty name");
    if (e.deployment_index.count(str)) return invalid("deployment " + text::quote(str) + " appears twice");
    if (e.deployments.size() >= kNone - 1) return invalid("too many deployments");
    e.deployments[e.deployment_for(str)].last_served = static_cast<std::uint64_t>(v);
  }

  // options
  r.expect(',');
  r.key("options");
  r.expect('[');
  for (bool first = true; r.next_element(first);) {
    StoredOptions o;
    r.expect('[');
    if (r.ok() && !r.null()) {
      r.integer(o.start, INT64_MIN, INT64_MAX, "options start");
      o.has_start = true;
    }
    r.expect(',');
    if (r.ok() && !r.null()) {
      r.integer(o.end, INT64_MIN, INT64_MAX, "options end");
      o.has_end = true;
    }
    r.expect(',');
    r.integer(v, 1, kMaxAttempts, "options maxAttempts");
    o.max_attempts = static_cast<std::uint32_t>(v);
    r.expect(',');
    r.integer(v, 0, UINT32_MAX, "options reattemptWait");
    o.reattempt_wait = static_cast<std::uint32_t>(v);
    r.expect(',');
    r.integer(v, 0, 1, "options isPci");
    o.is_pci = v == 1;
    r.expect(',');
    r.string(o.result_url, "options resultUrl");
    r.expect(']');
    if (!r.ok()) return invalid(r.error());
    if (o.has_start && o.has_end && o.end <= o.start) return invalid("an options entry ends before it starts");
    // The same rules as the inputs that could have made it.
    if (o.reattempt_wait > kMaxReattemptWait) return invalid("an options entry waits longer than a day between attempts");
    if (!o.result_url.empty() && !result_url_problem(o.result_url).empty())
      return invalid("an options entry's result_url " + text::quote(o.result_url, 60) + " " + result_url_problem(o.result_url));
    if (e.option_table.size() >= kNone - 1) return invalid("too many options entries");
    e.option_index.try_emplace(option_key(o), static_cast<std::uint32_t>(e.option_table.size()));
    e.option_table.push_back(std::move(o));
  }

  // calls
  r.expect(',');
  r.key("calls");
  r.expect('[');
  std::string phone, metadata, state_name, event, reason;
  Problems found;
  for (bool first = true; r.next_element(first);) {
    std::int64_t deployment = 0, option = 0, queued_at = 0, call_number = 0;
    r.expect('[');
    if (has_ids) {
      const std::int64_t least = ids.empty() ? 1 : static_cast<std::int64_t>(ids.back()) + 1;
      r.integer(call_number, 1, kMaxTime, "call id");
      if (r.ok() && (call_number < least || call_number >= next_id))
        return invalid("call id " + text::to_string(call_number) + " is out of order or not below nextId");
      r.expect(',');
    } else {
      call_number = static_cast<std::int64_t>(e.calls.size()) + 1;
    }
    r.integer(deployment, 0, static_cast<std::int64_t>(e.deployments.size()) - 1, "call deployment");
    r.expect(',');
    r.integer(option, 0, static_cast<std::int64_t>(e.option_table.size()) - 1, "call options");
    r.expect(',');
    r.string(phone, "call phone number");
    r.expect(',');
    r.string(metadata, "call metadata");
    r.expect(',');
    r.integer(queued_at, 0, kMaxEngineTime, "call queuedAt");
    r.expect(',');
    r.string(state_name, "call state");
    r.expect(',');
    if (!r.ok()) return invalid(r.error());
    const std::string id = "call " + text::to_string(call_number);
    int state = -1;
    for (int k = 0; k < static_cast<int>(kStateCount); ++k)
      if (kStateNames[k] == state_name) state = k;
    if (state < 0) return invalid(id + " has an unknown state " + text::quote(state_name));
    if (!e.has_now || queued_at > e.now) return invalid(id + " was queued after the engine's time");
    found.clear();
    if (phone.size() > kMaxDestinationChars || !check_phone(phone, "phone_number", 0, found) ||
        text::trim(phone).size() != phone.size())
      return invalid(id + " has a phone number that does not parse");
    if (!check_metadata(metadata, "metadata", 0, found)) return invalid(id + " has invalid metadata");
    if (e.calls.size() >= kNone - 2) return invalid("too many calls");
    const StoredOptions& o = e.option_table[static_cast<std::size_t>(option)];

    // Events after the implicit `queued`, replayed through the state machine.
    enum Phase { queued, dialing, connected, done_completed, done_failed, done_canceled } phase = queued;
    std::uint32_t attempts = 0;
    std::int64_t last = queued_at, last_failure = -1;
    std::vector<EventRecord> list;
    std::vector<std::pair<std::size_t, std::string>> list_reasons;  // (index into list, reason)
    r.expect('[');
    for (bool first_event = true; r.next_element(first_event);) {
      r.expect('[');
      r.string(event, "event name");
      r.expect(',');
      r.integer(v, 0, kMaxEngineTime, "event timestamp");
      const bool has_reason = r.ok() && r.peek(',');
      if (has_reason) {
        r.expect(',');
        r.string(reason, "event reason");
      }
      r.expect(']');
      if (!r.ok()) return invalid(r.error());
      const auto kind = parse_event_name(event);
      if (!kind) return invalid(id + " has an unknown event " + text::quote(event));
      if ((*kind == CallEvent::rejected) != has_reason ||
          (has_reason && !valid_event_reason(reason)))
        return invalid(id + " has a '" + event + "' event " +
                       (has_reason ? "with a reason it cannot have" : "without its reason"));
      if (v < last || v > e.now) return invalid(id + " has events out of time order");
      if (list.size() >= kMaxEventsPerCall - 1) return invalid(id + " has too many events");
      last = v;
      bool fits = false;
      switch (phase) {
        case queued:
          if (*kind == CallEvent::dialing && attempts < o.max_attempts) {
            ++attempts;
            phase = dialing;
            fits = true;
          } else if (*kind == CallEvent::canceled) {
            phase = done_canceled;
            fits = true;
          }
          break;
        case dialing:
          if (*kind == CallEvent::connected) {
            phase = connected;
            fits = true;
          } else if (is_failed_attempt(*kind)) {
            phase = attempts >= o.max_attempts ? done_failed : queued;
            last_failure = v;
            fits = true;
          }
          break;
        case connected:
          if (*kind == CallEvent::disconnected) {
            phase = done_completed;
            fits = true;
          }
          break;
        default: break;
      }
      if (!fits) return invalid(id + ": '" + event + "' cannot follow its earlier events");
      list.push_back({*kind, v, {}});
      if (has_reason) list_reasons.push_back({list.size() - 1, reason});
    }
    bool cancel_requested = false;
    if (r.ok() && r.peek(',')) {
      r.expect(',');
      r.integer(v, 1, 1, "call cancel flag");
      cancel_requested = true;
    }
    r.expect(']');
    if (!r.ok()) return invalid(r.error());
    if (cancel_requested && phase != dialing && phase != connected)
      return invalid(id + " has a cancel flag but no attempt under way");

    const State s = static_cast<State>(state);
    std::int64_t ready_at = queued_at;
    bool consistent = false;
    switch (phase) {
      case queued:
        if (attempts == 0) {
          const bool later = o.has_start && o.start > queued_at;
          ready_at = later ? o.start : queued_at;
          consistent = s == State::pending ? later : s == State::ready && ready_at <= e.now;
        } else {
          ready_at = last_failure + o.reattempt_wait;
          consistent = s == State::waiting || (s == State::ready && ready_at <= e.now);
        }
        break;
      case dialing: consistent = s == State::dialing; break;
      case connected: consistent = s == State::connected; break;
      case done_completed: consistent = s == State::completed; break;
      case done_failed: consistent = s == State::failed; break;
      case done_canceled: consistent = s == State::canceled; break;
    }
    if (!consistent) return invalid(id + "'s state " + text::quote(state_name) + " does not match its events");

    const CallRef ref = e.add_call(static_cast<std::uint32_t>(deployment), static_cast<std::uint32_t>(option), phone,
                                   metadata, queued_at, s, ready_at);
    Call& c = e.calls[ref];
    c.attempts = static_cast<std::uint8_t>(attempts);
    c.cancel_requested = cancel_requested;
    std::size_t next_reason = 0;
    for (std::size_t k = 0; k < list.size(); ++k) {
      std::string_view why;
      if (next_reason < list_reasons.size() && list_reasons[next_reason].first == k)
        why = list_reasons[next_reason++].second;
      e.add_event(c, list[k].event, list[k].timestamp, why);
    }
    ids.push_back(static_cast<std::uint64_t>(call_number));
  }
  r.expect('}');
  if (!r.ok()) return invalid(r.error());
  if (!r.at_end()) return invalid("unexpected text after the snapshot");

  const std::uint64_t next = has_ids ? static_cast<std::uint64_t>(next_id) : ids.size() + 1;
  e.set_ids(std::move(ids), next);

  // Derived structures: ready queues, the eligible heap, timers.
  for (CallRef ref = 0; ref < e.calls.size(); ++ref) {
    if (e.calls[ref].state == State::ready) e.push_ready(ref);
    e.arm_timers(ref);
  }
  for (std::uint32_t d = 0; d < e.deployments.size(); ++d) e.refresh(d);
  return Engine(std::move(impl));
}

}  // namespace fuse
