// The queue engine (SPEC 5). See fuse/engine.hpp for the contract and engine_impl.hpp for the layout.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "call.hpp"
#include "call_rules.hpp"
#include "engine_impl.hpp"
#include "json_describe.hpp"
#include "json_reader.hpp"
#include "json_writer.hpp"
#include "policy_rules.hpp"
#include "result_url.hpp"
#include "text.hpp"

namespace fuse {

using namespace engine_detail;

namespace {

constexpr int idx(State s) { return static_cast<int>(s); }

void add_error(Problems& problems, Code code, std::string field, std::string message) {
  problems.push_back({code, Severity::error, std::move(field), std::move(message)});
}

std::string num(std::int64_t v) { return text::to_string(v); }

}  // namespace

std::string engine_detail::time_range_message(const std::string& shown, bool looks_like_milliseconds) {
  std::string m = "now must be a whole number of Unix seconds from 0 to " + text::to_string(kMaxEngineTime) +
                  " (30 days past the year 9999), got " + shown + ".";
  if (looks_like_milliseconds) m += " That looks like milliseconds (Date.now()): give Math.floor(Date.now() / 1000).";
  return m;
}

namespace {

bool check_time(const Engine::Impl& e, std::int64_t now, Problems& problems) {
  if (now < 0 || now > kMaxEngineTime) {
    add_error(problems, Code::invalid_time, "now", time_range_message(num(now), now > kMaxEngineTime && now / 1000 <= kMaxEngineTime));
    return false;
  }
  if (e.has_now && now < e.now) {
    add_error(problems, Code::invalid_time, "now",
              "now (" + num(now) + ") is earlier than the engine's current time (" + num(e.now) +
                  "): time cannot go backwards.");
    return false;
  }
  return true;
}

// What the engine relies on in a call's options; returns the stored form. The window is checked
// by the queue parameters' own rules (call_rules.hpp); the attempts by the engine's looser contract
// (any wait up to a day, 0 included: the C++ API and the model tests schedule re-attempts freely).
bool check_options(const CallOptions& o, std::int64_t now, StoredOptions& out, Problems& problems) {
  const json::Node start = integer_node(o.start_timestamp.value_or(0));
  const json::Node end = integer_node(o.end_timestamp.value_or(0));
  CallOptions window;
  bool ok = check_call_rules({o.start_timestamp ? &start : nullptr, o.end_timestamp ? &end : nullptr, nullptr, nullptr},
                             call_rule_fields(CallRuleNaming::queue_params), now, window, problems);
  if (o.max_attempts < 1 || o.max_attempts > kMaxAttempts) {
    add_error(problems, Code::invalid_max_attempts, "max_attempts",
              "max_attempts must be between 1 and 10, got " + num(o.max_attempts) + ".");
    ok = false;
  }
  if (o.reattempt_wait > kMaxReattemptWait) {
    add_error(problems, Code::invalid_reattempt_wait, "reattempt_wait",
              "reattempt_wait must be at most 86400 seconds (1 day), got " + num(o.reattempt_wait) + ".");
    ok = false;
  }
  if (!o.result_url.empty()) {
    if (const std::string why = result_url_problem(o.result_url); !why.empty()) {
      add_error(problems, Code::invalid_result_url, "result_url", "result_url " + text::quote(o.result_url, 80) + " " + why);
      ok = false;
    }
  }
  out.has_start = o.start_timestamp.has_value();
  out.start = o.start_timestamp.value_or(0);
  out.has_end = o.end_timestamp.has_value();
  out.end = o.end_timestamp.value_or(0);
  out.max_attempts = o.max_attempts;
  out.reattempt_wait = o.reattempt_wait;
  out.is_pci = o.is_pci;
  out.result_url = o.result_url;
  out.zone = o.timezone ? std::uint32_t{*o.timezone} + 1 : 0;
  return ok;
}

}  // namespace

// The number must parse (it is parsed again at dial time); only its errors matter here.
bool engine_detail::check_phone(std::string_view phone, std::string_view field, std::uint64_t row, Problems& problems,
                                std::uint64_t* key) {
  Destination d;
  Problems found;
  const bool ok = parse_destination(phone, d, found, field);
  if (ok && key) *key = d.number.key();
  for (auto& p : found) {
    if (p.severity != Severity::error) continue;
    p.row = row;
    problems.push_back(std::move(p));
  }
  return ok;
}

bool engine_detail::check_metadata(std::string_view metadata, std::string_view field, std::uint64_t row, Problems& problems) {
  if (metadata.empty()) return true;
  if (metadata.size() > kMaxMetadataBytes) {
    problems.push_back({Code::metadata_too_large, Severity::error, std::string(field),
                        "metadata is " + text::with_commas(metadata.size()) + " bytes; at most 65,536 are allowed.",
                        row});
    return false;
  }
  const std::string_view t = text::trim(metadata);
  // An object whose keys are metadata variable names and whose values are scalars, as
  // validate_queue_request and the CSV validator produce (and so a snapshot holds). One level is
  // kept: a nested value is seen by its kind without being stored.
  json::Node root;
  json::ReadError error;
  std::string bad;
  bool flat = !t.empty() && t.front() == '{' && json::read(t, 1, root, error) && root.kind == json::Kind::object;
  for (std::size_t i = 0; flat && i < root.members.size(); ++i) {
    const json::Member& m = root.members[i];
    if (!is_valid_metadata_key(m.key)) bad = "the key " + text::quote(m.key, 40) + " is not a metadata variable name";
    else if (m.value.kind == json::Kind::object || m.value.kind == json::Kind::array)
      bad = std::string("a value is ") + (m.value.kind == json::Kind::object ? "an object" : "an array");
    flat = bad.empty();
  }
  if (!flat) {
    problems.push_back({Code::invalid_metadata, Severity::error, std::string(field),
                        "metadata must be the compact JSON text of a flat object" + (bad.empty() ? "" : " (" + bad + ")") +
                            ", got " + text::quote(metadata, 80) + ".",
                        row});
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Impl: state changes

std::string engine_detail::option_key(const StoredOptions& o) {
  std::string key;
  key.reserve(32 + o.result_url.size());
  const auto put = [&key](const auto& v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(o.has_start);
  put(o.start);
  put(o.has_end);
  put(o.end);
  put(o.max_attempts);
  put(o.reattempt_wait);
  put(o.is_pci);
  put(o.hours);
  put(o.zone);
  key += o.result_url;
  return key;
}

std::uint32_t Engine::Impl::intern_options(const StoredOptions& o) {
  const auto [it, inserted] = option_index.try_emplace(option_key(o), static_cast<std::uint32_t>(option_table.size()));
  if (inserted) {
    option_table.push_back(o);
    count_option_text(it->first, option_table.back());
  }
  return it->second;
}

std::uint32_t Engine::Impl::deployment_for(std::string_view name) {
  if (const auto it = deployment_index.find(name); it != deployment_index.end()) return it->second;
  const auto d = static_cast<std::uint32_t>(deployments.size());
  deployments.emplace_back();
  deployments.back().name = std::string(name);
  deployment_index.emplace(std::string(name), d);
  return d;
}

CallRef Engine::Impl::add_call(std::uint32_t deployment, std::uint32_t option, std::string_view phone,
                               std::uint64_t e164, std::string_view metadata, std::int64_t queued_at, State state,
                               std::int64_t ready_at) {
  Call c{};
  c.queued_at = queued_at;
  c.ready_at = ready_at;
  c.text = text.add(phone, metadata);
  c.e164 = e164;
  c.metadata_length = static_cast<std::uint32_t>(metadata.size());
  c.options = option;
  c.deployment = deployment;
  c.last_event = kNone;
  c.phone_length = static_cast<std::uint16_t>(phone.size());
  c.state = state;
  c.attempts = 0;
  const auto ref = static_cast<CallRef>(calls.size());
  calls.push_back(c);
  ++counts[idx(state)];
  Deployment& d = deployments[deployment];
  ++d.counts[idx(state)];
  d.open.push_back(ref);
  return ref;
}

void Engine::Impl::push_timer(std::int64_t time, CallRef call, TimerKind kind, std::uint8_t attempt) {
  if (kind == TimerKind::ring) ring_timers.push({time, call, kind, attempt});
  else timer_heap_push(timers, {time, call, kind, attempt});
}

bool Engine::Impl::pop_due_timer(std::int64_t until, Timer& out) {
  const bool heap_due = !timers.empty() && timers.front().time <= until;
  const bool ring_due = !ring_timers.empty() && ring_timers.front().time <= until;
  if (!heap_due && !ring_due) return false;
  // The two sources merged by the timers' total order: what one heap of them all would pop.
  if (ring_due && (!heap_due || timer_after(timers.front(), ring_timers.front()))) {
    out = ring_timers.front();
    ring_timers.pop();
  } else {
    out = timers.front();
    timer_heap_pop(timers);
  }
  return true;
}

void Engine::Impl::arm_timers(CallRef ref) {
  const Call& c = calls[ref];
  const StoredOptions& o = option_table[c.options];
  switch (c.state) {
    case State::pending: push_timer(c.ready_at, ref, TimerKind::start, 0); break;
    case State::waiting: push_timer(c.ready_at, ref, TimerKind::reattempt, c.attempts); break;
    case State::held:
      if (c.ready_at != kNoTime) push_timer(c.ready_at, ref, TimerKind::hours, c.attempts);
      break;
    case State::dialing:
      push_timer(last_event_time(c) + options.ring_timeout, ref, TimerKind::ring, c.attempts);
      break;
    default: break;
  }
  if (o.has_end && is_queued(c.state)) push_timer(o.end, ref, TimerKind::end, 0);
}

bool Engine::Impl::timer_live(const Timer& t) const noexcept {
  const Call& c = calls[t.call];
  switch (t.kind) {
    case TimerKind::ring: return c.state == State::dialing && c.attempts == t.attempt;
    case TimerKind::reattempt: return c.state == State::waiting && c.attempts == t.attempt;
    case TimerKind::start: return c.state == State::pending;
    case TimerKind::hours: return c.state == State::held && c.ready_at == t.time && c.attempts == t.attempt;
    default: return is_queued(c.state);
  }
}

void Engine::Impl::add_event(Call& c, CallEvent e, std::int64_t ts, std::string_view reason) {
  const auto node = static_cast<std::uint32_t>(events.size());
  events.push_back({ts, c.last_event, e});
  c.last_event = node;
  if (e == CallEvent::rejected)
    reasons.push_back({node, static_cast<std::uint32_t>(reason.size()), text.add(reason, {})});
}

std::string_view Engine::Impl::reason_of(std::uint32_t node) const noexcept {
  const auto it = std::lower_bound(reasons.begin(), reasons.end(), node,
                                   [](const engine_detail::EventReason& r, std::uint32_t n) { return r.node < n; });
  if (it == reasons.end() || it->node != node) return {};
  return text.get(it->text, 0, it->length);
}

bool Engine::Impl::deployment_before(std::uint32_t a, std::uint32_t b) const noexcept {
  const Deployment& x = deployments[a];
  const Deployment& y = deployments[b];
  // Lowest (in-flight + 1/2) / weight first: weighted max-min sharing by Webster's divisors, the
  // divisor rule closest to the exact shares (in-flight / weight alone gives every deployment a
  // line before any gets two, whatever the weights). Equal weights: fewest in flight, as before.
  const std::uint64_t fx = (2 * std::uint64_t{x.in_flight()} + 1) * y.weight;
  const std::uint64_t fy = (2 * std::uint64_t{y.in_flight()} + 1) * x.weight;
  if (fx != fy) return fx < fy;
  if (x.last_served != y.last_served) return x.last_served < y.last_served;
  return a < b;
}

void Engine::Impl::heap_place(std::size_t pos, std::uint32_t d) {
  eligible[pos] = d;
  deployments[d].heap_pos = static_cast<std::uint32_t>(pos);
}

void Engine::Impl::heap_up(std::size_t pos) {
  const std::uint32_t d = eligible[pos];
  while (pos > 0) {
    const std::size_t parent = (pos - 1) / 2;
    if (!deployment_before(d, eligible[parent])) break;
    heap_place(pos, eligible[parent]);
    pos = parent;
  }
  heap_place(pos, d);
}

void Engine::Impl::heap_down(std::size_t pos) {
  const std::uint32_t d = eligible[pos];
  const std::size_t n = eligible.size();
  for (;;) {
    std::size_t child = 2 * pos + 1;
    if (child >= n) break;
    if (child + 1 < n && deployment_before(eligible[child + 1], eligible[child])) ++child;
    if (!deployment_before(eligible[child], d)) break;
    heap_place(pos, eligible[child]);
    pos = child;
  }
  heap_place(pos, d);
}

void Engine::Impl::heap_remove(std::size_t pos) {
  deployments[eligible[pos]].heap_pos = kNone;
  const std::uint32_t last = eligible.back();
  eligible.pop_back();
  if (pos < eligible.size()) {
    heap_place(pos, last);
    heap_up(pos);
    heap_down(deployments[last].heap_pos);
  }
}

// Re-files deployment d in the eligible heap after its in-flight count, last dial or ready count changed.
void Engine::Impl::refresh(std::uint32_t d) {
  Deployment& dep = deployments[d];
  if (dep.ready_count() == 0) {
    if (dep.heap_pos != kNone) heap_remove(dep.heap_pos);
    // Whatever is left in the queue belongs to calls that are no longer ready.
    dep.ready.fifo.clear();
    dep.ready.head = 0;
    dep.ready.late.clear();
    return;
  }
  if (dep.heap_pos == kNone) {
    eligible.push_back(d);
    heap_up(eligible.size() - 1);
  } else {
    heap_up(dep.heap_pos);
    heap_down(dep.heap_pos);
  }
}

void Engine::Impl::set_state(CallRef ref, State s) {
  Call& c = calls[ref];
  const State old = c.state;
  Deployment& d = deployments[c.deployment];
  --counts[idx(old)];
  ++counts[idx(s)];
  --d.counts[idx(old)];
  ++d.counts[idx(s)];
  c.state = s;
  // The deployment's place in the eligible heap depends on its ready count and calls in flight
  // (dialing -> connected changes neither).
  const auto in_flight = [](State x) { return x == State::dialing || x == State::connected; };
  if ((old == State::ready) != (s == State::ready) || in_flight(old) != in_flight(s)) refresh(c.deployment);
}

bool Engine::Impl::ready_before(CallRef a, CallRef b) const noexcept {
  const std::int64_t ta = calls[a].ready_at, tb = calls[b].ready_at;
  return ta != tb ? ta < tb : a < b;
}

void Engine::Impl::push_ready(CallRef ref) {
  engine_detail::ReadyQueue& q = deployments[calls[ref].deployment].ready;
  if (q.head == q.fifo.size() || !ready_before(ref, q.fifo.back())) {
    q.fifo.push_back(ref);
  } else {
    q.late.push_back(ref);
    std::push_heap(q.late.begin(), q.late.end(), [this](CallRef a, CallRef b) { return ready_before(b, a); });
  }
}

CallRef Engine::Impl::pop_ready(Deployment& d) {
  engine_detail::ReadyQueue& q = d.ready;
  const auto later = [this](CallRef a, CallRef b) { return ready_before(b, a); };
  while (q.head < q.fifo.size() && calls[q.fifo[q.head]].state != State::ready) ++q.head;
  while (!q.late.empty() && calls[q.late.front()].state != State::ready) {
    std::pop_heap(q.late.begin(), q.late.end(), later);
    q.late.pop_back();
  }
  CallRef ref = kNone;
  const bool has_fifo = q.head < q.fifo.size();
  if (!q.late.empty() && (!has_fifo || ready_before(q.late.front(), q.fifo[q.head]))) {
    ref = q.late.front();
    std::pop_heap(q.late.begin(), q.late.end(), later);
    q.late.pop_back();
  } else if (has_fifo) {
    ref = q.fifo[q.head++];
  }
  if (q.head == q.fifo.size()) {
    q.fifo.clear();
    q.head = 0;
  } else if (q.head >= 1024 && q.head * 2 >= q.fifo.size()) {
    q.fifo.erase(q.fifo.begin(), q.fifo.begin() + static_cast<std::ptrdiff_t>(q.head));
    q.head = 0;
  }
  return ref;
}

void Engine::Impl::make_ready(CallRef ref, std::int64_t ready_at) {
  calls[ref].ready_at = ready_at;
  set_state(ref, State::ready);
  push_ready(ref);
}

void Engine::Impl::finish(CallRef ref, State final_state, std::int64_t ts, Actions& actions) {
  set_state(ref, final_state);
  Action a{Action::Type::result, ref, ts};
  a.status = status_of(final_state);
  actions.push_back(a);
}

void Engine::Impl::fail_attempt(CallRef ref, std::int64_t ts, Actions& actions) {
  Call& c = calls[ref];
  const StoredOptions& o = option_table[c.options];
  if (c.attempts >= o.max_attempts) {
    finish(ref, State::failed, ts, actions);
  } else if (c.cancel_requested || (o.has_end && ts >= o.end)) {
    // Canceled while this attempt was under way, or the window closed meanwhile: no re-attempt.
    add_event(c, CallEvent::canceled, ts);
    finish(ref, State::canceled, ts, actions);
  } else {
    c.ready_at = ts + o.reattempt_wait;
    set_state(ref, State::waiting);
    arm_timers(ref);
  }
}

void Engine::Impl::process_timers(std::int64_t until, Actions& actions) {
  Timer t;
  while (pop_due_timer(until, t)) {
    if (!timer_live(t)) continue;
    Call& c = calls[t.call];
    switch (t.kind) {
      case TimerKind::ring: {
        add_event(c, CallEvent::noanswer, t.time);
        Action a{Action::Type::hangup, t.call, t.time};
        a.reason = CallEvent::noanswer;
        actions.push_back(a);
        fail_attempt(t.call, t.time, actions);
        break;
      }
      case TimerKind::reattempt:
      case TimerKind::start:
      case TimerKind::hours: make_ready(t.call, t.time); break;
      case TimerKind::end:
        add_event(c, CallEvent::canceled, t.time);
        finish(t.call, State::canceled, t.time, actions);
        break;
    }
  }
}

// Dial-time policy (SPEC 14), judged as each call comes up to dial: pacing first (a call not dialed
// stays first in line), then suppression (canceled at once, no line used), then calling hours
// (held until they open).
void Engine::Impl::dial_free_lines(std::int64_t at, Actions& actions) {
  while (in_flight() < options.capacity && !eligible.empty() && rate_allows(at)) {
    const std::uint32_t d = eligible.front();
    const CallRef ref = pop_ready(deployments[d]);
    if (ref == kNone) break;  // cannot happen: a deployment is eligible only with a ready call
    Call& c = calls[ref];
    if (call_suppressed(c)) {
      add_event(c, CallEvent::suppressed, at);
      finish(ref, State::canceled, at, actions);
      continue;
    }
    if (hours_of(c) && !inside_hours(c, at)) {
      hold(ref, hours_open_after(c, at));
      continue;
    }
    rate_spend(at);
    ++c.attempts;
    add_event(c, CallEvent::dialing, at);
    deployments[d].last_served = ++serve_seq;
    set_state(ref, State::dialing);
    push_timer(at + options.ring_timeout, ref, TimerKind::ring, c.attempts);
    Action a{Action::Type::dial, ref, at};
    a.attempt = c.attempts;
    actions.push_back(a);
  }
}

bool Engine::Impl::rate_allows(std::int64_t at) const noexcept {
  return options.dial_rate_milli == 0 || rate_tat <= at * std::int64_t{options.dial_rate_milli};
}

std::int64_t Engine::Impl::rate_next_time() const noexcept {
  const std::int64_t r = options.dial_rate_milli;
  return rate_tat <= 0 ? 0 : (rate_tat + r - 1) / r;
}

// The grid never lags more than a second behind `at` (so idle time saves up no burst) and moves
// one dial on: at most ceil(rate x S) dials in any S seconds, exactly `rate` while calls wait.
void Engine::Impl::rate_spend(std::int64_t at) noexcept {
  const std::int64_t r = options.dial_rate_milli;
  if (r == 0) return;
  rate_tat = std::max(rate_tat, (at - 1) * r + 1) + 1000;
}

// The call's E.164 key: the one stored when it was queued, else parsed again (checked then).
std::uint64_t Engine::Impl::number_key(const Call& c) const {
  if (c.e164 != 0) return c.e164;
  Destination dest;
  Problems ignored;
  return parse_destination(phone(c), dest, ignored) ? dest.number.key() : 0;
}

bool Engine::Impl::call_suppressed(const Call& c) const {
  if (lists.size() == 1 && lists[0].keys.empty()) return false;
  const std::uint64_t key = number_key(c);
  if (lists[0].keys.count(key)) return true;
  const std::uint32_t list = deployments[c.deployment].list;
  return list != kNone && lists[list].keys.count(key) > 0;
}

const CallingHours* Engine::Impl::hours_of(const Call& c) const noexcept {
  const std::uint32_t own = option_table[c.options].hours;
  const std::uint32_t h = own ? own : deployments[c.deployment].hours;
  return h ? &hours_table[h] : nullptr;
}

std::span<const tz::ZoneId> Engine::Impl::zones_of(const Call& c, tz::ZoneId& scratch) const {
  if (const std::uint32_t zone = option_table[c.options].zone) {
    scratch = static_cast<tz::ZoneId>(zone - 1);
    return {&scratch, 1};
  }
  const std::uint64_t key = number_key(c);
  ZonesMemo& m = zones_memo[key % zones_memo.size()];
  if (m.key != key || key == 0) m = {key, zones_for_key(key)};
  return m.zones;
}

const HoursMemo& Engine::Impl::hours_state(const Call& c, std::int64_t at) const {
  const std::uint32_t own = option_table[c.options].hours;
  const std::uint32_t h = own ? own : deployments[c.deployment].hours;
  const std::uint32_t zone = option_table[c.options].zone;
  tz::ZoneId scratch = 0;
  const std::span<const tz::ZoneId> zones = zones_of(c, scratch);
  const tz::ZoneId* key = zone ? nullptr : zones.data();
  HoursMemo& m = hours_memo[(h * 31 + zone * 7 + (reinterpret_cast<std::uintptr_t>(key) >> 1)) % hours_memo.size()];
  if (m.hours == h && m.zone == zone && m.zones == key && m.zone_count == zones.size() && m.from <= at && at < m.until)
    return m;
  const CallingHours& hours = hours_table[h];
  m = HoursMemo{h, zone, key, zones.size(), at, at + 8 * 86400, at, inside_calling_hours(hours, zones, at)};
  if (m.inside) {
    if (const auto close = calling_hours_close(hours, zones, at)) m.until = *close;
  } else {
    const auto open = next_calling_time(hours, zones, at, at + 8 * 86400);
    m.open = open ? *open : kNoTime;
    if (open) m.until = *open;
  }
  return m;
}

bool Engine::Impl::inside_hours(const Call& c, std::int64_t at) const { return hours_state(c, at).inside; }

std::int64_t Engine::Impl::hours_open_after(const Call& c, std::int64_t at) const {
  const StoredOptions& o = option_table[c.options];
  const std::int64_t open = hours_state(c, at).open;
  return open == kNoTime || (o.has_end && open >= o.end) ? kNoTime : open;
}

void Engine::Impl::hold(CallRef ref, std::int64_t open_at) {
  calls[ref].ready_at = open_at;
  set_state(ref, State::held);
  if (open_at != kNoTime) push_timer(open_at, ref, TimerKind::hours, calls[ref].attempts);
}

std::uint32_t Engine::Impl::intern_hours(const CallingHours& h) {
  const auto [it, inserted] = hours_index.try_emplace(calling_hours_text(h), static_cast<std::uint32_t>(hours_table.size()));
  if (inserted) hours_table.push_back(h);
  return it->second;
}

std::uint32_t Engine::Impl::list_for(std::string_view name) {
  for (std::uint32_t i = 0; i < lists.size(); ++i)
    if (lists[i].name == name) return i;
  lists.push_back({std::string(name), {}});
  return static_cast<std::uint32_t>(lists.size() - 1);
}

void Engine::Impl::rejudge_held(std::uint32_t d) {
  if (!has_now) return;
  for (const CallRef ref : deployments[d].open) {
    const Call& c = calls[ref];
    if (c.state != State::held) continue;
    if (!hours_of(c) || inside_hours(c, now)) {
      make_ready(ref, now);
    } else {
      const std::int64_t open = hours_open_after(c, now);
      if (open != c.ready_at) hold(ref, open);  // hold() re-arms; the old timer no longer matches
    }
  }
}

std::size_t Engine::Impl::gather_events(const Call& c, EventRecord* out) const noexcept {
  std::size_t n = 0;
  for (std::uint32_t e = c.last_event; e != kNone && n < kMaxEventsPerCall - 1; e = events[e].prev)
    out[++n] = {events[e].event, events[e].timestamp,
                events[e].event == CallEvent::rejected ? reason_of(e) : std::string_view{}};
  out[0] = {CallEvent::queued, c.queued_at};
  std::reverse(out + 1, out + n + 1);
  return n + 1;
}

// ---------------------------------------------------------------------------------------------
// Engine

bool Engine::validate_options(const EngineOptions& options, Problems& problems) {
  if (options.dial_rate_milli > kMaxDialRateMilli) {
    add_error(problems, Code::invalid_option, "dialRate", "dialRate must be at most 10000 dials per second.");
    return false;
  }
  if (options.ring_timeout < 1 || options.ring_timeout > kMaxRingTimeout) {
    add_error(problems, Code::invalid_option, "ringTimeout",
              "ringTimeout must be between 1 and 86400 seconds, got " + num(options.ring_timeout) + ".");
    return false;
  }
  return true;
}

bool Engine::read_time(double now, std::int64_t& out, Problems& problems) {
  constexpr auto kMax = static_cast<double>(kMaxEngineTime);
  if (!std::isfinite(now) || now != std::floor(now) || now < 0 || now > kMax) {
    std::string shown;
    json::write_double(shown, now);
    add_error(problems, Code::invalid_time, "now",
              time_range_message(shown, std::isfinite(now) && now > kMax && now / 1000 <= kMax));
    return false;
  }
  out = static_cast<std::int64_t>(now);
  return true;
}

bool Engine::read_options(std::string_view options_json, EngineOptions& out, Problems& problems) {
  out = EngineOptions{};
  json::Node root;
  json::ReadError error;
  if (!json::read(options_json, 1, root, error) || root.kind != json::Kind::object) {
    add_error(problems, Code::invalid_option, "", "Engine options must be an object {capacity, ringTimeout?}.");
    return false;
  }
  const auto fail = [&problems](std::string field, std::string message) {
    add_error(problems, Code::invalid_option, std::move(field), std::move(message));
    return false;
  };
  bool has_capacity = false;
  for (const json::Member& m : root.members) {
    if (m.duplicate) continue;  // the first of them holds the last value
    const json::Node& v = m.value;
    const bool whole = v.kind == json::Kind::number && v.integral && v.integer >= 0;
    if (m.key == "capacity") {
      if (!whole || v.integer > 4294967295)
        return fail("capacity", "capacity must be a whole number of lines from 0 to 4294967295, got " + json::describe(v) + ".");
      out.capacity = static_cast<std::uint32_t>(v.integer);
      has_capacity = true;
    } else if (m.key == "dialRate") {
      if (v.kind == json::Kind::null) continue;  // no limit
      std::uint32_t milli = 0;
      if (!read_dial_rate_value(v.kind == json::Kind::number ? v.number : NAN, json::describe(v), Code::invalid_option, milli,
                                problems))
        return false;
      out.dial_rate_milli = milli;
    } else if (m.key == "ringTimeout") {
      if (v.kind == json::Kind::null) continue;  // the default
      if (!whole || v.integer < 1 || v.integer > kMaxRingTimeout)
        return fail("ringTimeout", "ringTimeout must be a whole number of seconds from 1 to 86400, got " + json::describe(v) + ".");
      out.ring_timeout = static_cast<std::uint32_t>(v.integer);
    } else {
      return fail(m.key, "Unknown engine option " + text::quote(m.key) + ": the options are capacity, ringTimeout and dialRate.");
    }
  }
  if (!has_capacity) return fail("capacity", "capacity is required: the number of concurrent outbound lines.");
  return validate_options(out, problems);
}

void Engine::Impl::reset(const EngineOptions& o) {
  options = o;
  has_now = false;
  now = 0;
  serve_seq = 0;
  calls.clear();
  events.clear();
  text.clear();
  reasons.clear();
  option_table.clear();
  option_index.clear();
  option_text_bytes = 0;
  deployments.clear();
  deployment_index.clear();
  eligible.clear();
  timers.clear();
  ring_timers.clear();
  std::fill(std::begin(counts), std::end(counts), std::uint64_t{0});
  kept_ids.clear();
  id_base = 1;
  rate_tat = INT64_MIN;
  hours_memo = {};
  zones_memo = {};
  hours_table.resize(1);
  hours_index.clear();
  lists.resize(1);
  lists[0].keys.clear();
}

void Engine::Impl::set_ids(std::vector<std::uint64_t>&& ids, std::uint64_t next) {
  std::size_t k = ids.size();
  while (k > 0 && ids[k - 1] == next - (ids.size() - k) - 1) --k;
  id_base = k == ids.size() ? next : ids[k];
  ids.resize(k);
  ids.shrink_to_fit();
  kept_ids = std::move(ids);
}

Engine::Engine(const EngineOptions& options) : impl_(std::make_unique<Impl>(options)) {}
void Engine::reset(const EngineOptions& options) { impl_->reset(options); }
Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

namespace {

// Room for `more` entries, growing geometrically: an upload queued in batches must not reallocate
// (and copy) the whole list for every batch, as reserving the exact size would.
template <typename Vector>
void reserve_for(Vector& v, std::size_t more) {
  const std::size_t needed = v.size() + more;
  if (needed > v.capacity()) v.reserve(std::max(needed, v.capacity() * 2));
}

// The one enqueue path. `single` is Engine::enqueue's one request: its problems name the request's
// fields (phone_number, row 0) instead of the CSV's (destination, row i + 1).
bool enqueue_rows(Engine::Impl& e, std::string_view deployment, const CallOptions& shared,
                  std::span<const EngineRow> rows, std::int64_t now, bool single, CallRef& first,
                  Problems& problems, std::span<const RowPolicy> policies = {}) {
  if (!check_time(e, now, problems)) return false;
  bool ok = true;
  if (deployment.empty()) {
    add_error(problems, Code::invalid_params, "deployment", "The deployment must be a non-empty name.");
    ok = false;
  }
  StoredOptions stored;
  ok &= check_options(shared, now, stored, problems);
  if (ok && shared.calling_hours) stored.hours = e.intern_hours(*shared.calling_hours);
  // The unchecked rows' numbers as parsed here (their E.164 keys), so that no dial parses them again.
  std::vector<std::uint64_t> keys;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].checked) continue;
    if (keys.empty()) keys.resize(rows.size());
    ok &= check_phone(text::trim(rows[i].phone_number), single ? "phone_number" : "destination", single ? 0 : i + 1,
                      problems, &keys[i]);
    ok &= check_metadata(rows[i].metadata, "metadata", single ? 0 : i + 1, problems);
  }
  if (ok && e.calls.size() + rows.size() >= kNone - 1) {
    add_error(problems, Code::invalid_params, "", "The engine holds the most calls it can (4,294,967,294).");
    ok = false;
  }
  if (!ok) return false;
  first = static_cast<CallRef>(e.calls.size());
  if (rows.empty()) return true;
  const std::uint32_t option = e.intern_options(stored);
  const std::uint32_t d = e.deployment_for(deployment);
  // (By value: interning a row's own options below may move the table.)
  const std::int64_t start = e.option_table[option].start;
  const bool later = e.option_table[option].has_start && start > now;
  reserve_for(e.deployments[d].open, rows.size());
  if (!later) reserve_for(e.deployments[d].ready.fifo, rows.size());
  // Rows with their own policy: one options entry per policy, interned on first use.
  std::vector<std::uint32_t> policy_options;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const EngineRow& row = rows[i];
    const std::uint64_t e164 = row.checked ? row.e164 : keys[i];
    std::uint32_t row_option = option;
    if (row.policy && row.policy <= policies.size()) {
      if (policy_options.empty()) policy_options.assign(policies.size(), kNone);
      std::uint32_t& cached = policy_options[row.policy - 1];
      if (cached == kNone) {
        StoredOptions own = e.option_table[option];
        const RowPolicy& rp = policies[row.policy - 1];
        if (rp.calling_hours) own.hours = e.intern_hours(*rp.calling_hours);
        if (rp.timezone) own.zone = std::uint32_t{*rp.timezone} + 1;
        cached = e.intern_options(own);
      }
      row_option = cached;
    }
    const CallRef ref = e.add_call(d, row_option, text::trim(row.phone_number), e164, row.metadata, now,
                                   later ? State::pending : State::ready, later ? start : now);
    if (!later) e.push_ready(ref);
    e.arm_timers(ref);
  }
  if (!later) e.refresh(d);
  e.has_now = true;
  e.now = now;
  return true;
}

}  // namespace

