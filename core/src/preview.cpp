// Window preview (SPEC 6): the real engine driven by a seeded simulated carrier. See fuse/preview.hpp.
//
// Runs. The main run is the preview as asked (capacity, window). The `needed` answers come from
// probe runs, which rest on one property of the engine: a window end E changes nothing before E
// (its only effects are the cancel timers at E and "an attempt failing at or after E is not
// re-attempted"). So the run with end E cancels no previewed call exactly when, in the run
// without end, every previewed call makes its last dial before E. A probe runs without the
// previewed calls' end until each has made its last dial (known at the dial: the carrier's draws
// are fixed) and reports that time, T(C). The smallest fitting end is T + 1 (the main run's own
// when it cancels nothing); the smallest fitting capacity is the smallest C with T(C) < E, found
// by a bracketed search on T(C) ~ a + b / C (see preview_window), which the fuzzer re-checks
// through real windows.
#include "fuse/preview.hpp"


#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>

#include "fuse/engine.hpp"
#include "fuse/queue_request.hpp"
#include "call_rules.hpp"
#include "json_reader.hpp"
#include "policy_rules.hpp"
#include "text.hpp"

namespace fuse {

namespace {

constexpr std::uint32_t kMaxSeconds = 86400;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kMaxJsonSeed = 9007199254740991;  // 2^53 - 1: what a JS number holds exactly

std::string unum(std::uint64_t v) { return text::to_string(v); }

void add_error(Problems& problems, Code code, std::string field, std::string message) {
  problems.push_back({code, Severity::error, std::move(field), std::move(message)});
}

// ---------------------------------------------------------------------------------------------
// The simulated carrier

using Outcome = SimOutcome;
using Attempt = SimAttempt;

// The preview's carrier: the simulated carrier's seeded model with the preview's options.
class Carrier : public SimCarrier {
 public:
  explicit Carrier(const PreviewOptions& o) : SimCarrier(sim_options(o)) {}

 private:
  static SimCarrierOptions sim_options(const PreviewOptions& o) {
    SimCarrierOptions s;
    s.talk_time = o.talk_time;
    s.ring_time = o.ring_time;
    s.ring_timeout = o.ring_timeout;
    s.rates = o.rates;
    s.seed = o.seed;
    return s;
  }
};

// What the previewed calls need when nothing cancels them (outcomes do not depend on the run).
struct Plan {
  std::int64_t work = 0;              // line-seconds of all their attempts
  std::int64_t first_work = 0;        // line-seconds of their first attempts
  std::int64_t max_last_dial = 0;     // latest last dial after start with unlimited lines
  std::uint32_t max_duration = 0;     // longest single attempt
};

Plan make_plan(const PreviewOptions& o, const Carrier& carrier) {
  Plan p;
  for (std::uint64_t i = 0; i < o.calls; ++i) {
    std::int64_t offset = 0;
    for (std::uint32_t attempt = 1;; ++attempt) {
      const Attempt a = carrier.draw(0, i, attempt);
      p.work += a.duration;
      if (attempt == 1) p.first_work += a.duration;
      p.max_duration = std::max(p.max_duration, a.duration);
      if (a.outcome == Outcome::connected || attempt >= o.max_attempts) break;
      offset += std::int64_t{a.duration} + o.reattempt_wait;
    }
    p.max_last_dial = std::max(p.max_last_dial, offset);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// One engine run

struct Group {
  std::uint32_t id;  // 0: the previewed calls; i + 1: competing[i] (the carrier's deployment key)
  std::uint64_t calls;
  std::int64_t start;
  std::optional<std::int64_t> end;
  std::uint32_t max_attempts, reattempt_wait;
  std::uint32_t weight = 1;                   // SPEC 14
  std::optional<CallingHours> calling_hours;
};

struct RunResult {
  std::vector<PreviewOutcome> outcomes;  // by group id (main run)
  std::vector<PreviewPoint> timeline;    // main run
  std::uint32_t timeline_step = 0;
  std::optional<std::int64_t> last_preview_dial;
  std::optional<std::int64_t> first_preview_dial;  // later than start when calling hours hold the calls
  // Some previewed call never came up to dial (or, in a full run, never reached a final status):
  // calling hours that never open in all of its zones. No capacity or window end fits everything.
  bool stuck = false;
};

// A carrier report due at `time`.
struct Pending {
  std::int64_t time;
  CallRef call;
  CallEvent event;
  std::uint8_t attempt;
  std::uint16_t group;
};

// The carrier's pending reports by due second: a ring of per-second FIFO lists over a pool of
// fixed-size nodes (no allocation per report once warm), with an occupancy bitmap to find the next
// due second. Every report is due within `horizon` seconds of the current time, which the ring
// spans. Reports due in the same second come out in the order they were scheduled.
class ReportQueue {
 public:
  explicit ReportQueue(std::uint32_t horizon) {
    std::size_t size = 64;
    while (size <= horizon) size *= 2;
    mask_ = size - 1;
    head_.assign(size, kNil);
    tail_.assign(size, kNil);
    bits_.assign(size / 64, 0);
  }
  bool empty() const noexcept { return count_ == 0; }
  void push(const Pending& p) {
    std::uint32_t node;
    if (free_ != kNil) {
      node = free_;
      free_ = nodes_[node].next;
    } else {
      node = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back({});
    }
    nodes_[node] = {p, kNil};
    const std::size_t b = static_cast<std::size_t>(p.time) & mask_;
    if (head_[b] == kNil) {
      head_[b] = node;
      bits_[b >> 6] |= std::uint64_t{1} << (b & 63);
    } else {
      nodes_[tail_[b]].next = node;
    }
    tail_[b] = node;
    if (count_++ == 0) next_ = p.time;
    else if (next_ != kNever && p.time < next_) next_ = p.time;
  }
  // The earliest due time (not empty; every report is due at or after `now`).
  std::int64_t next_time(std::int64_t now) {
    if (next_ != kNever) return next_;
    const std::size_t words = bits_.size();
    const std::size_t start = static_cast<std::size_t>(now) & mask_;
    std::size_t w = start >> 6;
    std::uint64_t word = bits_[w] & (~std::uint64_t{0} << (start & 63));
    for (std::size_t scanned = 0; word == 0; ++scanned) {
      w = (w + 1) % words;
      word = bits_[w];
      if (scanned > words) return kNever;  // not reached: the queue is not empty
    }
    const std::size_t b = (w << 6) | static_cast<std::size_t>(std::countr_zero(word));
    next_ = now + static_cast<std::int64_t>((b - start) & mask_);
    return next_;
  }
  // Removes and returns the first report due at `time` (= next_time()).
  Pending pop(std::int64_t time) {
    const std::size_t b = static_cast<std::size_t>(time) & mask_;
    const std::uint32_t node = head_[b];
    const Pending p = nodes_[node].p;
    head_[b] = nodes_[node].next;
    if (head_[b] == kNil) {
      tail_[b] = kNil;
      bits_[b >> 6] &= ~(std::uint64_t{1} << (b & 63));
      next_ = kNever;
    }
    nodes_[node].next = free_;
    free_ = node;
    --count_;
    return p;
  }

 private:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;
  struct Node {
    Pending p;
    std::uint32_t next;
  };
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> head_, tail_;
  std::vector<std::uint64_t> bits_;
  std::size_t mask_ = 0;
  std::uint32_t free_ = kNil;
  std::size_t count_ = 0;
  std::int64_t next_ = kNever;  // cached earliest due time, kNever when unknown
};

class Simulation {
 public:
  Simulation(const PreviewOptions& o, const Carrier& carrier, const std::vector<Group>& groups)
      : o_(o), carrier_(carrier), groups_(groups) {
    order_.resize(groups.size());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order_.begin(), order_.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return groups[a].start < groups[b].start; });
    // A report comes at most a ring (shorter than ring_timeout) or a talk time after its cause.
    horizon_ = std::max(o.ring_timeout, o.talk_time.mean + o.talk_time.spread);
    for (const std::string& n : o.numbers) {
      if (const std::uint64_t key = key_of_number(n)) numbers_.emplace_back(std::string(text::trim(n)), key);
    }
    for (const std::string& n : o.suppressed) {
      if (const std::uint64_t key = key_of_number(n)) suppressed_.insert(key);
    }
  }

  // The E.164 key of a listed number (validated with the options), 0 if it does not parse.
  static std::uint64_t key_of_number(const std::string& n) {
    Destination d;
    Problems ignored;
    return parse_destination(n, d, ignored) ? d.number.key() : 0;
  }

  // full: the preview as asked (its window, every call to its final status, outcomes, timeline).
  // Else a probe: the previewed calls without window end, until each has made its last dial.
  bool run(std::uint32_t capacity, bool full, RunResult& out, Problems& problems);

 private:
  std::uint32_t group_of(CallRef ref) const noexcept {
    std::size_t lo = 0, hi = firsts_.size();  // firsts_ ascend: the last first <= ref
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      if (firsts_[mid].first <= ref) lo = mid;
      else hi = mid;
    }
    return firsts_[lo].group;
  }
  bool enqueue(Engine& engine, const Group& g, bool with_end, Problems& problems);
  // SPEC 14 on a fresh engine: each group's weight and calling hours, the suppressed numbers.
  bool apply_policy(Engine& engine, Problems& problems) {
    for (const Group& g : groups_) {
      if (g.weight == 1 && !g.calling_hours) continue;
      DeploymentPolicy p;
      p.weight = g.weight;
      p.calling_hours = g.calling_hours;
      if (!engine.set_deployment_policy(g.id == 0 ? "preview" : "competing-" + unum(g.id), p, problems)) return false;
    }
    for (const std::string& n : o_.suppressed) {
      bool changed = false;
      if (!engine.suppress("", n, changed, problems)) return false;
    }
    return true;
  }
  // The E.164 key of a call's number (the previewed calls' own numbers, else the default one).
  std::uint64_t key_of(std::uint32_t g, CallRef call) const {
    if (g == 0 && !numbers_.empty()) return numbers_[(call - first_of_[g]) % numbers_.size()].second;
    return default_key_;
  }
  void handle(const Actions& actions, ReportQueue& reports, bool full);
  void emit_points_before(std::int64_t t);

