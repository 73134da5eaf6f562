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
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse {

using namespace engine_detail;

namespace {

constexpr std::string_view kFormat = "fuse-outbound-engine";
constexpr std::int64_t kVersion = 2;
constexpr std::string_view kStateNames[kStateCount] = {"pending",   "ready",     "waiting", "dialing",
                                                       "connected", "completed", "failed",  "canceled"};

// A strict pull reader for the snapshot's fixed layout: any deviation is an error, never a crash.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message) + " (at byte " + text::to_string(std::uint64_t{i_}) + ")";
    return false;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool peek(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool expect(char c) {
    if (!ok()) return false;
    if (peek(c)) {
      ++i_;
      return true;
    }
    return fail(std::string("expected '") + c + "'");
  }
  // Before the next element of an array: true when there is one (consuming the ',' if needed).
  bool next_element(bool& first) {
    if (!ok()) return false;
    if (peek(']')) {
      ++i_;
      return false;
    }
    if (!first && !expect(',')) return false;
    first = false;
    return true;
  }
  bool at_end() {
    ws();
    return i_ == s_.size();
  }
  bool null() {
    ws();
    if (s_.substr(i_, 4) == "null") {
      i_ += 4;
      return true;
    }
    return false;
  }
  bool integer(std::int64_t& v, std::int64_t lo, std::int64_t hi, const char* what) {
    if (!ok()) return false;
    ws();
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !text::is_digit(s_[i_])) return fail(std::string(what) + ": expected an integer");
    if (s_[i_] == '0' && i_ + 1 < s_.size() && text::is_digit(s_[i_ + 1])) return fail(std::string(what) + ": leading zero");
    while (i_ < s_.size() && text::is_digit(s_[i_])) ++i_;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
      return fail(std::string(what) + ": expected an integer");
    const auto r = std::from_chars(s_.data() + start, s_.data() + i_, v);
    if (r.ec != std::errc() || v < lo || v > hi) return fail(std::string(what) + ": out of range");
    return true;
  }
  bool string(std::string& out, const char* what) {
    out.clear();
    if (!ok()) return false;
    ws();
    if (i_ >= s_.size() || s_[i_] != '"') return fail(std::string(what) + ": expected a string");
    ++i_;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return fail(std::string(what) + ": control character in string");
      if (c == '\\') {
        if (++i_ >= s_.size()) break;
        const char e = s_[i_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            std::uint32_t cp = 0;
            if (!hex4(cp)) return fail(std::string(what) + ": bad \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              std::uint32_t lo = 0;
              if (s_.substr(i_, 2) != "\\u") return fail(std::string(what) + ": lone surrogate");
              i_ += 2;
              if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail(std::string(what) + ": lone surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return fail(std::string(what) + ": lone surrogate");
            }
            append_utf8(out, cp);
            break;
          }
          default: return fail(std::string(what) + ": bad escape");
        }
        continue;
      }
      const std::size_t n = text::utf8_sequence_length(s_, i_);
      if (n == 0) return fail(std::string(what) + ": invalid UTF-8");
      out.append(s_.data() + i_, n);
      i_ += n;
    }
    return fail(std::string(what) + ": unterminated string");
  }
  bool key(std::string_view name) {
    std::string k;
    if (!string(k, "key")) return false;
    if (k != name) return fail("expected key \"" + std::string(name) + "\"");
    return expect(':');
  }

 private:
  bool hex4(std::uint32_t& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string error_;
};

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