std::optional<CallRef> Engine::enqueue(std::string_view deployment, const QueueRequest& request, std::int64_t now,
                                       Problems& problems) {
  const EngineRow row{request.phone_number, request.metadata};
  CallRef ref = 0;
  if (!enqueue_rows(*impl_, deployment, request.options, {&row, 1}, now, true, ref, problems)) return std::nullopt;
  return ref;
}

bool Engine::enqueue_many(std::string_view deployment, const CallOptions& shared, std::span<const EngineRow> rows,
                          std::int64_t now, CallRef& first, Problems& problems, std::span<const RowPolicy> policies) {
  return enqueue_rows(*impl_, deployment, shared, rows, now, false, first, problems, policies);
}

bool Engine::advance(std::int64_t now, Actions& actions, Problems& problems) {
  Impl& e = *impl_;
  if (!check_time(e, now, problems)) return false;
  e.has_now = true;
  e.now = now;
  e.process_timers(now, actions);
  e.dial_free_lines(now, actions);
  return true;
}

bool Engine::report(std::string_view call_id, std::string_view event, std::int64_t now, Actions& actions,
                    Problems& problems) {
  return report(call_id, event, {}, now, actions, problems);
}

bool Engine::report(CallRef ref, CallEvent event, std::int64_t now, Actions& actions, Problems& problems) {
  return report(ref, event, {}, now, actions, problems);
}