  const PreviewOptions& o_;
  const Carrier& carrier_;
  const std::vector<Group>& groups_;
  std::vector<std::uint32_t> order_;  // groups by start: the order they are queued in
  std::uint32_t horizon_ = 0;

  std::optional<Engine> engine_;  // reused by every run (Engine::reset)

  // Per run.
  struct First {
    CallRef first;
    std::uint32_t group;
  };
  std::vector<First> firsts_;
  std::vector<CallRef> first_of_;         // by group id
  std::vector<std::uint64_t> in_flight_;  // by group id
  std::uint64_t lines_ = 0;
  RunResult* out_ = nullptr;
  std::uint64_t preview_last_dials_ = 0;  // previewed calls that made their last dial
  std::uint64_t preview_final_ = 0;
  std::vector<std::pair<std::string, std::uint64_t>> numbers_;  // the previewed numbers and their E.164 keys
  std::unordered_set<std::uint64_t> suppressed_;                 // keys of o_.suppressed
  std::uint64_t default_key_ = 16172000000;
  bool timeline_done_ = false;
  std::int64_t next_point_ = 0;
  std::int64_t step_ = 0;
};

bool Simulation::enqueue(Engine& engine, const Group& g, bool with_end, Problems& problems) {
  first_of_[g.id] = static_cast<CallRef>(engine.call_count());
  if (g.calls == 0) return true;
  firsts_.push_back({first_of_[g.id], g.id});
  CallOptions options;
  options.max_attempts = g.max_attempts;
  options.reattempt_wait = g.reattempt_wait;
  if (with_end) options.end_timestamp = g.end;
  if (g.id == 0) options.timezone = o_.timezone;
  // Queued in pieces at the same instant: the same queue as one batch, with a bounded row list.
  static constexpr std::string_view kPhone = "6172000000";
  static constexpr std::uint64_t kPiece = 65536;
  Destination parsed;
  Problems ignored;
  const std::uint64_t key = parse_destination(kPhone, parsed, ignored) ? parsed.number.key() : 0;  // spares each dial a parse
  std::vector<EngineRow> rows(static_cast<std::size_t>(std::min(g.calls, kPiece)), EngineRow{kPhone, {}, true, key});
  const std::string deployment = g.id == 0 ? "preview" : "competing-" + unum(g.id);
  const bool own_numbers = g.id == 0 && !numbers_.empty();
  for (std::uint64_t done = 0; done < g.calls;) {
    const std::size_t n = static_cast<std::size_t>(std::min(g.calls - done, kPiece));
    if (own_numbers)
      for (std::size_t i = 0; i < n; ++i) {
        const auto& [number, number_key] = numbers_[(done + i) % numbers_.size()];
        rows[i] = EngineRow{number, {}, true, number_key};
      }
    CallRef first = 0;
    if (!engine.enqueue_many(deployment, options, std::span<const EngineRow>(rows.data(), n), g.start, first,
                             problems))
      return false;
    done += n;
  }
  return true;
}

void Simulation::handle(const Actions& actions, ReportQueue& reports, bool full) {
  for (const Action& a : actions) {
    const std::uint32_t g = group_of(a.call);
    switch (a.type) {
      case Action::Type::dial: {
        const Group& group = groups_[g];
        const Attempt at = carrier_.draw(group.id, a.call - first_of_[g], a.attempt);
        ++in_flight_[g];
        ++lines_;
        if (g == 0) {
          out_->last_preview_dial = a.timestamp;
          if (!out_->first_preview_dial) out_->first_preview_dial = a.timestamp;
          if (at.outcome == Outcome::connected || a.attempt >= group.max_attempts) ++preview_last_dials_;
        }
        if (full) {
          PreviewOutcome& po = out_->outcomes[g];
          ++po.attempts;
          switch (at.outcome) {
            case Outcome::connected: ++po.connected; break;
            case Outcome::busy: ++po.busy; break;
            case Outcome::noanswer: ++po.noanswer; break;
            case Outcome::informationtone: ++po.informationtone; break;
            case Outcome::rejected: ++po.rejected; break;
          }
        }
        CallEvent event = CallEvent::connected;
        switch (at.outcome) {
          case Outcome::connected: break;
          case Outcome::busy: event = CallEvent::busy; break;
          case Outcome::informationtone: event = CallEvent::informationtone; break;
          case Outcome::rejected: event = CallEvent::rejected; break;
          case Outcome::noanswer: continue;  // the engine's ring timeout raises it
        }
        reports.push({a.timestamp + at.ring, a.call, event, a.attempt, static_cast<std::uint16_t>(g)});
        break;
      }
      case Action::Type::hangup:  // noanswer: the attempt is over
        --in_flight_[g];
        --lines_;
        break;
      case Action::Type::result: {
        if (g == 0) ++preview_final_;
        // A probe's previewed calls have no window end: only suppression cancels them, and such a
        // call makes no dial at all.
        if (g == 0 && !full && a.status == CallStatus::canceled) ++preview_last_dials_;
        if (!full) break;
        PreviewOutcome& po = out_->outcomes[g];
        switch (a.status) {
          case CallStatus::completed: ++po.completed; break;
          case CallStatus::failed: ++po.failed; break;
          default:
            ++po.canceled;
            if (suppressed_.count(a.call >= first_of_[g] ? key_of(g, a.call) : 0)) ++po.suppressed;
            break;
        }
        po.drain_timestamp = std::max(po.drain_timestamp.value_or(a.timestamp), a.timestamp);
        break;
      }
    }
  }
}

void Simulation::emit_points_before(std::int64_t t) {
  const std::uint64_t calls = groups_[0].calls;
  std::vector<PreviewPoint>& points = out_->timeline;
  while (!timeline_done_ && next_point_ < t) {
    const PreviewOutcome& po = out_->outcomes[0];
    PreviewPoint p;
    p.timestamp = next_point_;
    p.lines_in_use = lines_;
    p.completed = po.completed;
    p.failed = po.failed;
    p.canceled = po.canceled;
    p.queued = calls - preview_final_ - in_flight_[0];
    points.push_back(p);
    if (preview_final_ == calls && next_point_ >= po.drain_timestamp.value_or(groups_[0].start)) {
      timeline_done_ = true;
      break;
    }
    if (points.size() > kMaxTimelinePoints) {  // keep the points at even multiples of the step
      std::size_t kept = 0;
      for (std::size_t i = 0; i < points.size(); i += 2) points[kept++] = points[i];
      points.resize(kept);
      step_ *= 2;
      next_point_ = points.back().timestamp;
    }
    next_point_ += step_;
  }
}

bool Simulation::run(std::uint32_t capacity, bool full, RunResult& out, Problems& problems) {
  out = RunResult{};
  out_ = &out;
  out.outcomes.resize(groups_.size());
  for (std::size_t i = 0; i < groups_.size(); ++i) out.outcomes[i].calls = groups_[i].calls;
  firsts_.clear();
  first_of_.assign(groups_.size(), 0);
  in_flight_.assign(groups_.size(), 0);
  lines_ = 0;
  preview_last_dials_ = 0;
  preview_final_ = 0;
  timeline_done_ = !full;
  next_point_ = groups_[0].start;
  step_ = o_.timeline_step;

  const std::uint64_t calls = groups_[0].calls;
  EngineOptions engine_options;
  engine_options.capacity = capacity;
  engine_options.ring_timeout = o_.ring_timeout;
  engine_options.dial_rate_milli = o_.dial_rate_milli;
  // One engine for every run, reset: a new one would allocate (and fault in) its memory again.
  if (engine_) engine_->reset(engine_options);
  else engine_.emplace(engine_options);
  Engine& engine = *engine_;
  if (!apply_policy(engine, problems)) return false;
  ReportQueue reports(horizon_);
  Actions actions;
  std::size_t next_group = 0;
  std::int64_t now = std::numeric_limits<std::int64_t>::min();

  for (;;) {
    if (!full && preview_last_dials_ == calls) break;
    std::int64_t t = kNever;
    if (const auto wake = engine.next_wakeup()) t = *wake;
    if (!reports.empty()) t = std::min(t, reports.next_time(now));
    if (next_group < order_.size()) t = std::min(t, groups_[order_[next_group]].start);
    if (t == kNever) break;
    now = t;
    if (!timeline_done_) emit_points_before(t);
    actions.clear();
    if (next_group < order_.size() && groups_[order_[next_group]].start == t) {
      while (next_group < order_.size() && groups_[order_[next_group]].start == t) {
        const Group& g = groups_[order_[next_group++]];
        if (!enqueue(engine, g, full || g.id != 0, problems)) return false;
      }
      continue;
    }
    bool ok;
    if (!reports.empty() && reports.next_time(now) == t) {
      const Pending p = reports.pop(t);
      ok = engine.report(p.call, p.event, p.event == CallEvent::rejected ? kSimRejectedReason : std::string_view{}, t,
                         actions, problems);
      if (p.event == CallEvent::connected) {
        const Attempt at = carrier_.draw(groups_[p.group].id, p.call - first_of_[p.group], p.attempt);
        reports.push({t + at.talk, p.call, CallEvent::disconnected, p.attempt, p.group});
      } else {
        --in_flight_[p.group];
        --lines_;
      }
    } else {
      ok = engine.advance(t, actions, problems);
    }
    if (!ok) return false;  // the carrier reports only what the engine allows: not expected
    handle(actions, reports, full);
  }
  if (!timeline_done_) emit_points_before(kNever);
  out.stuck = full ? preview_final_ < calls : preview_last_dials_ < calls;
  out.timeline_step = static_cast<std::uint32_t>(step_);
  return true;
}

// ---------------------------------------------------------------------------------------------
// The `needed` capacity search

// A probe's result: the last previewed dial at `capacity` (without window end).
struct Sample {
  std::uint64_t capacity;
  double last_dial;  // seconds after start
};

// T(C) = alpha + beta / C through two samples; the capacity it predicts brings T down to `limit`.
std::optional<double> secant(const Sample& a, const Sample& b, double limit) {
  if (a.capacity == b.capacity) return std::nullopt;
  const double beta = (a.last_dial - b.last_dial) / (1.0 / a.capacity - 1.0 / b.capacity);
  const double alpha = a.last_dial - beta / a.capacity;
  if (!(beta > 0) || !(limit - alpha > 0)) return std::nullopt;
  return beta / (limit - alpha);
}

// From one sample: a single deployment's last dial is about max(W / C, W1 / C + F), W the work of
// all previewed attempts, W1 of first attempts (all dialed before any re-attempt, which re-enter
// at the back), F the longest chain of re-attempts; `scale` fits it to the sample (lines shared with
// competing deployments stretch it).
// `delay`: seconds before the first previewed dial (calling hours not yet open), which no number of
// lines shortens.
std::optional<double> model(const Plan& plan, const Sample& s, double limit, double delay) {
  const double work = static_cast<double>(plan.work), first = static_cast<double>(plan.first_work);
  const double chain = static_cast<double>(plan.max_last_dial);
  const double c = static_cast<double>(s.capacity);
  const double at_sample = std::max(work / c, first / c + chain);
  if (!(at_sample > 0)) return std::nullopt;
  const double scale = std::max(1.0, (s.last_dial - delay) / at_sample);
  limit -= delay;
  if (!(limit > 0) || !(limit - scale * chain > 0)) return std::nullopt;
  return std::max(scale * work / limit, scale * first / (limit - scale * chain));
}
// ---------------------------------------------------------------------------------------------
// Validation helpers

// The window and attempt rules for values already read (the struct API), through the queue
// parameters' own checks (call_rules.hpp) under the preview's names. A PreviewOptions holds
// "not given" as maxAttempts 1 with reattemptWait 0.
void check_window_and_attempts(const std::string& prefix, std::int64_t start, const std::optional<std::int64_t>& end,
                               std::uint32_t max_attempts, std::uint32_t reattempt_wait, Problems& problems) {
  const json::Node start_node = integer_node(start);
  const json::Node end_node = integer_node(end.value_or(0));
  const json::Node max_node = integer_node(max_attempts);
  const json::Node wait_node = integer_node(reattempt_wait);
  CallRuleValues values{&start_node, end ? &end_node : nullptr, nullptr, nullptr};
  if (max_attempts != 1 || reattempt_wait != 0) {
    values.max_attempts = &max_node;
    if (reattempt_wait != 0) values.reattempt_wait = &wait_node;
  }
  CallOptions ignored;
  check_call_rules(values, call_rule_fields(CallRuleNaming::preview, prefix), std::numeric_limits<std::int64_t>::min(),
                   ignored, problems);
}

void check_range(std::uint64_t v, std::uint64_t lo, std::uint64_t hi, const std::string& field, std::string_view what,
                 Problems& problems) {
  if (v >= lo && v <= hi) return;
  add_error(problems, Code::invalid_preview, field,
            field + " " + unum(v) + " is out of range; give " + std::string(what) + ".");
}

void check_duration(const PreviewDuration& d, const std::string& field, Problems& problems) {
  check_range(d.mean, 1, kMaxSeconds, field + ".mean", "a whole number of seconds from 1 to 86400", problems);
  check_range(d.spread, 0, kMaxSeconds, field + ".spread", "a whole number of seconds from 0 to 86400", problems);
}

}  // namespace

