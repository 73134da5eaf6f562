// Window preview (SPEC 6): "will these calls fit in this window on these lines?"
//
// Runs the real queue engine (fuse::Engine: capacity, fair queuing, windows, re-attempts, ring
// timeout) against a seeded simulated carrier and reports what would happen: how many calls
// complete, fail or are canceled at the window end, when the queue drains, a timeline, and the
// capacity or window that would finish everything.
//
// The simulated carrier. Every attempt's outcome and times are drawn from (seed, deployment, call,
// attempt) alone, never from dial order, so changing the capacity or the window does not reshuffle
// them (the `needed` search compares like with like). Per attempt:
//   - outcome: connected, busy, noanswer, informationtone or rejected with probabilities proportional to
//     `rates` (weights: they need not sum to 1; all >= 0, at least one > 0);
//   - ring seconds: a whole number uniform in [max(1, mean - spread), mean + spread] (ring_time);
//     the carrier reports connected / busy / informationtone / rejected that many seconds after the dial;
//   - talk seconds (connected only): drawn the same way from talk_time; disconnected follows then.
//   noanswer is never reported by the carrier: the engine raises it itself at ring_timeout. An
//   attempt whose ring time reaches ring_timeout is a noanswer whatever its drawn outcome (the
//   engine's timer fires first). A line is busy from the dial until the attempt's end (busy /
//   informationtone report, noanswer timeout, or disconnected).
//
// Scheduling. The previewed calls form one deployment, queued at `start` (all at once, in order);
// each competing deployment is queued at its own start (default: the preview's start), all sharing
// `capacity` lines. Simulation time begins at the earliest start.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fuse/calling_hours.hpp"
#include "fuse/problem.hpp"
#include "fuse/sim_carrier.hpp"