bool Engine::report(std::string_view call_id, std::string_view event, std::string_view reason, std::int64_t now,
                    Actions& actions, Problems& problems) {
  const auto ref = find_call(call_id);
  if (!ref) {
    add_error(problems, Code::unknown_call, "callId", "There is no call " + text::quote(call_id) + " in this engine.");
    return false;
  }
  const auto kind = parse_event_name(event);
  if (!kind) {
    add_error(problems, Code::unknown_event, "event",
              "Unknown event " + text::quote(event) +
                  ": report connected, disconnected, busy, noanswer, informationtone or rejected.");
    return false;
  }
  return report(*ref, *kind, reason, now, actions, problems);
}

bool Engine::report(CallRef ref, CallEvent event, std::string_view reason, std::int64_t now, Actions& actions,
                    Problems& problems) {
  Impl& e = *impl_;
  if (ref >= e.calls.size()) {
    add_error(problems, Code::unknown_call, "callId", "There is no call with ref " + num(std::int64_t{ref}) + " in this engine.");
    return false;
  }
  if (!check_time(e, now, problems)) return false;
  const Call& c = e.calls[ref];
  // Messages name the call and the event; they are built only when a report is refused.
  const auto name = [event] { return std::string(event_name(event)); };
  if (event == CallEvent::queued || event == CallEvent::dialing || event == CallEvent::canceled ||
      event == CallEvent::suppressed) {
    add_error(problems, Code::invalid_transition, "event",
              "'" + name() + "' is raised by the engine itself; report connected, disconnected, busy, noanswer, "
              "informationtone or rejected.");
    return false;
  }
  if (event == CallEvent::rejected) {
    std::string why;
    if (!valid_event_reason(reason, &why)) {
      add_error(problems, Code::invalid_reason, "reason",
                "The reason of 'rejected' " + why + (reason.empty() ? "" : " (" + text::quote(reason) + ")") +
                    ": give the carrier's answer, e.g. \"503 Service Unavailable\" (at most 256 bytes, one line).");
      return false;
    }
  } else if (!reason.empty()) {
    add_error(problems, Code::invalid_reason, "reason",
              "Only 'rejected' carries a reason; '" + name() + "' takes none (got " + text::quote(reason) + ").");
    return false;
  }
  const bool needs_dialing = event != CallEvent::disconnected;
  // The call's state machine (call.hpp) says whether the event may follow.
  CallProgress progress{status_of(c.state), c.attempts};
  if (!progress.step(event, e.option_table[c.options].max_attempts)) {
    add_error(problems, Code::invalid_transition, "event",
              "Call " + call_id(ref) + " is " + std::string(status_name(status_of(c.state))) + "; '" + name() +
                  "' is only valid while it is " + (needs_dialing ? "dialing." : "connected."));
    return false;
  }
  if (needs_dialing) {
    const std::int64_t timeout = e.last_event_time(c) + e.options.ring_timeout;
    if (timeout <= now) {
      add_error(problems, Code::invalid_transition, "event",
                "Call " + call_id(ref) + " stopped ringing at " + num(timeout) + " (no answer after " +
                    num(e.options.ring_timeout) + " s); '" + name() + "' at " + num(now) + " comes too late.");
      return false;
    }
  }
  e.has_now = true;
  e.now = now;
  e.process_timers(now, actions);  // cannot touch this call: its only timer is due after `now`
  Call& call = e.calls[ref];
  e.add_event(call, event, now, reason);
  if (event == CallEvent::connected) {
    e.set_state(ref, State::connected);
  } else if (event == CallEvent::disconnected) {
    e.finish(ref, State::completed, now, actions);
  } else {
    e.fail_attempt(ref, now, actions);
  }
  e.process_timers(now, actions);  // a re-attempt without wait is ready at once
  e.dial_free_lines(now, actions);
  return true;
}