bool validate_preview_options(const PreviewOptions& o, Problems& problems) {
  const std::size_t first = problems.size();
  check_range(o.calls, 0, kMaxPreviewCalls, "calls", "a whole number of calls from 0 to 1,000,000", problems);
  check_range(o.capacity, 1, kMaxPreviewCapacity, "capacity", "a whole number of lines from 1 to 1,000,000", problems);
  check_window_and_attempts("", o.start, o.end, o.max_attempts, o.reattempt_wait, problems);
  check_duration(o.talk_time, "talkTime", problems);
  check_duration(o.ring_time, "ringTime", problems);
  {
    EngineOptions eo;
    eo.ring_timeout = o.ring_timeout;
    Problems found;
    if (!Engine::validate_options(eo, found))
      for (auto& p : found) add_error(problems, Code::invalid_preview, "ringTimeout", std::move(p.message));
  }
  const std::pair<const char*, double> rates[] = {{"connected", o.rates.connected},
                                                  {"busy", o.rates.busy},
                                                  {"noanswer", o.rates.noanswer},
                                                  {"informationtone", o.rates.informationtone},
                                                  {"rejected", o.rates.rejected}};
  bool rates_ok = true;
  double total = 0;
  for (const auto& [name, v] : rates) {
    if (!std::isfinite(v) || v < 0) {
      std::string shown;
      if (std::isfinite(v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        shown = buf;
      } else {
        shown = "not finite";
      }
      add_error(problems, Code::invalid_preview, std::string("rates.") + name,
                std::string("rates.") + name + " is " + shown +
                    "; a rate is a share of attempts, a number of at least 0 (e.g. 0.1).");
      rates_ok = false;
    } else {
      total += v;
    }
  }
  if (rates_ok && !std::isfinite(total))
    add_error(problems, Code::invalid_preview, "rates",
              "rates add up to more than a number can hold; give each outcome's share of attempts, e.g. {connected: "
              "0.7, busy: 0.1, noanswer: 0.15, informationtone: 0.05} (they are normalised, so they need not sum to 1).");
  else if (rates_ok && !(total > 0))
    add_error(problems, Code::invalid_preview, "rates",
              "rates are all 0; give each outcome's share of attempts, e.g. {connected: 0.7, busy: 0.1, noanswer: "
              "0.15, informationtone: 0.05} (they are normalised, so they need not sum to 1).");
  check_range(o.timeline_step, 1, kMaxSeconds, "timelineStep", "a whole number of seconds from 1 to 86400", problems);
  if (o.competing.size() > kMaxCompeting)
    add_error(problems, Code::invalid_preview, "competing",
              "competing lists " + unum(o.competing.size()) + " deployments; at most " + unum(kMaxCompeting) +
                  " are simulated.");
  // SPEC 14.
  check_range(o.weight, 1, kMaxWeight, "weight", "a whole number from 1 to 1000", problems);
  if (o.dial_rate_milli > kMaxDialRateMilli)
    add_error(problems, Code::invalid_preview, "dialRate", "dialRate must be at most 10000 dials per second.");
  for (const auto* list : {&o.numbers, &o.suppressed}) {
    const std::string name = list == &o.numbers ? "numbers" : "suppressed";
    if (list->size() > kMaxPreviewNumbers) {
      add_error(problems, Code::invalid_preview, name,
                name + " lists " + text::with_commas(list->size()) + " numbers; at most 100,000 are kept (the calls cycle through them).");
      continue;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      Destination d;
      Problems found;
      if (parse_destination((*list)[i], d, found, name)) continue;
      add_error(problems, Code::invalid_preview, name + "[" + unum(i) + "]",
                name + "[" + unum(i) + "]: " + (found.empty() ? std::string("not a phone number") : found.front().message));
      break;  // one is enough to fix the list
    }
  }
  std::uint64_t total_calls = o.calls;
  for (std::size_t i = 0; i < o.competing.size() && i < kMaxCompeting; ++i) {
    const CompetingDeployment& c = o.competing[i];
    const std::string prefix = "competing[" + unum(i) + "].";
    check_range(c.weight, 1, kMaxWeight, prefix + "weight", "a whole number from 1 to 1000", problems);
    check_range(c.calls, 0, kMaxPreviewCalls, prefix + "calls", "a whole number of calls from 0 to 1,000,000",
                problems);
    check_window_and_attempts(prefix, c.start.value_or(o.start), c.end, c.max_attempts, c.reattempt_wait, problems);
    total_calls += std::min<std::uint64_t>(c.calls, kMaxPreviewCalls + 1);
  }
  if (total_calls > kMaxPreviewTotalCalls)
    add_error(problems, Code::invalid_preview, "competing",
              "the preview and its competing deployments hold " + text::with_commas(total_calls) +
                  " calls; at most " + text::with_commas(kMaxPreviewTotalCalls) + " are simulated together.");
  return !has_error(problems, first);
}

// ---------------------------------------------------------------------------------------------
// Reading the JSON options

namespace {

using Json = json::Node;
using json::Kind;

std::string shown(const Json& v) {
  if (v.kind == Kind::string) return text::quote(v.text);
  std::string out;
  json::write_scalar(out, v);
  return out;
}

// The options nest four levels (root, competing, its entries, their callingHours) and are small
// (numbers and suppressed hold at most 100,000 strings each): arrays are kept.
constexpr json::ReadLimits kOptionLimits{4, true};

class OptionReader {
 public:
  explicit OptionReader(Problems& problems) : problems_(problems) {}

  void error(const std::string& field, std::string message) {
    add_error(problems_, Code::invalid_preview, field, std::move(message));
  }

  // A JSON number of whole value in [lo, hi]; `what` says the range ("a whole number of lines from 1 to 10").
  template <typename T>
  bool whole(const Json& v, const std::string& field, std::uint64_t lo, std::uint64_t hi, std::string_view what,
             T& out) {
    if (v.kind != Kind::number) {
      error(field, field + " must be " + std::string(what) + ", got " + json::given_kind(v) + ".");
      return false;
    }
    if (!v.integral && v.finite && v.number != std::floor(v.number)) {
      error(field, field + " " + shown(v) + " is not a whole number; give " + std::string(what) + ".");
      return false;
    }
    // Whole values past int64 (and infinities) are out of every range.
    const std::uint64_t value = v.integral && v.integer >= 0 ? static_cast<std::uint64_t>(v.integer) : 0;
    const bool in_range = v.integral && v.integer >= 0 && value >= lo && value <= hi;
    if (!in_range) {
      error(field, field + " " + shown(v) + " is out of range; give " + std::string(what) + ".");
      return false;
    }
    out = static_cast<T>(value);
    return true;
  }

  bool number(const Json& v, const std::string& field, double& out) {
    if (v.kind != Kind::number) {
      error(field, field + " must be a number (a share of attempts, e.g. 0.1), got " + json::given_kind(v) + ".");
      return false;
    }
    out = v.number;
    return true;
  }

  // The members of an object option, each key checked against `known`.
  bool object(const Json& v, const std::string& field, std::initializer_list<std::string_view> known,
              std::string_view example) {
    if (v.kind != Kind::object) {
      error(field, field + " must be an object such as " + std::string(example) + ", got " + json::given_kind(v) + ".");
      return false;
    }
    bool ok = true;
    for (const json::Member& item : v.members) {
      if (item.duplicate || std::find(known.begin(), known.end(), item.key) != known.end()) continue;
      std::string list;
      for (const auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      const std::string who = field.empty() ? "option" : field + " option";
      error(field.empty() ? (item.key.empty() ? "options" : item.key) : field + "." + item.key,
            "Unknown " + who + " " + text::quote(item.key) + "; the options are " + list + ".");
      ok = false;
    }
    return ok;
  }

 private:
  Problems& problems_;
};

// A member that is present and not null.
const Json* member(const Json& object, std::string_view key) { return json::find(object, key); }

void read_duration(const Json& root, std::string_view key, PreviewDuration& out, OptionReader& r) {
  const Json* v = member(root, key);
  if (!v) return;
  const std::string field(key);
  if (!r.object(*v, field, {"mean", "spread"}, "{mean: 60, spread: 30}")) return;
  const Json* mean = member(*v, "mean");
  if (!mean) {
    r.error(field + ".mean", field + ".mean is missing; give the average in seconds, e.g. {mean: 60, spread: 30}.");
  } else {
    r.whole(*mean, field + ".mean", 1, kMaxSeconds, "a whole number of seconds from 1 to 86400", out.mean);
  }
  out.spread = 0;  // a time given without spread is exact
  if (const Json* spread = member(*v, "spread"))
    r.whole(*spread, field + ".spread", 0, kMaxSeconds, "a whole number of seconds from 0 to 86400", out.spread);
}

// The simulated carrier's options (talkTime, ringTime, ringTimeout, rates, seed), shared by the
// preview and createSimCarrier.
void read_carrier_model(const Json& root, PreviewDuration& talk_time, PreviewDuration& ring_time,
                        std::uint32_t& ring_timeout, PreviewRates& rates, std::uint64_t& seed, OptionReader& r) {
  read_duration(root, "talkTime", talk_time, r);
  read_duration(root, "ringTime", ring_time, r);
  if (const Json* v = member(root, "ringTimeout"))
    r.whole(*v, "ringTimeout", 1, kMaxSeconds, "a whole number of seconds from 1 to 86400", ring_timeout);

  if (const Json* v = member(root, "rates")) {
    if (r.object(*v, "rates", {"connected", "busy", "noanswer", "informationtone", "rejected"},
                 "{connected: 0.7, busy: 0.1, noanswer: 0.15, informationtone: 0.05, rejected: 0}")) {
      rates = PreviewRates{0, 0, 0, 0, 0};  // given rates replace the defaults; missing ones are 0
      const std::pair<const char*, double*> slots[] = {{"connected", &rates.connected},
                                                       {"busy", &rates.busy},
                                                       {"noanswer", &rates.noanswer},
                                                       {"informationtone", &rates.informationtone},
                                                       {"rejected", &rates.rejected}};
      for (const auto& [name, slot] : slots)
        if (const Json* rate = member(*v, name)) r.number(*rate, std::string("rates.") + name, *slot);
    }
  }
  if (const Json* v = member(root, "seed"))
    r.whole(*v, "seed", 0, kMaxJsonSeed, "a whole number from 0 to 9007199254740991", seed);
}

// start, end, maxAttempts, reattemptWait through the queue parameters' rules (call_rules.hpp).
void read_call_rules(const Json& object, const std::string& prefix, std::optional<std::int64_t> default_start,
                     std::optional<std::int64_t>& start, std::optional<std::int64_t>& end,
                     std::uint32_t& max_attempts, std::uint32_t& reattempt_wait, OptionReader& r, Problems& problems) {
  const auto& names = kCallRuleNames[static_cast<int>(CallRuleNaming::preview)];
  const Json* given[4] = {};
  bool types_ok = true;
  for (int i = 0; i < 4; ++i) {
    const Json* v = member(object, names[i]);
    if (!v) continue;
    if (v->kind != Kind::number) {
      const std::string field = prefix + std::string(names[i]);
      r.error(field, field + " must be a number" + (i < 2 ? " of Unix seconds" : "") + ", got " + json::given_kind(*v) + ".");
      types_ok = false;
      continue;
    }
    given[i] = v;
  }
  if (!types_ok) return;
  const Json fallback_start = integer_node(default_start.value_or(0));
  if (!given[0] && default_start) given[0] = &fallback_start;
  CallOptions o;
  // A preview may look at any time: no end_in_past.
  if (!check_call_rules({given[0], given[1], given[2], given[3]}, call_rule_fields(CallRuleNaming::preview, prefix),
                        std::numeric_limits<std::int64_t>::min(), o, problems))
    return;
  start = o.start_timestamp;
  end = o.end_timestamp;
  max_attempts = o.max_attempts;
  reattempt_wait = o.reattempt_wait;
}

// The value rules (rates, totals, ...) after reading, except for fields already reported since
// `first`: a value that could not be read kept its valid default.
void add_value_rules(const PreviewOptions& o, std::size_t first, Problems& problems) {
  const std::size_t read_end = problems.size();
  Problems rules;
  static_cast<void>(validate_preview_options(o, rules));  // the rules' problems, filtered below
  for (auto& p : rules) {
    bool seen = false;
    for (std::size_t i = first; i < read_end && !seen; ++i) seen = problems[i].field == p.field;
    if (!seen) problems.push_back(std::move(p));
  }
}

void read_number_list(const Json& root, std::string_view key, std::vector<std::string>& out, OptionReader& r) {
  const Json* v = member(root, key);
  if (!v) return;
  const std::string field(key);
  if (v->kind != Kind::array) {
    r.error(field, field + " must be an array of phone numbers such as [\"6175551234\"], got " + json::given_kind(*v) + ".");
    return;
  }
  if (v->count > kMaxPreviewNumbers) {
    r.error(field, field + " lists " + text::with_commas(v->count) + " numbers; at most 100,000 are kept (the calls cycle through them).");
    return;
  }
  for (std::size_t i = 0; i < v->elements.size(); ++i) {
    if (v->elements[i].kind != Kind::string) {
      r.error(field + "[" + unum(i) + "]", field + "[" + unum(i) + "] must be a phone number as a string, got " +
                                             json::given_kind(v->elements[i]) + ".");
      return;
    }
    out.push_back(v->elements[i].text);
  }
}

// SPEC 14's options.
void read_policy_options(const Json& root, PreviewOptions& out, OptionReader& r, Problems& problems) {
  if (const Json* v = member(root, "callingHours")) static_cast<void>(read_calling_hours_value(*v, "callingHours", out.calling_hours, problems));
  if (const Json* v = member(root, "timezone")) {
    if (v->kind != Kind::string) {
      add_error(problems, Code::invalid_timezone, "timezone",
                "timezone must be an IANA zone name such as \"America/New_York\", got " + json::given_kind(*v) + ".");
    } else {
      tz::ZoneId z = 0;
      if (read_time_zone(v->text, "timezone", z, problems)) out.timezone = z;
    }
  }
  read_number_list(root, "numbers", out.numbers, r);
  read_number_list(root, "suppressed", out.suppressed, r);
  if (const Json* v = member(root, "dialRate")) {
    static_cast<void>(read_dial_rate_value(v->kind == Kind::number ? v->number : NAN, shown(*v), Code::invalid_preview,
                                           out.dial_rate_milli, problems));
  }
  if (const Json* v = member(root, "weight")) r.whole(*v, "weight", 1, kMaxWeight, "a whole number from 1 to 1000", out.weight);
}

// Reads the options' JSON text; whether it was JSON at all.
bool read_root(std::string_view options_json, Json& root) {
  json::ReadError error;
  return json::read(options_json, kOptionLimits, root, error);
}

}  // namespace

bool read_preview_options(std::string_view options_json, PreviewOptions& out, Problems& problems) {
  out = PreviewOptions{};
  const std::size_t first = problems.size();
  OptionReader r(problems);
  Json root;
  const bool parsed = read_root(options_json, root);
  if (!parsed || root.kind != Kind::object) {
    r.error("options", !parsed ? "The preview options are not valid JSON; send an object such as "
                                             "{\"calls\":1000,\"capacity\":10,\"start\":1700000000}."
                                           : "The preview options must be an object such as "
                                             "{\"calls\":1000,\"capacity\":10,\"start\":1700000000}, got " +
                                                 json::given_kind(root) + ".");
    return false;
  }
  r.object(root, "",
           {"calls", "csv", "capacity", "start", "end", "maxAttempts", "reattemptWait", "talkTime", "ringTime",
            "ringTimeout", "rates", "seed", "timelineStep", "competing", "callingHours", "timezone", "numbers",
            "suppressed", "dialRate", "weight"},
           "");
  read_policy_options(root, out, r, problems);

  const Json* calls = member(root, "calls");
  const Json* csv = member(root, "csv");
  if (calls && csv) {
    r.error("csv", "Give calls or csv, not both: csv previews the rows a validateCsv result queues.");
  } else if (calls) {
    r.whole(*calls, "calls", 0, kMaxPreviewCalls, "a whole number of calls from 0 to 1,000,000", out.calls);
  } else if (csv) {
    if (r.object(*csv, "csv", {"queued", "ok"}, "the result of validateCsv")) {
      const Json* queued = member(*csv, "queued");
      const Json* ok = member(*csv, "ok");
      if (ok && ok->kind == Kind::boolean && !ok->boolean) {
        r.error("csv", "csv has errors, so the upload queues no rows; fix them (or validate with {partial: true} "
                       "to queue the valid rows) and preview again.");
      } else if (!queued) {
        r.error("csv.queued", "csv.queued is missing; pass the result of validateCsv.");
      } else {
        r.whole(*queued, "csv.queued", 0, kMaxPreviewCalls, "a whole number of rows from 0 to 1,000,000", out.calls);
      }
    }
  } else {
    r.error("calls", "calls is missing; give the number of calls to preview (calls: 40000) or a validateCsv result "
                     "(csv).");
  }

  if (const Json* v = member(root, "capacity")) {
    r.whole(*v, "capacity", 1, kMaxPreviewCapacity, "a whole number of lines from 1 to 1,000,000", out.capacity);
  } else {
    r.error("capacity", "capacity is missing; give the number of outbound lines, e.g. capacity: 30.");
  }

  std::optional<std::int64_t> start;
  if (!member(root, "start"))
    r.error("start", "start is missing; give the window's start in Unix seconds (the JS API defaults it to now).");
  read_call_rules(root, "", std::nullopt, start, out.end, out.max_attempts, out.reattempt_wait, r, problems);
  out.start = start.value_or(0);

  read_carrier_model(root, out.talk_time, out.ring_time, out.ring_timeout, out.rates, out.seed, r);
  if (const Json* v = member(root, "timelineStep"))
    r.whole(*v, "timelineStep", 1, kMaxSeconds, "a whole number of seconds from 1 to 86400", out.timeline_step);

  if (const Json* v = member(root, "competing")) {
    if (v->kind != Kind::array) {
      r.error("competing", "competing must be an array of deployments such as [{calls: 10000}], got " + json::given_kind(*v) +
                               ".");
    } else if (v->count > kMaxCompeting) {
      r.error("competing", "competing lists " + unum(v->count) + " deployments; at most " + unum(kMaxCompeting) +
                               " are simulated.");
    } else {
      for (std::size_t i = 0; i < v->elements.size(); ++i) {
        const Json& entry = v->elements[i];
        const std::string field = "competing[" + unum(i) + "]";
        if (!r.object(entry, field, {"calls", "start", "end", "maxAttempts", "reattemptWait", "weight", "callingHours"},
                      "{calls: 10000, start: 1700000000}"))
          continue;
        CompetingDeployment c;
        if (const Json* w = member(entry, "weight"))
          r.whole(*w, field + ".weight", 1, kMaxWeight, "a whole number from 1 to 1000", c.weight);
        if (const Json* h = member(entry, "callingHours")) static_cast<void>(read_calling_hours_value(*h, field + ".callingHours", c.calling_hours, problems));
        if (const Json* n = member(entry, "calls")) {
          r.whole(*n, field + ".calls", 0, kMaxPreviewCalls, "a whole number of calls from 0 to 1,000,000", c.calls);
        } else {
          r.error(field + ".calls", field + ".calls is missing; give the deployment's number of calls.");
        }
        std::optional<std::int64_t> own_start;
        read_call_rules(entry, field + ".", start ? start : std::optional<std::int64_t>(0), own_start, c.end,
                        c.max_attempts, c.reattempt_wait, r, problems);
        if (member(entry, "start")) c.start = own_start;
        out.competing.push_back(c);
      }
    }
  }

  add_value_rules(out, first, problems);
  return !has_error(problems, first);
}

bool read_sim_carrier_options(std::string_view options_json, SimCarrierOptions& out, Problems& problems) {
  out = SimCarrierOptions{};
  const std::size_t first = problems.size();
  OptionReader r(problems);
  Json root;
  if (!read_root(options_json, root) || root.kind != Kind::object) {
    r.error("options", "The simulated carrier's options must be an object such as {seed: 1, rates: {connected: 0.7, "
                       "busy: 0.1, noanswer: 0.15, informationtone: 0.05}}.");
    return false;
  }
  r.object(root, "", {"talkTime", "ringTime", "ringTimeout", "rates", "seed"}, "");
  PreviewOptions p;
  read_carrier_model(root, p.talk_time, p.ring_time, p.ring_timeout, p.rates, p.seed, r);
  // The value rules of these fields (the preview's own fields are valid defaults here).
  p.calls = 0;
  p.capacity = 1;
  add_value_rules(p, first, problems);
  out.talk_time = p.talk_time;
  out.ring_time = p.ring_time;
  out.ring_timeout = p.ring_timeout;
  out.rates = p.rates;
  out.seed = p.seed;
  return !has_error(problems, first);
}

// ---------------------------------------------------------------------------------------------
// The preview

bool preview_window(const PreviewOptions& o, PreviewResult& out, Problems& problems) {
  out = PreviewResult{};
  if (!validate_preview_options(o, problems)) return false;
  const Carrier carrier(o);
  std::vector<Group> groups;
  groups.push_back({0, o.calls, o.start, o.end, o.max_attempts, o.reattempt_wait, o.weight, o.calling_hours});
  std::uint64_t total_calls = o.calls;
  for (std::size_t i = 0; i < o.competing.size(); ++i) {
    const CompetingDeployment& c = o.competing[i];
    groups.push_back({static_cast<std::uint32_t>(i + 1), c.calls, c.start.value_or(o.start), c.end, c.max_attempts,
                      c.reattempt_wait, c.weight, c.calling_hours});
    total_calls += c.calls;
  }
  Simulation sim(o, carrier, groups);

  RunResult main;
  if (!sim.run(o.capacity, true, main, problems)) return false;
  ++out.simulations;
  out.preview = main.outcomes[0];
  out.competing.assign(main.outcomes.begin() + 1, main.outcomes.end());
  out.timeline = std::move(main.timeline);
  out.timeline_step = main.timeline_step;

  if (o.calls == 0) {
    if (o.end) out.needed.capacity = 1;
    return true;
  }

  // A probe: the last previewed dial, in seconds after start, at `capacity` without window end.
  bool stuck = main.stuck;
  const auto probe = [&](std::uint64_t capacity, double& last_dial) {
    RunResult r;
    if (!sim.run(static_cast<std::uint32_t>(capacity), false, r, problems)) return false;
    ++out.simulations;
    last_dial = static_cast<double>(r.last_preview_dial.value_or(o.start) - o.start);
    stuck = stuck || r.stuck;
    return true;
  };

  // The smallest end at this capacity: 1 + the last previewed dial of the run without end, which
  // is the main run itself when that cancels nothing.
  double last_dial = static_cast<double>(main.last_preview_dial.value_or(o.start) - o.start);
  if (o.end && out.preview.canceled > out.preview.suppressed && !probe(o.capacity, last_dial)) return false;
  if (stuck) return true;  // calls whose hours never open: nothing fits them all
  const auto last = static_cast<std::int64_t>(last_dial);
  out.needed.end_timestamp = o.start + last + 1;
  out.needed.window_seconds = last + 1;
  if (!o.end) return true;

  // The smallest capacity C whose last previewed dial comes before end: a bracketed search
  // (fail < C <= pass) guided by the samples, so only a few runs are needed.
  const Plan plan = make_plan(o, carrier);
  const double limit = static_cast<double>(*o.end - 1 - o.start);  // the last dial may be at end - 1
  if (static_cast<double>(plan.max_last_dial) > limit) return true;  // even unlimited lines cannot
  // Lower bound: every previewed attempt starts before end, so work <= C * (window + longest attempt).
  const double bound = std::ceil(static_cast<double>(plan.work) / (limit + 1 + plan.max_duration));
  std::uint64_t fail = bound > 1 ? static_cast<std::uint64_t>(bound) - 1 : 0;  // 0: none known
  std::uint64_t pass = total_calls;  // unlimited lines: proven by the plan, verified by a run
  std::optional<Sample> at_pass;
  // More lines than calls run as many (every call is dialed as soon as it is ready).
  const Sample first{std::min<std::uint64_t>(o.capacity, total_calls), last_dial};
  if (last_dial <= limit) {
    pass = first.capacity;
    at_pass = first;
  } else {
    fail = std::max<std::uint64_t>(fail, o.capacity);
  }
  if (fail >= pass) return true;  // not expected: the bounds contradict each other
  std::vector<Sample> samples{first};
  int stalls = 0;  // probes in a row that did not halve the bracket
  for (int runs = 0; pass - fail > 1 || !at_pass; ++runs) {
    if (runs == 64) return true;  // not expected: give no answer rather than a wrong one
    std::uint64_t c = pass;
    if (pass - fail > 1) {
      // Through the two samples nearest the limit (the curve is smooth there), else the model.
      std::optional<double> guess;
      if (samples.size() >= 2) {
        std::sort(samples.begin(), samples.end(), [&](const Sample& a, const Sample& b) {
          const double da = std::fabs(a.last_dial - limit), db = std::fabs(b.last_dial - limit);
          return da != db ? da < db : a.capacity < b.capacity;
        });
        guess = secant(samples[0], samples[1], limit);
      } else {
        guess = model(plan, first, limit, static_cast<double>(main.first_preview_dial.value_or(o.start) - o.start));
      }
      if (guess && stalls < 4) {
        c = static_cast<std::uint64_t>(std::min(std::ceil(*guess), 1e12));
      } else {  // halve the bracket, or grow by a quarter while no pass is run yet
        c = at_pass ? fail + (pass - fail) / 2 : fail + std::max<std::uint64_t>(1, fail / 4);
        stalls = 0;
      }
      c = std::clamp<std::uint64_t>(c, fail + 1, pass - 1);
    }
    const std::uint64_t width = pass - fail;
    Sample s{c, 0};
    if (!probe(c, s.last_dial)) return false;
    samples.push_back(s);
    if (s.last_dial <= limit) {
      pass = c;
      at_pass = s;
    } else {
      if (c >= pass) return true;  // not expected: the plan said unlimited lines would do
      fail = c;
    }
    stalls = (pass - fail) * 2 > width ? stalls + 1 : 0;
  }
  out.needed.capacity = static_cast<std::uint32_t>(pass);
  return true;
}

}  // namespace fuse