namespace fuse {

// Another deployment sharing the lines.
struct CompetingDeployment {
  std::uint64_t calls = 0;              // 0..kMaxPreviewCalls
  std::optional<std::int64_t> start;    // queued then; default: the preview's start
  std::optional<std::int64_t> end;      // its window end; default: none
  std::uint32_t max_attempts = 1;       // 1..10
  std::uint32_t reattempt_wait = 0;     // 0, or 60..86400 (required when max_attempts > 1)
  std::uint32_t weight = 1;             // SPEC 14: its share of the lines, 1..1000
  std::optional<CallingHours> calling_hours;  // in the zone of its numbers (Boston's, New York time)
};

struct PreviewOptions {
  std::uint64_t calls = 0;              // previewed calls, 0..kMaxPreviewCalls
  std::uint32_t capacity = 1;           // lines, 1..kMaxPreviewCapacity
  std::int64_t start = 0;               // Unix seconds: the previewed calls are queued then
  std::optional<std::int64_t> end;      // window end (after start); none: no window end
  std::uint32_t max_attempts = 1;       // 1..10
  std::uint32_t reattempt_wait = 0;     // 0, or 60..86400 (required when max_attempts > 1)
  PreviewDuration talk_time{60, 30};    // seconds connected
  PreviewDuration ring_time{15, 10};    // seconds until the carrier answers or signals busy/infotone
  std::uint32_t ring_timeout = 45;      // the engine's noanswer timer, 1..86400
  PreviewRates rates;
  std::uint64_t seed = 1;
  std::uint32_t timeline_step = 60;     // seconds between timeline points, 1..86400
  std::vector<CompetingDeployment> competing;  // at most kMaxCompeting
  // SPEC 14, all off by default. The previewed calls' numbers (any accepted form; call i dials
  // numbers[i % size], at most kMaxPreviewNumbers; none: a Boston number), whose zones the calling
  // hours are judged in (unless `timezone` is given); numbers on the suppression list (canceled at
  // dial time); the lines' dial rate (thousandths of dials per second, 0: none); the weight.
  std::optional<CallingHours> calling_hours;
  std::optional<tz::ZoneId> timezone;
  std::vector<std::string> numbers;
  std::vector<std::string> suppressed;
  std::uint32_t dial_rate_milli = 0;
  std::uint32_t weight = 1;
};
inline constexpr std::size_t kMaxPreviewNumbers = 100'000;

inline constexpr std::uint64_t kMaxPreviewCalls = 1'000'000;         // per deployment
inline constexpr std::uint64_t kMaxPreviewTotalCalls = 2'000'000;    // previewed + competing
inline constexpr std::uint32_t kMaxPreviewCapacity = 1'000'000;
inline constexpr std::size_t kMaxCompeting = 100;
// Longer timelines keep every 2nd, 4th, ... point (the step doubles) so at most this many remain.
inline constexpr std::size_t kMaxTimelinePoints = 10'000;

// What happened to one deployment's calls.
struct PreviewOutcome {
  std::uint64_t calls = 0;
  std::uint64_t completed = 0, failed = 0, canceled = 0;
  std::uint64_t attempts = 0;  // dials
  // Attempts by outcome (sum = attempts); noanswer includes attempts whose ring reached ring_timeout.
  std::uint64_t connected = 0, busy = 0, noanswer = 0, informationtone = 0, rejected = 0;
  std::uint64_t suppressed = 0;  // of `canceled`: numbers on the suppression list (SPEC 14)
  // When its last call reached its final status (the latest result timestamp: a disconnect, the
  // failing event, or the cancel time); nullopt when it has no calls.
  std::optional<std::int64_t> drain_timestamp;
};

// The state just after everything that happens at `timestamp` (previewed calls; lines: all).
struct PreviewPoint {
  std::int64_t timestamp = 0;
  std::uint64_t lines_in_use = 0;  // dialing or connected, every deployment
  std::uint64_t queued = 0;        // previewed calls waiting or eligible: not final, not in flight
  std::uint64_t completed = 0, failed = 0, canceled = 0;  // previewed, cumulative
};

struct PreviewNeeded {
  // With a window end: the smallest capacity with which no previewed call is canceled, found by a
  // bracketed search and verified (it cancels nothing; capacity - 1 cancels something, by a run or
  // by the line-seconds bound). nullopt without an end, or when no capacity can do it (the
  // re-attempt waits alone outlast the window).
  std::optional<std::uint32_t> capacity;
  // At the given capacity: the smallest window end that cancels nothing (1 + the last dial of a
  // previewed call in the run without end), and its length from start. nullopt when there are no calls.
  std::optional<std::int64_t> end_timestamp;
  std::optional<std::int64_t> window_seconds;
};

struct PreviewResult {
  PreviewOutcome preview;
  std::vector<PreviewOutcome> competing;  // in the order given
  PreviewNeeded needed;
  // From start, one point per timeline_step (doubled while more than kMaxTimelinePoints), until
  // the first point at or after the previewed calls' drain.
  std::uint32_t timeline_step = 0;
  std::vector<PreviewPoint> timeline;
  std::uint32_t simulations = 0;  // engine runs it took, the `needed` search included
};

// Checks the options (every problem, fields in the JS API's names: "capacity", "talkTime.mean",
// "competing[0].end", ...). Window and attempt rules are the queue parameters' (SPEC 3) with their
// codes (invalid_timestamp, end_before_start, invalid_max_attempts, ...); the rest is invalid_preview.
[[nodiscard]] bool validate_preview_options(const PreviewOptions& options, Problems& problems);

// Reads the options as the JS API sends them, a JSON object: calls | csv:{queued, ok?}, capacity,
// start, end?, maxAttempts?, reattemptWait?, talkTime?:{mean, spread?}, ringTime?:{mean, spread?},
// ringTimeout?, rates?:{connected?, busy?, noanswer?, informationtone?, rejected?} (missing rates are 0 when
// `rates` is given), seed?, timelineStep?, competing?:[{calls, start?, end?, maxAttempts?,
// reattemptWait?, weight?, callingHours?}], and SPEC 14's callingHours?, timezone?, numbers?,
// suppressed?, dialRate?, weight?. null is the same as absent. maxAttempts and reattemptWait follow the queue
// parameters' rules exactly (each requires the other). Unknown keys are errors. Then validates.
[[nodiscard]] bool read_preview_options(std::string_view options_json, PreviewOptions& out, Problems& problems);

// Validates, then simulates. Deterministic: the same options give the same result, byte for byte.
[[nodiscard]] bool preview_window(const PreviewOptions& options, PreviewResult& out, Problems& problems);

}  // namespace fuse