bool Engine::cancel_deployment(std::string_view deployment, std::int64_t now, Actions& actions,
                               Problems& problems) {
  Impl& e = *impl_;
  if (!check_time(e, now, problems)) return false;
  e.has_now = true;
  e.now = now;
  e.process_timers(now, actions);
  if (const auto it = e.deployment_index.find(deployment); it != e.deployment_index.end()) {
    auto& open = e.deployments[it->second].open;
    std::size_t kept = 0;
    for (const CallRef ref : open) {
      Call& c = e.calls[ref];
      if (is_queued(c.state)) {
        e.add_event(c, CallEvent::canceled, now);
        e.finish(ref, State::canceled, now, actions);
      } else if (!engine_detail::is_final(c.state)) {
        c.cancel_requested = true;  // in flight: its attempt ends as the carrier says, then no more
        open[kept++] = ref;
      }
    }
    open.resize(kept);
  }
  e.dial_free_lines(now, actions);
  return true;
}

void Engine::set_capacity(std::uint32_t capacity) noexcept { impl_->options.capacity = capacity; }

bool Engine::set_dial_rate(std::uint32_t milli, Problems& problems) {
  Impl& e = *impl_;
  if (milli > kMaxDialRateMilli) {
    add_error(problems, Code::invalid_option, "dialRate", "dialRate must be at most 10000 dials per second.");
    return false;
  }
  const std::int64_t old = e.options.dial_rate_milli;
  // The grid's position carries over in seconds (the dials made count against the new rate).
  if (old && milli && e.rate_tat != INT64_MIN) {
    const std::int64_t whole = e.rate_tat / old, part = e.rate_tat % old;
    e.rate_tat = whole * milli + (part * milli + old - 1) / old;
  } else {
    e.rate_tat = INT64_MIN;
  }
  e.options.dial_rate_milli = milli;
  return true;
}

