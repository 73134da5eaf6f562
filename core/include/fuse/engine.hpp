// The queue engine (SPEC 5): per-deployment FIFO queues sharing `capacity` outbound lines fairly,
// call windows, re-attempts, ring timeouts and result payloads.
//
// A pure, deterministic state machine: time (`now`, Unix seconds) and telephony outcomes come in as
// arguments; the actions to carry out (dial, hang up, post a result) come back. Nothing happens
// between calls: the caller runs advance(now) at next_wakeup() and after it reports outcomes.
//
// Time rules. Every mutating call takes `now`, which must not be earlier than the latest `now` the
// engine has accepted (else invalid_time, nothing changes). advance/report/cancel_deployment first
// process every timer due at or before `now` in time order (ring timeouts, re-attempt waits ending,
// window starts, window ends; each event stamped with its own due time), then apply their own
// input, then dial at `now` while a line is free and a call is eligible. enqueue only records the
// call (it neither processes timers nor dials).
//
// Invalid input (unknown call or event, an event the call's state does not allow, time going back)
// returns false with one problem and changes nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuse/calling_hours.hpp"
#include "fuse/destination.hpp"
#include "fuse/payload.hpp"
#include "fuse/problem.hpp"
#include "fuse/queue_request.hpp"

namespace fuse {

struct EngineOptions {
  std::uint32_t capacity = 1;       // concurrent outbound lines across all deployments (0 pauses dialing)
  std::uint32_t ring_timeout = 45;  // seconds of ringing before the engine raises noanswer (1..86400)
  // Pacing (SPEC 14): dials per second across all deployments, in thousandths (2500 = 2.5/s; 0: no
  // limit). The clock has one-second steps, so a rate is kept as: at most ceil(rate x S) dials in
  // any S consecutive seconds, and exactly `rate` on average while calls wait for it.
  std::uint32_t dial_rate_milli = 0;
};
inline constexpr std::uint32_t kMaxRingTimeout = 86400;
inline constexpr std::uint32_t kMaxDialRateMilli = 10'000'000;  // 10,000 dials per second

// A deployment's dial-time policy (SPEC 14); all off by default.
struct DeploymentPolicy {
  // Its share of free lines: they go to the deployment with the lowest in-flight / weight (1..1000).
  std::uint32_t weight = 1;
  // When its calls may ring, in the recipient's local time, unless a call gives its own.
  std::optional<CallingHours> calling_hours;
  // The suppression list its calls are checked against besides the engine-wide one ("" = none).
  std::string suppression_list;
};
inline constexpr std::uint32_t kMaxWeight = 1000;

// A call inside one engine: its index among the calls the engine holds, in enqueue order. Its public
// id is call_id(ref), a decimal number: "1", "2", ... in enqueue order, unique per engine, kept by
// snapshot/restore and by compact() (which renumbers refs, never ids).
using CallRef = std::uint32_t;

struct Action {
  enum class Type : std::uint8_t { dial, hangup, result };
  Type type;
  CallRef call;
  std::int64_t timestamp;        // when it happens (dial: now; hangup: the timeout; result: the final event)
  std::uint8_t attempt = 0;      // dial: 1 for the first attempt
  CallStatus status = CallStatus::queued;  // result: completed, failed or canceled
  CallEvent reason = CallEvent::noanswer;  // hangup: why
};
using Actions = std::vector<Action>;

// What a dial action dials (a plain number is rebuilt from its stored E.164 digits; a tel: URI with
// ani or postd is parsed again from the number as given).
struct DialInfo {
  std::string_view deployment;
  std::string_view phone_number;  // as given, trimmed
  Destination destination;
  std::uint32_t attempt = 0;
};

// A row's own dial-time policy (SPEC 14: the CSV's calling_hours and timezone columns), over the
// batch's shared options.
struct RowPolicy {
  std::optional<CallingHours> calling_hours;
  std::optional<tz::ZoneId> timezone;
};

// One row of a batch (enqueue_many): the number as given and the metadata JSON object text ("" when none).
struct EngineRow {
  std::string_view phone_number;
  std::string_view metadata;
  // The caller has already validated this row (the number parses with parse_destination, the
  // metadata is a compact JSON object as the validators write it): enqueue_many skips re-checking
  // it. For rows from validate_queue_request, the CSV validator or the window preview only.
  bool checked = false;
  // A checked row's number as PhoneNumber::key() (its E.164 digits), kept so that a dial builds
  // the number without parsing it again; 0 when not known (the dial then parses it).
  std::uint64_t e164 = 0;
  // 1 + index into enqueue_many's `policies` when the row has its own (0: the shared options' own).
  std::uint32_t policy = 0;
};

struct EngineCounts {
  std::uint64_t queued = 0;     // eligible to dial now (status queued)
  std::uint64_t waiting = 0;    // waiting for the window start or a re-attempt (status queued)
  std::uint64_t dialing = 0;
  std::uint64_t connected = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t canceled = 0;
  std::uint64_t in_flight() const noexcept { return dialing + connected; }
};

struct EngineStats {
  std::uint32_t capacity = 0;
  std::uint64_t calls = 0;
  std::uint64_t deployments = 0;
  EngineCounts counts;
  // The engine's estimate of the bytes it holds: the capacities of its containers (call records,
  // event nodes, queues, timers, deployments, interned options) and its text arena's blocks. It
  // depends on the build (pointer size) and on history (a restored engine holds only what its
  // state needs), so it is not part of the engine's behaviour.
  std::uint64_t memory_bytes = 0;
};

struct DeploymentStats {
  std::string_view name;
  EngineCounts counts;
};

class Engine {
 public:
  // Checks the options (capacity any 32-bit count, ring_timeout 1..86400).
  [[nodiscard]] static bool validate_options(const EngineOptions& options, Problems& problems);
  // Reads the options as the JS API gives them, JSON {capacity, ringTimeout?} (capacity required;
  // ringTimeout null or missing: the default; any other key is an error), then validates them.
  [[nodiscard]] static bool read_options(std::string_view options_json, EngineOptions& out, Problems& problems);
  // A time as JS gives it (a double): a whole number of Unix seconds in the engine's range, else
  // invalid_time with the same message every time check gives.
  [[nodiscard]] static bool read_time(double now, std::int64_t& out, Problems& problems);
  explicit Engine(const EngineOptions& options);  // options must be valid
  // Makes this engine exactly a new Engine(options) (no calls, no deployments, no time), keeping
  // the memory it has allocated: for callers that run many engines one after another (previews).
  void reset(const EngineOptions& options);
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  // Queues one validated request in `deployment` (any non-empty string; created on first use).
  // Checks what the engine relies on: the number parses, max_attempts 1..10, the window (end after
  // start and after now), metadata a JSON object of at most 64 KiB. Returns the call, or nullopt
  // with the problems.
  [[nodiscard]] std::optional<CallRef> enqueue(std::string_view deployment, const QueueRequest& request, std::int64_t now,
                                 Problems& problems);
  // Queues many calls sharing one CallOptions, stored once (bulk_queue): all rows or none. Rows get
  // consecutive refs starting at `first` (ids call_id(first + i)), in row order, so they dial in
  // row order. Row problems carry `row` = 1-based index into `rows`.
  [[nodiscard]] bool enqueue_many(std::string_view deployment, const CallOptions& shared, std::span<const EngineRow> rows,
                    std::int64_t now, CallRef& first, Problems& problems, std::span<const RowPolicy> policies = {});

