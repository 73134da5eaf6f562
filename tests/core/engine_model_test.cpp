// Randomized model check of the queue engine: thousands of seeded scripts of enqueues, advances,
// carrier reports (valid and invalid), cancels and capacity changes, each checked step by step
// against an independent model of what the engine may do, and replayed on a restored copy.
//
// Invariants checked after every step:
//  - every action is legitimate: a hangup only for a dialing call at exactly dial + ringTimeout; a
//    result only for a final status the model predicts (failed after max_attempts, completed after
//    disconnected, canceled at exactly end_timestamp, at a failure past the end, or by cancel);
//  - nothing due is left behind: no queued call past its end, no dialing call past its ring timeout;
//  - dials come after every other action of the step, at `now`, only when in-flight < capacity,
//    only for calls inside their window [start, end) whose re-attempt wait is over;
//  - fairness, precisely: each dial goes to a deployment whose in-flight count (just before the
//    dial) is the smallest among deployments holding an eligible call; ties to the one served least
//    recently, then the one created first;
//  - FIFO: within the deployment, the dialed call is the eligible one that became eligible first
//    (ties: enqueue order);
//  - no idle line: after the step, if any call is eligible then in-flight >= capacity;
//  - stats and next_wakeup agree with the model;
//  - invalid reports return the predicted error code and leave the snapshot unchanged;
//  - at the end every call has exactly one result action, its final status, and the payload the
//    model's own event log gives;
//  - a copy restored from a snapshot mid-script answers every later input with the same actions
//    (byte for byte), and their snapshots stay equal.
// With the dial-time policy (SPEC 14, a third of the seeds): deployment weights (fairness by
// Webster's (in-flight + 1/2) / weight), a dial rate changed at run time (every dial allowed by the
// model's own pacing grid, and next_wakeup waiting for it) and numbers suppressed and released at
// run time (a suppressed call is never dialed; it is canceled, event `suppressed`, when it comes up).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine_test_support.hpp"
#include "fuse/engine.hpp"
#include "test_support.hpp"

using namespace fuse;

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  bool chance(std::uint32_t percent) { return below(100) < percent; }
};

struct MCall {
  std::uint32_t dep;
  bool has_start = false, has_end = false;
  std::int64_t start = 0, end = 0;
  std::uint32_t max_attempts = 1, wait = 0;
  std::string phone, metadata;
  std::string number;  // its number as 10 digits (what a suppression names)
  enum St { queued, dialing, connected, final } st = queued;
  std::int64_t queued_at = 0;
  std::int64_t ready_at = 0;  // queued: when it is (or becomes) eligible
  std::uint32_t attempts = 0;
  bool cancel_requested = false;  // its deployment was canceled during this attempt
  std::int64_t dial_at = 0;
  int results = 0;
  CallStatus final_status = CallStatus::queued;
  std::optional<std::pair<CallStatus, std::int64_t>> expect;  // a result due in this step
  std::vector<EventRecord> events;
};

struct MDep {
  std::string name;
  std::uint32_t in_flight = 0;
  std::uint64_t last_served = 0;
  std::uint32_t weight = 1;
};

std::string action_text(const Engine& e, const Action& a) {
  std::string out = std::to_string(static_cast<int>(a.type)) + " " + e.call_id(a.call) + " " + std::to_string(a.timestamp);
  if (a.type == Action::Type::dial) {
    const DialInfo d = e.dial_info(a);
    out += " " + std::string(d.deployment) + " " + d.destination.uri() + " " + std::to_string(a.attempt);
  } else if (a.type == Action::Type::hangup) {
    out += " " + std::string(event_name(a.reason));
  } else {
    out += " " + std::string(status_name(a.status)) + " " + std::string(e.result_url(a.call)) + " " + e.call_details(a.call);
  }
  return out;
}

class Sim {
 public:
  Sim(std::uint64_t seed, bool with_twin) : rng_{seed}, engine_(EngineOptions{1 + rng_.below(4), 20 + rng_.below(50)}) {
    capacity_ = engine_.capacity();
    ring_ = engine_.ring_timeout();
    twin_at_ = with_twin ? static_cast<int>(rng_.below(60)) : -1;
    deps_count_ = 1 + rng_.below(4);
    policy_ = seed % 3 == 0;
  }

  void run(int steps) {
    for (int step = 0; step < steps && ok_; ++step) {
      if (step == twin_at_) make_twin();
      random_step();
    }
    drain();
    if (ok_) final_checks();
  }