std::uint32_t Engine::dial_rate() const noexcept { return impl_->options.dial_rate_milli; }

namespace {
// The weight's range, in one message for a policy read from JSON and one set directly.
std::string weight_message(const std::string& given) {
  return "weight must be a whole number from 1 to " + std::to_string(kMaxWeight) + ", got " + given + ".";
}
}  // namespace

bool Engine::read_deployment_policy(std::string_view policy_json, DeploymentPolicy& policy, Problems& problems) {
  json::Node root;
  json::ReadError error;
  const auto fail = [&problems](Code code, std::string field, std::string message) {
    add_error(problems, code, std::move(field), std::move(message));
    return false;
  };
  // Level 2: the members of an object-valued callingHours.
  if (!json::read(policy_json, 2, root, error) || root.kind != json::Kind::object)
    return fail(Code::invalid_option, "", "A deployment's policy must be an object {weight?, callingHours?, suppressionList?}.");
  DeploymentPolicy out = policy;
  for (const json::Member& m : root.members) {
    if (m.duplicate) continue;
    const json::Node& v = m.value;
    if (m.key == "weight") {
      if (v.kind != json::Kind::number || !v.integral || v.integer < 1 || v.integer > kMaxWeight)
        return fail(Code::invalid_option, "weight", weight_message(json::describe(v)));
      out.weight = static_cast<std::uint32_t>(v.integer);
    } else if (m.key == "callingHours") {
      if (v.kind == json::Kind::null) {
        out.calling_hours.reset();
        continue;
      }
      if (!read_calling_hours_value(v, "callingHours", out.calling_hours, problems)) return false;
    } else if (m.key == "suppressionList") {
      if (v.kind == json::Kind::null) {
        out.suppression_list.clear();
        continue;
      }
      if (v.kind != json::Kind::string || v.text.size() > 256)
        return fail(Code::invalid_option, "suppressionList",
                    "suppressionList must be a list's name (a string of at most 256 bytes), got " + json::given_kind(v) + ".");
      out.suppression_list = v.text;
    } else {
      return fail(Code::invalid_option, m.key,
                  "Unknown deployment option " + text::quote(m.key) + ": the options are weight, callingHours and suppressionList.");
    }
  }
  policy = std::move(out);
  return true;
}