  [[nodiscard]] bool advance(std::int64_t now, Actions& actions, Problems& problems);
  // Carrier outcomes: connected (from dialing), disconnected (from connected), busy / noanswer /
  // informationtone / rejected (from dialing). A dialing call whose ring timeout is due at or before
  // `now` has already stopped ringing, so an outcome reported for it is an invalid_transition.
  // `rejected` (SPEC 13: the carrier refused the call for another reason) needs its `reason`
  // (valid_event_reason, e.g. "503 Service Unavailable"), which its event carries; the other
  // events take none (invalid_reason).
  [[nodiscard]] bool report(std::string_view call_id, std::string_view event, std::string_view reason, std::int64_t now,
                            Actions& actions, Problems& problems);
  [[nodiscard]] bool report(CallRef call, CallEvent event, std::string_view reason, std::int64_t now, Actions& actions,
                            Problems& problems);
  // The same without a reason.
  [[nodiscard]] bool report(std::string_view call_id, std::string_view event, std::int64_t now, Actions& actions,
              Problems& problems);
  [[nodiscard]] bool report(CallRef call, CallEvent event, std::int64_t now, Actions& actions, Problems& problems);
  // Cancels every queued or waiting call of the deployment at `now` (dialing and connected calls
  // continue). Due timers are processed first and free lines dial afterwards, as in advance(now).
  // An unknown deployment has nothing to cancel.
  [[nodiscard]] bool cancel_deployment(std::string_view deployment, std::int64_t now, Actions& actions, Problems& problems);

