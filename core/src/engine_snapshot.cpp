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
// Version 3 (SPEC 14) adds "dialRate" (thousandths, 0: none) after "ringTimeout", "rateTat" (the
// pacing grid, null when unset) after "nextId", [name,lastServed,weight,hours|null,list|null]
// deployments (the last three only when not the defaults 1,0,null), options entries ending in
// hours,zone|null (only when either is set), "hours" (the interned calling hours'
// texts, the first unused) after "options", "suppressions" ([[list,[key,...]],...], keys sorted)
// before "calls", a held call's ready time (-1: none) after its events, and a ready call's when its
// calling hours released it later than its events say.
// Ids increase along "calls" and stay below nextId (compact() leaves gaps). Version 1 (still
// restored) has no nextId and no ids: the calls are 1, 2, ... in order.
#include <algorithm>
#include <charconv>

#include "call.hpp"
#include "engine_impl.hpp"
#include "result_url.hpp"
#include "json_reader.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse {

using namespace engine_detail;

namespace {

constexpr std::string_view kFormat = "fuse-outbound-engine";
constexpr std::int64_t kVersion = 3;

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
  out += ",\"dialRate\":";
  json::write_uint(out, options.dial_rate_milli);
  out += ",\"now\":";
  if (has_now) json::write_int(out, now);
  else out += "null";
  out += ",\"served\":";
  json::write_uint(out, serve_seq);
  out += ",\"nextId\":";
  json::write_uint(out, next_id());
  out += ",\"rateTat\":";
  if (rate_tat == INT64_MIN) out += "null";
  else json::write_int(out, rate_tat);
  out += ",\"deployments\":[";
  for (std::size_t i = 0; i < deployments.size(); ++i) {
    if (i) out += ',';
    out += '[';
    json::write_string(out, deployments[i].name);
    out += ',';
    json::write_uint(out, deployments[i].last_served);
    if (deployments[i].weight != 1 || deployments[i].hours || deployments[i].list != kNone) {
      out += ',';
      json::write_uint(out, deployments[i].weight);
      out += ',';
      json::write_uint(out, deployments[i].hours);
      out += ',';
      if (deployments[i].list == kNone) out += "null";
      else json::write_string(out, lists[deployments[i].list].name);
    }
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
    if (o.hours || o.zone) {
      out += ',';
      json::write_uint(out, o.hours);
      out += ',';
      if (o.zone) json::write_string(out, tz::zone_name(static_cast<tz::ZoneId>(o.zone - 1)));
      else out += "null";
    }
    out += ']';
  }
  out += "],\"hours\":[";
  for (std::size_t i = 1; i < hours_table.size(); ++i) {
    if (i > 1) out += ',';
    json::write_string(out, calling_hours_text(hours_table[i]));
  }
  out += "],\"suppressions\":[";
  for (std::size_t i = 0; i < lists.size(); ++i) {
    if (i) out += ',';
    out += '[';
    json::write_string(out, lists[i].name);
    out += ",[";
    std::vector<std::uint64_t> keys(lists[i].keys.begin(), lists[i].keys.end());
    std::sort(keys.begin(), keys.end());
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (k) out += ',';
      json::write_uint(out, keys[k]);
    }
    out += "]]";
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
    if (c.state == State::held) {
      out += ',';
      json::write_int(out, c.ready_at);
    } else if (c.state == State::ready) {
      // Released from its calling hours, a call is ready since they opened, later than its events
      // say: the time keeps its place in the queue.
      const StoredOptions& o = option_table[c.options];
      const std::int64_t derived = c.attempts == 0 ? (o.has_start && o.start > c.queued_at ? o.start : c.queued_at)
                                                   : records[n - 1].timestamp + o.reattempt_wait;
      if (c.ready_at != derived) {
        out += ',';
        json::write_int(out, c.ready_at);
      }
    }
    out += ']';
  }
  out += "]}";
}

namespace {

// Engine::restore in its steps, in the snapshot's order. Each step returns the reason the snapshot
// cannot be restored, or "" when its part was read into the engine.
class Restorer {
 public:
  explicit Restorer(std::string_view snapshot) : r_(snapshot) {}

  std::string header(EngineOptions& options);  // format, version, capacity, ringTimeout
  std::string clock(Engine::Impl& e);          // now, served, nextId
  std::string deployments(Engine::Impl& e);
  std::string option_table(Engine::Impl& e);
  std::string policy_tables(Engine::Impl& e);  // v3: hours, suppressions
  std::string calls(Engine::Impl& e);
  std::string end(Engine::Impl& e);  // the closing brace, the ids, the derived structures