bool Engine::set_deployment_policy(std::string_view deployment, const DeploymentPolicy& policy, Problems& problems) {
  Impl& e = *impl_;
  if (deployment.empty()) {
    add_error(problems, Code::invalid_params, "deployment", "The deployment must be a non-empty name.");
    return false;
  }
  if (policy.weight < 1 || policy.weight > kMaxWeight) {
    add_error(problems, Code::invalid_option, "weight", weight_message(num(policy.weight)));
    return false;
  }
  const std::uint32_t d = e.deployment_for(deployment);
  Deployment& dep = e.deployments[d];
  dep.weight = policy.weight;
  dep.hours = policy.calling_hours ? e.intern_hours(*policy.calling_hours) : 0;
  dep.list = policy.suppression_list.empty() ? kNone : e.list_for(policy.suppression_list);
  e.refresh(d);
  e.rejudge_held(d);
  return true;
}

DeploymentPolicy Engine::deployment_policy(std::string_view deployment) const {
  const Impl& e = *impl_;
  DeploymentPolicy out;
  const auto it = e.deployment_index.find(deployment);
  if (it == e.deployment_index.end()) return out;
  const Deployment& d = e.deployments[it->second];
  out.weight = d.weight;
  if (d.hours) out.calling_hours = e.hours_table[d.hours];
  if (d.list != kNone) out.suppression_list = e.lists[d.list].name;
  return out;
}