  bool ok() const { return ok_; }
  const std::string& failure() const { return failure_; }
  std::size_t calls() const { return calls_.size(); }

 private:
  bool check(bool cond, const std::string& what) {
    if (!cond && ok_) {
      ok_ = false;
      failure_ = what + " (now " + std::to_string(now_) + ")\nlast steps:\n";
      const std::size_t from = trace_.size() > 40 ? trace_.size() - 40 : 0;
      for (std::size_t i = from; i < trace_.size(); ++i) failure_ += "  " + trace_[i] + "\n";
    }
    return cond;
  }

  void make_twin() {
    Problems p;
    const std::string snap = engine_.snapshot();
    twin_ = Engine::restore(snap, p);
    check(twin_.has_value(), "restore failed: " + (p.empty() ? std::string() : p.front().message));
    if (twin_) check(twin_->snapshot() == snap, "restored snapshot differs");
  }

  std::vector<std::string> texts(const Engine& e, const Actions& actions) {
    std::vector<std::string> out;
    for (const auto& a : actions) out.push_back(action_text(e, a));
    return out;
  }

  // Runs an operation on the engine and on the twin; their actions must match.
  template <typename F>
  bool apply(F&& op, Actions& actions, Problems& problems) {
    const bool done = op(engine_, actions, problems);
    for (const auto& a : actions) trace_.push_back("    -> " + action_text(engine_, a).substr(0, 60));
    if (twin_) {
      Actions twin_actions;
      Problems twin_problems;
      const bool twin_done = op(*twin_, twin_actions, twin_problems);
      check(done == twin_done, "twin disagrees on success");
      check(texts(engine_, actions) == texts(*twin_, twin_actions), "twin actions differ");
      if (!done && !problems.empty() && !twin_problems.empty())
        check(problems.front().code == twin_problems.front().code, "twin error differs");
    }
    return done;
  }

  bool eligible(const MCall& c) const {
    return c.st == MCall::queued && c.ready_at <= now_ && (!c.has_end || now_ < c.end);
  }
  // Whether the engine holds the call as ready (its start or re-attempt timer has been processed).
  bool engine_ready(const MCall& c) const {
    return c.st == MCall::queued && (c.ready_at <= processed_ || (c.attempts == 0 && c.ready_at == c.queued_at));
  }
  bool ready_before(std::size_t a, std::size_t b) const {
    return calls_[a].ready_at != calls_[b].ready_at ? calls_[a].ready_at < calls_[b].ready_at : a < b;
  }
  bool dep_before(std::uint32_t a, std::uint32_t b) const {
    const MDep& x = deps_[a];
    const MDep& y = deps_[b];
    const std::uint64_t fx = (2ull * x.in_flight + 1) * y.weight, fy = (2ull * y.in_flight + 1) * x.weight;
    if (fx != fy) return fx < fy;
    if (x.last_served != y.last_served) return x.last_served < y.last_served;
    return a < b;
  }

  bool suppressed(const MCall& c) const { return suppressed_.count(c.number) > 0; }
  // The pacing grid (SPEC 14): one second is rate_ units, a dial 1000.
  bool rate_allows(std::int64_t t) const { return rate_ == 0 || tat_ <= t * static_cast<std::int64_t>(rate_); }
  std::int64_t rate_next() const { return tat_ <= 0 ? 0 : (tat_ + rate_ - 1) / rate_; }

  std::uint32_t dep_index(const std::string& name) {
    for (std::uint32_t i = 0; i < deps_.size(); ++i)
      if (deps_[i].name == name) return i;
    deps_.push_back({name});
    return static_cast<std::uint32_t>(deps_.size() - 1);
  }

  // A failed attempt at ts: the model's prediction of what follows.
  void failed_attempt(MCall& c, std::int64_t ts) {
    if (c.attempts >= c.max_attempts) {
      c.expect = {CallStatus::failed, ts};
    } else if (c.cancel_requested || (c.has_end && ts >= c.end)) {
      c.expect = {CallStatus::canceled, ts};
    } else {
      c.st = MCall::queued;
      c.ready_at = ts + c.wait;
    }
  }

  void end_in_flight(MCall& c) {
    --deps_[c.dep].in_flight;
    --in_flight_;
  }