  // Lowering the capacity hangs nothing up: it only stops new dials until in-flight drops below.
  void set_capacity(std::uint32_t capacity) noexcept;
  // Changes the pacing (EngineOptions::dial_rate_milli, 0: none); the dials already made count
  // against the new rate. False (invalid_option) above kMaxDialRateMilli.
  [[nodiscard]] bool set_dial_rate(std::uint32_t dial_rate_milli, Problems& problems);
  std::uint32_t dial_rate() const noexcept;

  // Dial-time policy of one deployment (created when new). Calls held outside their calling hours
  // are judged again at the engine's time (nothing dials until advance). Reads the JS form
  // {weight?, callingHours?, suppressionList?} over `policy` (keys not given keep its value; null
  // clears callingHours).
  [[nodiscard]] static bool read_deployment_policy(std::string_view policy_json, DeploymentPolicy& policy,
                                                   Problems& problems);
  [[nodiscard]] bool set_deployment_policy(std::string_view deployment, const DeploymentPolicy& policy,
                                           Problems& problems);
  // The policy (defaults for an unknown deployment).
  DeploymentPolicy deployment_policy(std::string_view deployment) const;

  // Suppression (do-not-call): numbers in any accepted form (SPEC 2), kept as E.164, in named lists;
  // "" is the engine-wide list every call is checked against, a named list only the calls of the
  // deployments that name it. A suppressed call is canceled when it would dial (event
  // `suppressed`). `changed`: whether the number was added (removed) rather than already there
  // (absent). False with invalid_phone_number when the number does not parse.
  [[nodiscard]] bool suppress(std::string_view list, std::string_view number, bool& changed, Problems& problems);
  [[nodiscard]] bool unsuppress(std::string_view list, std::string_view number, bool& changed, Problems& problems);
  [[nodiscard]] bool is_suppressed(std::string_view list, std::string_view number, bool& suppressed,
                                   Problems& problems) const;
  std::uint64_t suppressed_count() const noexcept;
  std::uint32_t capacity() const noexcept;
  std::uint32_t ring_timeout() const noexcept;
  // The latest `now` the engine accepted (nullopt before the first).
  std::optional<std::int64_t> now() const noexcept;

  // When advance should run next: the engine's current time when a line is free and a call is
  // eligible, or when a timer is already due; else the earliest pending timer (a ring timeout,
  // re-attempt, window start or window end that would change something); nullopt when nothing is
  // pending. (Lazily drops timers that can no longer fire, hence not const.)
  std::optional<std::int64_t> next_wakeup();

  // Drops the final calls (completed, failed, canceled) so that memory holds only live ones: stats,
  // get and find_call forget them; every other call keeps its id and behaves as before; new calls
  // number on after the highest id ever given. Refs change (look calls up again by id). Returns how
  // many calls were dropped.
  std::uint64_t compact();

  std::size_t call_count() const noexcept;  // calls held (since the latest compact)
  // The call's id as a number, and the id the next queued call will get.
  std::uint64_t call_number(CallRef call) const noexcept;
  std::uint64_t next_call_number() const noexcept;
  [[nodiscard]] std::optional<CallRef> find_call(std::string_view call_id) const noexcept;
  std::string call_id(CallRef call) const;
  void write_call_id(CallRef call, std::string& out) const;
  CallStatus status(CallRef call) const noexcept;
  std::string_view deployment_of(CallRef call) const noexcept;
  // Deployments by index, in creation order (deployment_stats() order); an index never changes.
  std::size_t deployment_count() const noexcept;
  std::uint32_t deployment_index(CallRef call) const noexcept;
  std::string_view deployment_name(std::uint32_t index) const noexcept;
  std::string_view result_url(CallRef call) const noexcept;  // "" when none
  // The call's `call_details` payload as of now (for a final call: what its result action posts).
  void write_call_details(CallRef call, std::string& out) const;
  std::string call_details(CallRef call) const;
  DialInfo dial_info(const Action& dial) const;

  EngineStats stats() const noexcept;
  // In creation order.
  std::vector<DeploymentStats> deployment_stats() const;

  // The entire state as JSON text; restore() gives an engine that behaves identically from there
  // (same actions for the same inputs, byte for byte). A restored engine's snapshot is the same text.
  std::string snapshot() const;
  [[nodiscard]] static std::optional<Engine> restore(std::string_view snapshot, Problems& problems);

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fuse