namespace {
bool suppression_key(std::string_view number, std::uint64_t& key, Problems& problems) {
  Destination dest;
  Problems found;
  if (!parse_destination(number, dest, found)) {
    for (auto& p : found)
      if (p.severity == Severity::error) problems.push_back(std::move(p));
    return false;
  }
  key = dest.number.key();
  return true;
}
}  // namespace

bool Engine::suppress(std::string_view list, std::string_view number, bool& changed, Problems& problems) {
  std::uint64_t key = 0;
  if (!suppression_key(number, key, problems)) return false;
  changed = impl_->lists[impl_->list_for(list)].keys.insert(key).second;
  return true;
}

bool Engine::unsuppress(std::string_view list, std::string_view number, bool& changed, Problems& problems) {
  std::uint64_t key = 0;
  if (!suppression_key(number, key, problems)) return false;
  changed = impl_->lists[impl_->list_for(list)].keys.erase(key) > 0;
  return true;
}

bool Engine::is_suppressed(std::string_view list, std::string_view number, bool& suppressed, Problems& problems) const {
  std::uint64_t key = 0;
  if (!suppression_key(number, key, problems)) return false;
  suppressed = false;
  for (const auto& l : impl_->lists)
    if (l.name == list) suppressed = l.keys.count(key) > 0;
  return true;
}

std::uint64_t Engine::suppressed_count() const noexcept {
  std::uint64_t n = 0;
  for (const auto& l : impl_->lists) n += l.keys.size();
  return n;
}
std::uint32_t Engine::capacity() const noexcept { return impl_->options.capacity; }
std::uint32_t Engine::ring_timeout() const noexcept { return impl_->options.ring_timeout; }
std::optional<std::int64_t> Engine::now() const noexcept {
  return impl_->has_now ? std::optional<std::int64_t>(impl_->now) : std::nullopt;
}