 private:
  std::string call(Engine::Impl& e);
  // The events after the implicit `queued`, replayed through the call's state machine (call.hpp).
  // A rejected event's reason is kept in `reasons` as (index into list, reason).
  std::string events(const Engine::Impl& e, const StoredOptions& o, const std::string& id, std::int64_t queued_at,
                     std::vector<EventRecord>& list, std::vector<std::pair<std::size_t, std::string>>& reasons,
                     CallProgress& progress, std::int64_t& last_failure);
  std::string error() { return r_.ok() ? std::string() : r_.error(); }

  Reader r_;
  bool has_ids_ = false;
  bool v3_ = false;
  std::int64_t next_id_ = 0;
  std::vector<std::uint64_t> ids_;
  std::string str_, phone_, metadata_, state_name_, event_, reason_, list_;
  Problems found_;
};

std::string Restorer::header(EngineOptions& options) {
  std::int64_t v = 0;
  r_.expect('{');
  r_.key("format");
  r_.string(str_, "format");
  if (r_.ok() && str_ != kFormat) return "format is " + text::quote(str_) + ", expected \"fuse-outbound-engine\"";
  r_.expect(',');
  r_.key("version");
  r_.integer(v, 0, INT64_MAX, "version");
  if (r_.ok() && (v < 1 || v > kVersion)) return "version " + text::to_string(v) + " is not supported (expected 1 to 3)";
  has_ids_ = v >= 2;
  v3_ = v >= 3;
  r_.expect(',');
  r_.key("capacity");
  r_.integer(v, 0, UINT32_MAX, "capacity");
  options.capacity = static_cast<std::uint32_t>(v);
  r_.expect(',');
  r_.key("ringTimeout");
  r_.integer(v, 1, kMaxRingTimeout, "ringTimeout");
  options.ring_timeout = static_cast<std::uint32_t>(v);
  if (v3_) {
    r_.expect(',');
    r_.key("dialRate");
    r_.integer(v, 0, kMaxDialRateMilli, "dialRate");
    options.dial_rate_milli = static_cast<std::uint32_t>(v);
  }
  return error();
}

std::string Restorer::clock(Engine::Impl& e) {
  std::int64_t v = 0;
  r_.expect(',');
  r_.key("now");
  if (r_.ok() && !r_.null()) {
    r_.integer(v, 0, kMaxEngineTime, "now");
    e.has_now = true;
    e.now = v;
  }
  r_.expect(',');
  r_.key("served");
  r_.integer(v, 0, INT64_MAX, "served");
  e.serve_seq = static_cast<std::uint64_t>(v);
  if (has_ids_) {
    r_.expect(',');
    r_.key("nextId");
    r_.integer(next_id_, 1, kMaxTime, "nextId");
  }
  if (v3_) {
    r_.expect(',');
    r_.key("rateTat");
    if (r_.ok() && !r_.null()) {
      r_.integer(v, INT64_MIN + 1, (kMaxEngineTime + 1) * kMaxDialRateMilli, "rateTat");
      e.rate_tat = v;
    }
  }
  return error();
}

std::string Restorer::deployments(Engine::Impl& e) {
  std::int64_t v = 0;
  r_.expect(',');
  r_.key("deployments");
  r_.expect('[');
  for (bool first = true; r_.next_element(first);) {
    r_.expect('[');
    r_.string(str_, "deployment name");
    r_.expect(',');
    r_.integer(v, 0, static_cast<std::int64_t>(e.serve_seq), "deployment lastServed");
    std::int64_t weight = 1, hours = 0;
    bool has_list = false;
    if (v3_ && r_.ok() && r_.peek(',')) {
      r_.expect(',');
      r_.integer(weight, 1, kMaxWeight, "deployment weight");
      r_.expect(',');
      r_.integer(hours, 0, UINT32_MAX, "deployment hours");
      r_.expect(',');
      if (r_.ok() && !r_.null()) {
        r_.string(list_, "deployment suppression list");
        has_list = true;
      }
    }
    r_.expect(']');
    if (!r_.ok()) return r_.error();
    if (str_.empty()) return "a deployment has an empty name";
    if (e.deployment_index.count(str_)) return "deployment " + text::quote(str_) + " appears twice";
    if (e.deployments.size() >= kNone - 1) return "too many deployments";
    if (has_list && list_.empty()) return "a deployment names an empty suppression list";
    Deployment& d = e.deployments[e.deployment_for(str_)];
    d.last_served = static_cast<std::uint64_t>(v);
    d.weight = static_cast<std::uint32_t>(weight);
    d.hours = static_cast<std::uint32_t>(hours);  // checked against the hours table once it is read
    if (has_list) d.list = e.list_for(list_);
  }
  return error();
}

std::string Restorer::option_table(Engine::Impl& e) {
  std::int64_t v = 0;
  r_.expect(',');
  r_.key("options");
  r_.expect('[');
  for (bool first = true; r_.next_element(first);) {
    StoredOptions o;
    r_.expect('[');
    if (r_.ok() && !r_.null()) {
      r_.integer(o.start, INT64_MIN, INT64_MAX, "options start");
      o.has_start = true;
    }
    r_.expect(',');
    if (r_.ok() && !r_.null()) {
      r_.integer(o.end, INT64_MIN, INT64_MAX, "options end");
      o.has_end = true;
    }
    r_.expect(',');
    r_.integer(v, 1, kMaxAttempts, "options maxAttempts");
    o.max_attempts = static_cast<std::uint32_t>(v);
    r_.expect(',');
    r_.integer(v, 0, UINT32_MAX, "options reattemptWait");
    o.reattempt_wait = static_cast<std::uint32_t>(v);
    r_.expect(',');
    r_.integer(v, 0, 1, "options isPci");
    o.is_pci = v == 1;
    r_.expect(',');
    r_.string(o.result_url, "options resultUrl");
    if (v3_ && r_.ok() && r_.peek(',')) {
      r_.expect(',');
      r_.integer(v, 0, UINT32_MAX, "options hours");
      o.hours = static_cast<std::uint32_t>(v);
      r_.expect(',');
      if (r_.ok() && !r_.null()) {
        r_.string(str_, "options timezone");
        const auto zone = tz::find_zone(str_);
        if (r_.ok() && !zone) return "an options entry names an unknown time zone " + text::quote(str_);
        if (zone) o.zone = std::uint32_t{*zone} + 1;
      }
    }
    r_.expect(']');
    if (!r_.ok()) return r_.error();
    if (o.has_start && o.has_end && o.end <= o.start) return "an options entry ends before it starts";
    // The same rules as the inputs that could have made it.
    if (o.reattempt_wait > kMaxReattemptWait) return "an options entry waits longer than a day between attempts";
    if (!o.result_url.empty() && !result_url_problem(o.result_url).empty())
      return "an options entry's result_url " + text::quote(o.result_url, 60) + " " + result_url_problem(o.result_url);
    if (e.option_table.size() >= kNone - 1) return "too many options entries";
    const auto it = e.option_index.try_emplace(option_key(o), static_cast<std::uint32_t>(e.option_table.size())).first;
    e.option_table.push_back(std::move(o));
    e.count_option_text(it->first, e.option_table.back());
  }
  return error();
}

std::string Restorer::policy_tables(Engine::Impl& e) {
  if (!v3_) return "";
  r_.expect(',');
  r_.key("hours");
  r_.expect('[');
  for (bool first = true; r_.next_element(first);) {
    r_.string(str_, "calling hours");
    if (!r_.ok()) return r_.error();
    CallingHours h;
    found_.clear();
    if (!read_calling_hours(str_, "hours", h, found_)) return "calling hours " + text::quote(str_) + " do not read";
    if (e.intern_hours(h) != e.hours_table.size() - 1) return "calling hours " + text::quote(str_) + " appear twice";
  }
  for (const StoredOptions& o : e.option_table)
    if (o.hours >= e.hours_table.size()) return "an options entry names calling hours the snapshot does not hold";
  for (const Deployment& d : e.deployments)
    if (d.hours >= e.hours_table.size()) return "a deployment names calling hours the snapshot does not hold";
  r_.expect(',');
  r_.key("suppressions");
  r_.expect('[');
  std::size_t index = 0;
  for (bool first = true; r_.next_element(first);) {
    r_.expect('[');
    r_.string(list_, "suppression list");
    r_.expect(',');
    r_.expect('[');
    if (!r_.ok()) return r_.error();
    const bool engine_wide = index++ == 0;
    if (engine_wide != list_.empty())
      return engine_wide ? "the engine-wide suppression list is not first" : "a suppression list has an empty name";
    auto& keys = e.lists[e.list_for(list_)].keys;
    if (!keys.empty()) return "suppression list " + text::quote(list_) + " appears twice";
    std::int64_t key = 0, last = 0;
    for (bool first_key = true; r_.next_element(first_key);) {
      r_.integer(key, 1, 999999999999999, "suppressed number");
      if (!r_.ok()) return r_.error();
      if (key <= last) return "suppressed numbers are not in increasing order";
      last = key;
      keys.insert(static_cast<std::uint64_t>(key));
    }
    r_.expect(']');
  }
  return error();
}

std::string Restorer::calls(Engine::Impl& e) {
  r_.expect(',');
  r_.key("calls");
  r_.expect('[');
  for (bool first = true; r_.next_element(first);)
    if (std::string why = call(e); !why.empty()) return why;
  return error();
}

std::string Restorer::call(Engine::Impl& e) {
  std::int64_t deployment = 0, option = 0, queued_at = 0, call_number = 0, v = 0;
  r_.expect('[');
  if (has_ids_) {
    const std::int64_t least = ids_.empty() ? 1 : static_cast<std::int64_t>(ids_.back()) + 1;
    r_.integer(call_number, 1, kMaxTime, "call id");
    if (r_.ok() && (call_number < least || call_number >= next_id_))
      return "call id " + text::to_string(call_number) + " is out of order or not below nextId";
    r_.expect(',');
  } else {
    call_number = static_cast<std::int64_t>(e.calls.size()) + 1;
  }
  r_.integer(deployment, 0, static_cast<std::int64_t>(e.deployments.size()) - 1, "call deployment");
  r_.expect(',');
  r_.integer(option, 0, static_cast<std::int64_t>(e.option_table.size()) - 1, "call options");
  r_.expect(',');
  r_.string(phone_, "call phone number");
  r_.expect(',');
  r_.string(metadata_, "call metadata");
  r_.expect(',');
  r_.integer(queued_at, 0, kMaxEngineTime, "call queuedAt");
  r_.expect(',');
  r_.string(state_name_, "call state");
  r_.expect(',');
  if (!r_.ok()) return r_.error();
  const std::string id = "call " + text::to_string(call_number);
  int state = -1;
  for (int k = 0; k < static_cast<int>(kStateCount); ++k)
    if (kStateNames[k] == state_name_) state = k;
  if (state < 0) return id + " has an unknown state " + text::quote(state_name_);
  if (!e.has_now || queued_at > e.now) return id + " was queued after the engine's time";
  found_.clear();
  std::uint64_t e164 = 0;
  if (phone_.size() > kMaxDestinationChars || !check_phone(phone_, "phone_number", 0, found_, &e164) ||
      text::trim(phone_).size() != phone_.size())
    return id + " has a phone number that does not parse";
  if (!check_metadata(metadata_, "metadata", 0, found_)) return id + " has invalid metadata";
  if (e.calls.size() >= kNone - 2) return "too many calls";
  const StoredOptions& o = e.option_table[static_cast<std::size_t>(option)];

  std::vector<EventRecord> list;
  std::vector<std::pair<std::size_t, std::string>> reasons;
  CallProgress progress;
  std::int64_t last_failure = -1;
  if (std::string why = events(e, o, id, queued_at, list, reasons, progress, last_failure); !why.empty()) return why;
  bool cancel_requested = false;
  const bool in_flight = state == static_cast<int>(State::dialing) || state == static_cast<int>(State::connected);
  if (in_flight && r_.ok() && r_.peek(',')) {
    r_.expect(',');
    r_.integer(v, 1, 1, "call cancel flag");
    cancel_requested = true;
  }
  std::int64_t held_until = kNoTime, ready_since = -1;
  if (state == static_cast<int>(State::held)) {
    r_.expect(',');
    r_.integer(held_until, kNoTime, kMaxEngineTime, "held call's ready time");
  } else if (state == static_cast<int>(State::ready) && r_.ok() && r_.peek(',')) {
    r_.expect(',');
    r_.integer(ready_since, 0, kMaxEngineTime, "ready call's ready time");
  }
  r_.expect(']');
  if (!r_.ok()) return r_.error();
  if (cancel_requested && progress.status != CallStatus::dialing && progress.status != CallStatus::connected)
    return id + " has a cancel flag but no attempt under way";

  // The stored state must be the one its events lead to.
  const State s = static_cast<State>(state);
  std::int64_t ready_at = queued_at;
  bool consistent = false;
  switch (progress.status) {
    case CallStatus::queued:
      if (progress.attempts == 0) {
        const bool later = o.has_start && o.start > queued_at;
        ready_at = later ? o.start : queued_at;
        consistent = s == State::pending ? later : (s == State::ready || s == State::held) && ready_at <= e.now;
      } else {
        ready_at = last_failure + o.reattempt_wait;
        consistent = s == State::waiting || ((s == State::ready || s == State::held) && ready_at <= e.now);
      }
      break;
    default: consistent = status_of(s) == progress.status; break;
  }
  if (!consistent) return id + "'s state " + text::quote(state_name_) + " does not match its events";
  if (ready_since >= 0) {
    if (ready_since <= ready_at || ready_since > e.now) return id + " is ready since a time its events do not allow";
    ready_at = ready_since;
  }
  if (s == State::held) {
    if (held_until != kNoTime && held_until < e.now - 0 && held_until < ready_at) return id + " is held until before it was ready";
    ready_at = held_until;
  }

  const CallRef ref = e.add_call(static_cast<std::uint32_t>(deployment), static_cast<std::uint32_t>(option), phone_,
                                 e164, metadata_, queued_at, s, ready_at);
  Call& c = e.calls[ref];
  c.attempts = static_cast<std::uint8_t>(progress.attempts);
  c.cancel_requested = cancel_requested;
  std::size_t next_reason = 0;
  for (std::size_t k = 0; k < list.size(); ++k) {
    std::string_view why;
    if (next_reason < reasons.size() && reasons[next_reason].first == k) why = reasons[next_reason++].second;
    e.add_event(c, list[k].event, list[k].timestamp, why);
  }
  ids_.push_back(static_cast<std::uint64_t>(call_number));
  return "";
}

std::string Restorer::events(const Engine::Impl& e, const StoredOptions& o, const std::string& id,
                             std::int64_t queued_at, std::vector<EventRecord>& list,
                             std::vector<std::pair<std::size_t, std::string>>& reasons, CallProgress& progress,
                             std::int64_t& last_failure) {
  std::int64_t v = 0, last = queued_at;
  r_.expect('[');
  for (bool first_event = true; r_.next_element(first_event);) {
    r_.expect('[');
    r_.string(event_, "event name");
    r_.expect(',');
    r_.integer(v, 0, kMaxEngineTime, "event timestamp");
    const bool has_reason = r_.ok() && r_.peek(',');
    if (has_reason) {
      r_.expect(',');
      r_.string(reason_, "event reason");
    }
    r_.expect(']');
    if (!r_.ok()) return r_.error();
    const auto kind = parse_event_name(event_);
    if (!kind) return id + " has an unknown event " + text::quote(event_);
    if ((*kind == CallEvent::rejected) != has_reason || (has_reason && !valid_event_reason(reason_)))
      return id + " has a '" + event_ + "' event " + (has_reason ? "with a reason it cannot have" : "without its reason");
    if (v < last || v > e.now) return id + " has events out of time order";
    if (list.size() >= kMaxEventsPerCall - 1) return id + " has too many events";
    last = v;
    const bool fits = progress.step(*kind, o.max_attempts);
    if (fits && is_failed_attempt(*kind)) last_failure = v;
    if (!fits) return id + ": '" + event_ + "' cannot follow its earlier events";
    list.push_back({*kind, v, {}});
    if (has_reason) reasons.push_back({list.size() - 1, reason_});
  }
  return error();
}

std::string Restorer::end(Engine::Impl& e) {
  r_.expect('}');
  if (!r_.ok()) return r_.error();
  if (!r_.at_end()) return "unexpected text after the snapshot";
  const std::uint64_t next = has_ids_ ? static_cast<std::uint64_t>(next_id_) : ids_.size() + 1;
  e.set_ids(std::move(ids_), next);
  // Derived structures: ready queues, the eligible heap, timers.
  for (CallRef ref = 0; ref < e.calls.size(); ++ref) {
    if (e.calls[ref].state == State::ready) e.push_ready(ref);
    e.arm_timers(ref);
  }
  for (std::uint32_t d = 0; d < e.deployments.size(); ++d) e.refresh(d);
  return "";
}

}  // namespace

std::optional<Engine> Engine::restore(std::string_view snapshot, Problems& problems) {
  const auto invalid = [&problems](const std::string& why) {
    problems.push_back({Code::invalid_snapshot, Severity::error, "snapshot",
                        "This is not a snapshot this engine can restore: " + why + "."});
    return std::nullopt;
  };
  Restorer restorer(snapshot);
  EngineOptions options;
  if (std::string why = restorer.header(options); !why.empty()) return invalid(why);
  auto impl = std::make_unique<Impl>(options);
  for (auto step : {&Restorer::clock, &Restorer::deployments, &Restorer::option_table, &Restorer::policy_tables,
                    &Restorer::calls, &Restorer::end})
    if (std::string why = (restorer.*step)(*impl); !why.empty()) return invalid(why);
  return Engine(std::move(impl));
}

}  // namespace fuse