  // Checks and applies a step's actions. `canceling` is the deployment a cancel targets.
  void absorb(const Actions& actions, std::optional<std::uint32_t> canceling) {
    engine_now_ = now_;
    std::size_t first_dial = actions.size();
    for (std::size_t i = 0; i < actions.size(); ++i) {
      const Action& a = actions[i];
      if (!check(a.call < calls_.size(), "action for an unknown call")) return;
      MCall& c = calls_[a.call];
      const std::string id = std::to_string(a.call + 1);
      if (a.type == Action::Type::dial) {
        first_dial = std::min(first_dial, i);
        continue;
      }
      // A suppressed call coming up to dial is canceled there, among the dials.
      // (A cancel of its deployment cancels its queued calls before any comes up.)
      if (a.type == Action::Type::result && !c.expect && c.st == MCall::queued && suppressed(c) && eligible(c) &&
          a.timestamp == now_ && a.status == CallStatus::canceled && canceling != c.dep) {
        check(in_flight_ < capacity_, "a suppressed call came up with no free line");
        ++c.results;
        c.events.push_back({CallEvent::suppressed, a.timestamp});
        c.st = MCall::final;
        c.final_status = a.status;
        check(c.results == 1, "second result for " + id);
        continue;
      }
      check(first_dial == actions.size(), "a dial precedes another action");
      if (a.type == Action::Type::hangup) {
        if (!check(c.st == MCall::dialing && a.timestamp == c.dial_at + ring_ && a.timestamp <= now_ &&
                       a.reason == CallEvent::noanswer,
                   "unexpected hangup of " + id))
          return;
        c.events.push_back({CallEvent::noanswer, a.timestamp});
        end_in_flight(c);
        c.st = MCall::queued;
        failed_attempt(c, a.timestamp);
        continue;
      }
      // result
      ++c.results;
      if (c.expect) {
        check(a.status == c.expect->first && a.timestamp == c.expect->second, "result of " + id + " not as predicted");
        if (a.status == CallStatus::canceled) c.events.push_back({CallEvent::canceled, a.timestamp});
        c.expect.reset();
      } else {
        const bool window_end = c.st == MCall::queued && c.has_end && a.timestamp == c.end && c.end <= now_;
        const bool canceled = c.st == MCall::queued && canceling == c.dep && a.timestamp == now_;
        if (!check(a.status == CallStatus::canceled && (window_end || canceled), "unexpected result for " + id)) return;
        c.events.push_back({CallEvent::canceled, a.timestamp});
      }
      c.st = MCall::final;
      c.final_status = a.status;
      check(c.results == 1, "second result for " + id);
    }
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      const MCall& c = calls_[i];
      const std::string id = std::to_string(i + 1);
      check(!c.expect, "no result for " + id + " though predicted");
      check(!(c.st == MCall::queued && c.has_end && c.end <= now_), id + " still queued after its end");
      check(!(c.st == MCall::dialing && c.dial_at + ring_ <= now_), id + " still ringing after the timeout");
    }
    for (std::size_t i = first_dial; i < actions.size() && ok_; ++i) {
      const Action& a = actions[i];
      MCall& c = calls_[a.call];
      const std::string id = std::to_string(a.call + 1);
      if (a.type == Action::Type::result && c.st == MCall::final && c.events.back().event == CallEvent::suppressed) continue;
      check(a.type == Action::Type::dial, "a non-dial action after a dial");
      check(!suppressed(c), "dialed " + id + " whose number is suppressed");
      check(rate_allows(now_), "dialed " + id + " faster than the dial rate");
      if (rate_) tat_ = std::max(tat_, (now_ - 1) * static_cast<std::int64_t>(rate_) + 1) + 1000;
      check(a.timestamp == now_, "dial not at now");
      check(in_flight_ < capacity_, "dial with no free line");
      if (!check(eligible(c), "dialed " + id + " which is not eligible")) return;
      check(!c.has_start || c.start <= now_, "dialed " + id + " before its start");
      check(a.attempt == c.attempts + 1, "attempt number of " + id);
      for (std::size_t j = 0; j < calls_.size(); ++j) {
        if (!eligible(calls_[j]) || suppressed(calls_[j])) continue;
        if (calls_[j].dep == c.dep) check(!ready_before(j, a.call), "FIFO: " + std::to_string(j + 1) + " before " + id);
        else check(!dep_before(calls_[j].dep, c.dep), "fairness: " + deps_[calls_[j].dep].name + " should get the line");
      }
      c.st = MCall::dialing;
      c.dial_at = now_;
      ++c.attempts;
      c.events.push_back({CallEvent::dialing, now_});
      ++deps_[c.dep].in_flight;
      ++in_flight_;
      deps_[c.dep].last_served = ++served_;
    }
    bool any_eligible = false;
    for (const auto& c : calls_) any_eligible |= eligible(c);
    check(!any_eligible || in_flight_ >= capacity_ || !rate_allows(now_), "a line is idle while a call is eligible");
    processed_ = now_;
    compare_state();
  }

  void compare_state() {
    const EngineStats s = engine_.stats();
    check(s.counts.in_flight() == in_flight_, "in-flight differs from the model");
    check(s.calls == calls_.size(), "call count differs");
    const auto per = engine_.deployment_stats();
    if (check(per.size() == deps_.size(), "deployment count differs"))
      for (std::size_t i = 0; i < per.size(); ++i)
        check(per[i].name == deps_[i].name && per[i].counts.in_flight() == deps_[i].in_flight,
              "deployment stats differ");
    // next_wakeup: now when a line is free and a call is eligible, else the earliest pending change.
    std::optional<std::int64_t> expected;
    bool ready_now = false;
    for (const auto& c : calls_) ready_now |= engine_ready(c);
    if (in_flight_ < capacity_ && ready_now && rate_allows(engine_now_)) {
      expected = engine_now_;
    } else {
      const auto consider = [&](std::int64_t t) { expected = std::max(engine_now_, expected ? std::min(*expected, t) : t); };
      if (in_flight_ < capacity_ && ready_now) consider(rate_next());  // paced
      for (const auto& c : calls_) {
        if (c.st == MCall::dialing) consider(c.dial_at + ring_);
        if (c.st == MCall::queued && !engine_ready(c)) consider(c.ready_at);
        if (c.st == MCall::queued && c.has_end) consider(c.end);
      }
    }
    const auto got = engine_.next_wakeup();
    check(got == expected, "next_wakeup " + (got ? std::to_string(*got) : "none") + ", model " +
                               (expected ? std::to_string(*expected) : "none"));
    if (twin_) {
      const auto twin_got = twin_->next_wakeup();
      check(twin_got == got, "twin next_wakeup differs");
    }
  }

  void op_enqueue() {
    const std::string dep = deps_count_ == 1 ? "solo" : std::string(1, static_cast<char>('A' + rng_.below(deps_count_))) + (rng_.chance(10) ? "é" : "");
    CallOptions o;
    o.max_attempts = 1 + rng_.below(3);
    o.reattempt_wait = o.max_attempts > 1 ? (rng_.chance(10) ? 0 : 30 + rng_.below(200)) : 0;
    if (rng_.chance(30)) o.start_timestamp = now_ + static_cast<std::int64_t>(rng_.below(300)) - 100;
    if (rng_.chance(35)) {
      const std::int64_t from = std::max(now_, o.start_timestamp.value_or(now_));
      o.end_timestamp = from + 1 + rng_.below(400);
    }
    if (rng_.chance(20)) o.result_url = "https://example.com/r/" + std::to_string(rng_.below(3));
    QueueRequest r;
    r.options = o;
    r.phone_number = "617" + std::to_string(2000000 + calls_.size());
    if (rng_.chance(20)) r.phone_number = " tel:+1" + r.phone_number + ";ani=8009957586 ";
    if (rng_.chance(25)) r.metadata = "{\"i\":" + std::to_string(calls_.size()) + ",\"s\":\"x\\\"y\"}";
    Actions actions;
    Problems problems;
    std::optional<CallRef> ref, twin_ref;
    ref = engine_.enqueue(dep, r, now_, problems);
    trace_.push_back("enqueue " + dep + " " + std::to_string(now_) + " -> " + (ref ? std::to_string(*ref + 1) : "-") +
                     " attempts " + std::to_string(o.max_attempts) + " wait " + std::to_string(o.reattempt_wait) +
                     " start " + (o.start_timestamp ? std::to_string(*o.start_timestamp) : "-") + " end " +
                     (o.end_timestamp ? std::to_string(*o.end_timestamp) : "-"));
    if (twin_) {
      Problems p;
      twin_ref = twin_->enqueue(dep, r, now_, p);
      check(twin_ref == ref, "twin enqueue differs");
    }
    if (!check(ref.has_value(), "enqueue refused: " + (problems.empty() ? std::string() : problems.front().message))) return;
    check(*ref == calls_.size(), "call refs are not sequential");
    engine_now_ = now_;
    MCall c;
    c.dep = dep_index(dep);
    c.has_start = o.start_timestamp.has_value();
    c.start = o.start_timestamp.value_or(0);
    c.has_end = o.end_timestamp.has_value();
    c.end = o.end_timestamp.value_or(0);
    c.max_attempts = o.max_attempts;
    c.wait = o.reattempt_wait;
    c.phone = r.phone_number;
    c.number = "617" + std::to_string(2000000 + calls_.size());
    c.phone.erase(0, c.phone.find_first_not_of(' '));
    c.phone.erase(c.phone.find_last_not_of(' ') + 1);
    c.metadata = r.metadata;
    c.queued_at = now_;
    c.ready_at = c.has_start && c.start > now_ ? c.start : now_;
    c.events.push_back({CallEvent::queued, now_});
    calls_.push_back(c);
    compare_state();
  }

  void op_advance() {
    Actions actions;
    Problems problems;
    const std::int64_t t = now_;
    trace_.push_back("advance " + std::to_string(t));
    if (!check(apply([t](Engine& e, Actions& a, Problems& p) { return e.advance(t, a, p); }, actions, problems),
               "advance refused"))
      return;
    absorb(actions, std::nullopt);
  }

  void op_cancel() {
    if (deps_.empty()) return;
    const std::uint32_t d = rng_.below(static_cast<std::uint32_t>(deps_.size()));
    const std::string name = deps_[d].name;
    Actions actions;
    Problems problems;
    const std::int64_t t = now_;
    trace_.push_back("cancel " + name + " " + std::to_string(t));
    if (!check(apply([&](Engine& e, Actions& a, Problems& p) { return e.cancel_deployment(name, t, a, p); }, actions,
                     problems),
               "cancel refused"))
      return;
    absorb(actions, d);
    // Its calls in flight finish their attempt, then never dial again.
    for (MCall& c : calls_)
      if (c.dep == d && (c.st == MCall::dialing || c.st == MCall::connected)) c.cancel_requested = true;
  }

  // Reports a valid outcome for a random call in flight; false when none can take one now.
  bool op_report(bool connect_bias) {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      const MCall& c = calls_[i];
      if ((c.st == MCall::dialing && c.dial_at + ring_ > now_) || c.st == MCall::connected) candidates.push_back(i);
    }
    if (candidates.empty()) return false;
    const std::size_t i = candidates[rng_.below(static_cast<std::uint32_t>(candidates.size()))];
    MCall& c = calls_[i];
    CallEvent event = CallEvent::disconnected;
    if (c.st == MCall::dialing) {
      const std::uint32_t roll = rng_.below(100);
      event = roll < (connect_bias ? 70u : 45u) ? CallEvent::connected
              : roll < 80                       ? CallEvent::busy
              : roll < 88                       ? CallEvent::noanswer
              : roll < 94                       ? CallEvent::informationtone
                                                : CallEvent::rejected;
    }
    static constexpr std::string_view kReasons[] = {"503 Service Unavailable", "403 Forbidden",
                                                    "500 Server Internal Error (Q.850 cause 41)"};
    const std::string_view reason = event == CallEvent::rejected ? kReasons[rng_.below(3)] : std::string_view{};
    const std::string id = std::to_string(i + 1);
    const std::string name(event_name(event));
    const std::int64_t t = now_;
    Actions actions;
    Problems problems;
    trace_.push_back("report " + id + " " + name + " " + std::to_string(t) + (reason.empty() ? "" : " " + std::string(reason)));
    if (!check(apply([&](Engine& e, Actions& a, Problems& p) { return e.report(id, name, reason, t, a, p); }, actions, problems),
               "valid report of " + name + " for " + id + " refused: " +
                   (problems.empty() ? std::string() : problems.front().message)))
      return true;
    c.events.push_back({event, t, reason});  // the reasons are static: their views stay valid
    if (event == CallEvent::connected) {
      c.st = MCall::connected;
    } else if (event == CallEvent::disconnected) {
      end_in_flight(c);
      c.expect = {CallStatus::completed, t};
    } else {
      end_in_flight(c);
      c.st = MCall::queued;
      failed_attempt(c, t);
    }
    absorb(actions, std::nullopt);
    return true;
  }

  // A report that may be invalid: the error (if any) must be the predicted one and change nothing.
  void op_random_report() {
    static const char* kEvents[] = {"queued", "dialing", "connected", "disconnected", "busy",         "noanswer",
                                    "informationtone", "canceled", "ringing", "",   "rejected"};
    std::string id;
    const std::uint32_t pick = rng_.below(10);
    if (pick == 0) id = "0";
    else if (pick == 1) id = "x" + std::to_string(calls_.size());
    else id = std::to_string(1 + rng_.below(static_cast<std::uint32_t>(calls_.size()) + 2));
    const std::string event = kEvents[rng_.below(11)];
    const std::int64_t t = rng_.chance(15) ? engine_now_ - 1 : now_;

    std::optional<Code> predicted;
    std::size_t index = 0;
    const bool known = !id.empty() && id[0] != '0' && id[0] != 'x' && std::stoull(id) <= calls_.size();
    if (known) index = std::stoull(id) - 1;
    const auto kind = parse_event_name(event);
    if (!known) predicted = Code::unknown_call;
    else if (!kind) predicted = Code::unknown_event;
    else if (t < engine_now_) predicted = Code::invalid_time;
    else if (*kind == CallEvent::rejected) predicted = Code::invalid_reason;  // reported here without its reason
    else {
      const MCall& c = calls_[index];
      const bool can = (*kind == CallEvent::disconnected && c.st == MCall::connected) ||
                       ((*kind == CallEvent::connected || is_failed_attempt(*kind)) && c.st == MCall::dialing &&
                        c.dial_at + ring_ > t);
      if (!can) predicted = Code::invalid_transition;
    }
    if (!predicted) return;  // a valid report: op_report covers those
    const std::string before = engine_.snapshot();
    Actions actions;
    Problems problems;
    const bool done = apply([&](Engine& e, Actions& a, Problems& p) { return e.report(id, event, t, a, p); }, actions, problems);
    check(!done && actions.empty() && problems.size() == 1 && problems.front().code == *predicted,
          "report(" + id + ", " + event + ") should fail with " + std::string(code_name(*predicted)));
    check(engine_.snapshot() == before, "a refused report changed the engine");
  }

  void op_capacity() {
    capacity_ = rng_.below(5);
    trace_.push_back("capacity " + std::to_string(capacity_));
    engine_.set_capacity(capacity_);
    if (twin_) twin_->set_capacity(capacity_);
    compare_state();
  }

  // SPEC 14 at run time: a deployment's weight, the dial rate, a number suppressed or released.
  void op_policy() {
    const std::uint32_t roll = rng_.below(3);
    if (roll == 0 && !deps_.empty()) {
      const std::uint32_t d = rng_.below(static_cast<std::uint32_t>(deps_.size()));
      DeploymentPolicy p;
      p.weight = 1 + rng_.below(4);
      trace_.push_back("weight " + deps_[d].name + " " + std::to_string(p.weight));
      Problems problems;
      check(engine_.set_deployment_policy(deps_[d].name, p, problems), "weight refused");
      if (twin_) check(twin_->set_deployment_policy(deps_[d].name, p, problems), "twin weight refused");
      deps_[d].weight = p.weight;
    } else if (roll == 1) {
      static constexpr std::uint32_t kRates[] = {0, 500, 1000, 2500, 300};
      const std::uint32_t r = kRates[rng_.below(5)];
      trace_.push_back("dial rate " + std::to_string(r));
      Problems problems;
      check(engine_.set_dial_rate(r, problems), "dial rate refused");
      if (twin_) check(twin_->set_dial_rate(r, problems), "twin dial rate refused");
      // The grid carries over in seconds (as the engine documents it).
      const std::int64_t old = rate_;
      if (old && r && tat_ != INT64_MIN) tat_ = tat_ / old * r + ((tat_ % old) * r + old - 1) / old;
      else tat_ = INT64_MIN;
      rate_ = r;
    } else if (!calls_.empty()) {
      const std::string number = calls_[rng_.below(static_cast<std::uint32_t>(calls_.size()))].number;
      const bool on = !suppressed_.count(number);
      trace_.push_back(std::string(on ? "suppress " : "unsuppress ") + number);
      bool changed = false, twin_changed = false;
      Problems problems;
      check(on ? engine_.suppress("", number, changed, problems) : engine_.unsuppress("", number, changed, problems),
            "suppression refused");
      if (twin_)
        check(on ? twin_->suppress("", "+1" + number, twin_changed, problems)
                 : twin_->unsuppress("", "(" + number.substr(0, 3) + ") " + number.substr(3), twin_changed, problems),
              "twin suppression refused");
      check(changed, "suppression did not change");
      if (on) suppressed_.insert(number);
      else suppressed_.erase(number);
    }
    compare_state();
  }

  void tick() {
    static const std::int64_t kSteps[] = {0, 0, 1, 3, 10, 30, 60, 200};
    now_ += kSteps[rng_.below(8)];
  }

  void random_step() {
    tick();
    const std::uint32_t roll = rng_.below(100);
    if (roll < 22) op_enqueue();
    else if (roll < 45) op_advance();
    else if (roll < 82) {
      if (!op_report(false)) op_advance();
    } else if (roll < 90) op_random_report();
    else if (roll < 93) op_cancel();
    else if (roll < 97) {
      if (policy_ && rng_.chance(60)) op_policy();
      else op_capacity();
    }
    else if (!twin_) make_twin();
    else op_advance();
  }

  // Runs the script out: every call reaches a final status.
  void drain() {
    if (capacity_ == 0) {
      capacity_ = 2;
      engine_.set_capacity(2);
      if (twin_) twin_->set_capacity(2);
    }
    for (int guard = 0; guard < 100000 && ok_; ++guard) {
      bool open = false;
      for (const auto& c : calls_) open |= c.st != MCall::final;
      if (!open) return;
      if (rng_.chance(50) && op_report(true)) continue;
      const auto w = engine_.next_wakeup();
      if (!w) {
        if (!op_report(true)) check(false, "calls open but nothing pending");
        continue;
      }
      if (*w > now_ && rng_.chance(50) && op_report(true)) continue;
      now_ = std::max(now_, *w);
      op_advance();
    }
    check(false, "the script did not drain");
  }

  void final_checks() {
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      const MCall& c = calls_[i];
      const std::string id = std::to_string(i + 1);
      check(c.results == 1, id + " has " + std::to_string(c.results) + " results");
      check(engine_.status(static_cast<CallRef>(i)) == c.final_status, "final status of " + id);
      CallDetails details;
      details.phone_number = c.phone;
      details.max_attempts = c.max_attempts;
      details.reattempt_wait = c.wait;
      details.events = c.events;
      details.status = c.final_status;
      details.call_id = id;
      details.metadata_json = c.metadata;
      check(engine_.call_details(static_cast<CallRef>(i)) == call_details_json(details), "payload of " + id);
    }
    if (twin_) check(twin_->snapshot() == engine_.snapshot(), "twin snapshot differs at the end");
  }

  Rng rng_;
  Engine engine_;
  std::optional<Engine> twin_;
  int twin_at_ = -1;
  std::uint32_t deps_count_ = 1;
  std::uint32_t capacity_ = 1, ring_ = 45;
  std::int64_t now_ = 1'700'000'000;
  std::int64_t processed_ = 0;   // `now` of the latest step that processed timers
  std::int64_t engine_now_ = 0;  // the latest `now` the engine accepted
  std::uint64_t served_ = 0;
  std::uint32_t in_flight_ = 0;
  bool policy_ = false;
  std::uint32_t rate_ = 0;
  std::int64_t tat_ = INT64_MIN;
  std::set<std::string> suppressed_;
  std::vector<MCall> calls_;
  std::vector<MDep> deps_;
  std::vector<std::string> trace_;
  bool ok_ = true;
  std::string failure_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_model)

BOOST_AUTO_TEST_CASE(thousands_of_seeded_scripts_keep_every_invariant) {
  std::size_t calls = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    Sim sim(seed, seed % 2 == 0);
    sim.run(80);
    calls += sim.calls();
    BOOST_TEST_REQUIRE(sim.ok(), "seed " << seed << ": " << sim.failure());
  }
  BOOST_TEST_MESSAGE("calls checked: " << calls);
  BOOST_TEST(calls > 30000u);
}

BOOST_AUTO_TEST_CASE(restored_copy_answers_a_long_script_identically) {
  for (std::uint64_t seed = 10001; seed <= 10020; ++seed) {
    Sim sim(seed, true);
    sim.run(1500);
    BOOST_TEST_REQUIRE(sim.ok(), "seed " << seed << ": " << sim.failure());
  }
}

BOOST_AUTO_TEST_SUITE_END()