std::optional<std::int64_t> Engine::next_wakeup() {
  Impl& e = *impl_;
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  if (e.in_flight() < e.options.capacity && !e.eligible.empty()) {
    if (e.rate_allows(e.now)) return e.now;
    next = e.rate_next_time();  // paced: when the next dial may go
  }
  while (!e.timers.empty() && !e.timer_live(e.timers.front())) timer_heap_pop(e.timers);
  while (!e.ring_timers.empty() && !e.timer_live(e.ring_timers.front())) e.ring_timers.pop();
  if (e.timers.empty() && e.ring_timers.empty() && next == std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  if (!e.timers.empty()) next = std::min(next, e.timers.front().time);
  if (!e.ring_timers.empty()) next = std::min(next, e.ring_timers.front().time);
  return std::max(next, e.now);
}

std::size_t Engine::call_count() const noexcept { return impl_->calls.size(); }

std::optional<CallRef> Engine::find_call(std::string_view id) const noexcept {
  if (id.empty() || id.size() > 16 || id.front() == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (const char ch : id) {
    if (!text::is_digit(ch)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  const Impl& e = *impl_;
  const std::size_t kept = e.kept_ids.size();
  if (v >= e.id_base) {
    const std::uint64_t ref = kept + (v - e.id_base);
    if (ref >= e.calls.size()) return std::nullopt;
    return static_cast<CallRef>(ref);
  }
  const auto it = std::lower_bound(e.kept_ids.begin(), e.kept_ids.end(), v);
  if (it == e.kept_ids.end() || *it != v) return std::nullopt;
  return static_cast<CallRef>(it - e.kept_ids.begin());
}

std::uint64_t Engine::call_number(CallRef call) const noexcept { return impl_->id_of(call); }
std::uint64_t Engine::next_call_number() const noexcept { return impl_->next_id(); }

void Engine::write_call_id(CallRef call, std::string& out) const {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, impl_->id_of(call));
  out.append(buf, r.ptr);
}

std::uint64_t Engine::compact() {
  Impl& e = *impl_;
  const std::uint64_t dropped = e.counts[idx(State::completed)] + e.counts[idx(State::failed)] + e.counts[idx(State::canceled)];
  if (dropped == 0) return 0;
  // Through the snapshot of the live calls: restore rebuilds queues and timers from the state, and
  // keeps every order (refs are renumbered in the same order), so behaviour is unchanged.
  std::string text;
  e.write_snapshot(text, true);
  Problems problems;
  std::optional<Engine> fresh = restore(text, problems);
  if (!fresh) return 0;  // cannot happen: the engine restores its own snapshots
  impl_ = std::move(fresh->impl_);
  return dropped;
}

std::string Engine::call_id(CallRef call) const {
  std::string out;
  write_call_id(call, out);
  return out;
}

CallStatus Engine::status(CallRef call) const noexcept { return status_of(impl_->calls[call].state); }

std::string_view Engine::deployment_of(CallRef call) const noexcept {
  return impl_->deployments[impl_->calls[call].deployment].name;
}

std::size_t Engine::deployment_count() const noexcept { return impl_->deployments.size(); }

std::uint32_t Engine::deployment_index(CallRef call) const noexcept { return impl_->calls[call].deployment; }

std::string_view Engine::deployment_name(std::uint32_t index) const noexcept { return impl_->deployments[index].name; }

std::string_view Engine::result_url(CallRef call) const noexcept {
  return impl_->option_table[impl_->calls[call].options].result_url;
}

void Engine::write_call_details(CallRef ref, std::string& out) const {
  const Impl& e = *impl_;
  const Call& c = e.calls[ref];
  const StoredOptions& o = e.option_table[c.options];
  EventRecord events[kMaxEventsPerCall];
  char id[24];
  const auto r = std::to_chars(id, id + sizeof id, e.id_of(ref));
  CallDetails details;
  details.phone_number = e.phone(c);
  details.max_attempts = o.max_attempts;
  details.reattempt_wait = o.reattempt_wait;
  details.events = std::span<const EventRecord>(events, e.gather_events(c, events));
  details.status = status_of(c.state);
  details.call_id = std::string_view(id, static_cast<std::size_t>(r.ptr - id));
  details.metadata_json = e.metadata(c);
  fuse::write_call_details(out, details);
}

std::string Engine::call_details(CallRef call) const {
  std::string out;
  write_call_details(call, out);
  return out;
}

namespace {

// A plain number (digits and the separators the parser allows, so no ani or postd) back from its
// stored E.164 digits: the country code is the one prefix the table has (its codes are
// prefix-free), the rest is the national number. False when the call keeps no key or the number
// as given may hold more (a tel: URI): the dial then parses it.
bool rebuild_number(std::uint64_t key, std::string_view given, Destination& out) {
  if (key == 0) return false;
  for (const char ch : given)
    if (!text::is_digit(ch) && ch != '+' && ch != ' ' && ch != '-' && ch != '(' && ch != ')' && ch != '.') return false;
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, key).ptr;
  const std::size_t n = static_cast<std::size_t>(end - digits);
  unsigned cc = 0;
  for (std::size_t k = 1; k <= 3 && k < n; ++k) {
    cc = cc * 10 + static_cast<unsigned>(digits[k - 1] - '0');
    if (!find_country_calling_code(cc)) continue;
    if (n - k > kMaxE164Digits) return false;
    out = Destination{};
    out.number.country_code = static_cast<std::uint16_t>(cc);
    out.number.national_length = static_cast<std::uint8_t>(n - k);
    std::copy(digits + k, end, out.number.national);
    return true;
  }
  return false;
}

}  // namespace

DialInfo Engine::dial_info(const Action& dial) const {
  const Impl& e = *impl_;
  const Call& c = e.calls[dial.call];
  DialInfo info;
  info.deployment = e.deployments[c.deployment].name;
  info.phone_number = e.phone(c);
  info.attempt = dial.attempt;
  if (!rebuild_number(c.e164, info.phone_number, info.destination)) {
    Problems ignored;  // checked when queued
    static_cast<void>(parse_destination(info.phone_number, info.destination, ignored));
  }
  return info;
}

namespace {
EngineCounts counts_of(const auto& counts) {
  EngineCounts out;
  out.queued = counts[idx(State::ready)];
  out.waiting = counts[idx(State::pending)] + counts[idx(State::waiting)] + counts[idx(State::held)];
  out.dialing = counts[idx(State::dialing)];
  out.connected = counts[idx(State::connected)];
  out.completed = counts[idx(State::completed)];
  out.failed = counts[idx(State::failed)];
  out.canceled = counts[idx(State::canceled)];
  return out;
}

template <typename T>
std::size_t vector_bytes(const std::vector<T>& v) noexcept {
  return v.capacity() * sizeof(T);
}

// The bucket array, and per entry a node: the key/value pair, the next pointer and the cached hash.
template <typename Map>
std::size_t hash_map_node_bytes(const Map& m) noexcept {
  return m.bucket_count() * sizeof(void*) + m.size() * (sizeof(typename Map::value_type) + 2 * sizeof(void*));
}

// hash_map_node_bytes plus the keys' heap text.
template <typename Map>
std::size_t hash_map_bytes(const Map& m) noexcept {
  std::size_t n = hash_map_node_bytes(m);
  for (const auto& entry : m) n += string_heap_bytes(entry.first);
  return n;
}
}  // namespace

std::uint64_t Engine::Impl::memory_bytes() const noexcept {
  std::size_t n = sizeof(Impl) + calls.memory_bytes() + events.memory_bytes() + text.memory_bytes() +
                  vector_bytes(reasons);
  // The options' text is counted as it is added (option_text_bytes): there may be one entry a call.
  n += vector_bytes(option_table) + hash_map_node_bytes(option_index) + option_text_bytes;
  n += vector_bytes(deployments) + hash_map_bytes(deployment_index);
  for (const Deployment& d : deployments) {
    n += string_heap_bytes(d.name) + vector_bytes(d.ready.fifo) + vector_bytes(d.ready.late) + vector_bytes(d.open);
  }
  n += vector_bytes(eligible) + vector_bytes(timers) + ring_timers.memory_bytes();
  n += vector_bytes(hours_table) + hash_map_bytes(hours_index) + vector_bytes(lists);
  for (const auto& l : lists) n += l.keys.bucket_count() * sizeof(void*) + l.keys.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*));
  return n;
}

EngineStats Engine::stats() const noexcept {
  const Impl& e = *impl_;
  EngineStats s;
  s.capacity = e.options.capacity;
  s.calls = e.calls.size();
  s.deployments = e.deployments.size();
  s.counts = counts_of(e.counts);
  s.memory_bytes = e.memory_bytes();
  return s;
}

std::vector<DeploymentStats> Engine::deployment_stats() const {
  std::vector<DeploymentStats> out;
  out.reserve(impl_->deployments.size());
  for (const auto& d : impl_->deployments) out.push_back({d.name, counts_of(d.counts)});
  return out;
}

std::string Engine::snapshot() const {
  std::string out;
  impl_->write_snapshot(out);
  return out;
}

}  // namespace fuse
