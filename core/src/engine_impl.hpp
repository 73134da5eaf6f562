// The engine's internal state (shared by engine.cpp and engine_snapshot.cpp).
//
// Memory: a call is a 48-byte record addressed by index (no pointers); its number as given and its
// metadata sit in a text arena; its options (window, attempts, result_url) are interned, one entry
// shared by every call queued with the same options (a whole bulk upload); its events are a
// backwards-linked list of 16-byte nodes, the first `queued` event implicit in the record. A queued
// call costs the record, ~4+4 bytes of queue and cancel lists, its text, and 16 bytes per window
// timer when it has a window.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fuse/engine.hpp"
#include "text_arena.hpp"
#include "fuse/queue_request.hpp"

namespace fuse {

namespace engine_detail {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;
inline constexpr std::int64_t kMaxTime = 9007199254740991;  // 2^53 - 1: ids stay safe JS integers
// The engine's latest time: 30 days past 9999-12-31T23:59:59Z, the latest time a request may name,
// so that every timer of a call queued then (ring timeouts and re-attempt waits of at most a day
// each, 10 attempts) can still fire, and time arithmetic stays far inside int64 and JS's 2^53.
inline constexpr std::int64_t kMaxEngineTime = kMaxTimestamp + 30 * 86400;

// The invalid_time message for a `now` outside [0, kMaxEngineTime] (shown as given), with a hint
// when it looks like milliseconds. The bridges use it for values that are not even whole numbers.
std::string time_range_message(const std::string& shown, bool looks_like_milliseconds);
inline constexpr std::uint32_t kMaxAttempts = 10;
inline constexpr std::uint32_t kMaxReattemptWait = 86400;  // seconds (SPEC 3: 60 to 86400 through the API)
// queued + per attempt (dialing + outcome) + connected/disconnected + canceled, with room to spare.
inline constexpr std::size_t kMaxEventsPerCall = 2 * kMaxAttempts + 4;

// Internal call states; pending/ready/waiting all have the public status `queued`.
// A call's engine state (finer than its CallStatus), once: the enum, the count and the snapshot's names.
// `held`: eligible but outside its calling hours (SPEC 14), waiting for them to open.
#define FUSE_ENGINE_STATES(X) \
  X(pending) X(ready) X(waiting) X(dialing) X(connected) X(completed) X(failed) X(canceled) X(held)
#define FUSE_ENUM_ENTRY(name) name,
#define FUSE_COUNT_ENTRY(name) +1
enum class State : std::uint8_t { FUSE_ENGINE_STATES(FUSE_ENUM_ENTRY) };
inline constexpr std::size_t kStateCount = 0 FUSE_ENGINE_STATES(FUSE_COUNT_ENTRY);
#undef FUSE_ENUM_ENTRY
#undef FUSE_COUNT_ENTRY
#define FUSE_NAME_ENTRY(name) #name,
inline constexpr std::string_view kStateNames[kStateCount] = {FUSE_ENGINE_STATES(FUSE_NAME_ENTRY)};
#undef FUSE_NAME_ENTRY

inline CallStatus status_of(State s) noexcept {
  switch (s) {
    case State::pending:
    case State::ready:
    case State::waiting:
    case State::held: return CallStatus::queued;
    case State::dialing: return CallStatus::dialing;
    case State::connected: return CallStatus::connected;
    case State::completed: return CallStatus::completed;
    case State::failed: return CallStatus::failed;
    default: return CallStatus::canceled;
  }
}
inline bool is_queued(State s) noexcept {
  return s == State::pending || s == State::ready || s == State::waiting || s == State::held;
}
inline bool is_final(State s) noexcept { return s == State::completed || s == State::failed || s == State::canceled; }

// A vector in fixed blocks: growing past the first block never copies, and never holds twice the
// memory. The first block starts small and doubles (copying its few entries) until it is whole: a
// small engine costs kilobytes, not a megabyte of blocks (in wasm, where many engines share one
// linear memory, untouched pages count too). References stay valid except across a push_back
// while the first block grows.
template <typename T, unsigned Shift>
class Chunked {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_copyable_v<T>);

 public:
  static constexpr std::size_t kBlock = std::size_t{1} << Shift;
  static constexpr std::size_t kFirst = kBlock < 64 ? kBlock : 64;
  T& operator[](std::size_t i) noexcept { return blocks_[i >> Shift][i & (kBlock - 1)]; }
  const T& operator[](std::size_t i) const noexcept { return blocks_[i >> Shift][i & (kBlock - 1)]; }
  std::size_t size() const noexcept { return size_; }
  // The blocks and their pointer array.
  std::size_t memory_bytes() const noexcept {
    return capacity_ * sizeof(T) + blocks_.capacity() * sizeof(blocks_[0]);
  }
  void push_back(const T& v) {
    if (size_ == capacity_) grow();
    (*this)[size_++] = v;
  }
  // Empties it, keeping the blocks for reuse.
  void clear() noexcept { size_ = 0; }

 private:
  void grow() {
    if (capacity_ < kBlock) {
      const std::size_t cap = capacity_ ? std::min(kBlock, capacity_ * 2) : kFirst;
      std::unique_ptr<T[]> block(new T[cap]);  // default-initialised (T is trivial): pages are touched as written
      if (size_) std::memcpy(block.get(), blocks_[0].get(), size_ * sizeof(T));
      if (blocks_.empty()) blocks_.push_back(std::move(block));
      else blocks_[0] = std::move(block);
      capacity_ = cap;
    } else {
      blocks_.push_back(std::unique_ptr<T[]>(new T[kBlock]));
      capacity_ += kBlock;
    }
  }

  std::vector<std::unique_ptr<T[]>> blocks_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

struct EventNode {
  std::int64_t timestamp;
  std::uint32_t prev;  // the call's previous event node, kNone before the first after `queued`
  CallEvent event;
};

// A rejected event's reason, kept beside the event nodes (rare, so the 16-byte node stays as is).
struct EventReason {
  std::uint32_t node;    // its event node; increasing along the list, as nodes are appended
  std::uint32_t length;
  std::uint64_t text;    // arena ref
};

struct Call {
  std::int64_t queued_at;
  std::int64_t ready_at;    // pending: window start; waiting: re-attempt time; ready: when it became eligible
  std::uint64_t text;       // arena ref: the number as given, then the metadata
  std::uint64_t e164;       // PhoneNumber::key() of the number (0: not known, parsed when dialed)
  std::uint32_t metadata_length;
  std::uint32_t options;    // index into the interned options
  std::uint32_t deployment;
  std::uint32_t last_event;  // newest event node, kNone when only `queued`
  std::uint16_t phone_length;
  State state;
  std::uint8_t attempts;     // dialing events so far (held: ready_at is when its hours open, or kNoTime)
  // Its deployment was canceled while this attempt was under way: the attempt ends as the carrier
  // says, and then the call never dials again (canceled, unless that was its last attempt anyway).
  bool cancel_requested;
};
static_assert(sizeof(Call) == 56, "keep the call record compact");

struct StoredOptions {
  bool has_start = false, has_end = false;
  std::int64_t start = 0, end = 0;
  std::uint32_t max_attempts = 1;
  std::uint32_t reattempt_wait = 0;
  bool is_pci = false;
  std::string result_url;
  std::uint32_t hours = 0;  // the call's own calling hours: index into Impl::hours_table, 0 = none
  std::uint32_t zone = 0;   // its time zone override: ZoneId + 1, 0 = the number's zones
};

// A deployment's eligible calls in (ready_at, ref) order: a FIFO for calls that arrive in order (the
// common case, O(1)) and a heap for the rare call that became ready earlier than the FIFO's back
// (a re-attempt or window start processed late). Entries of calls no longer ready are skipped.
struct ReadyQueue {
  std::vector<CallRef> fifo;
  std::size_t head = 0;
  std::vector<CallRef> late;
};

struct Deployment {
  std::string name;
  std::uint64_t last_served = 0;  // serve sequence number of its latest dial (0: never)
  std::uint32_t weight = 1;       // SPEC 14 policy: weight, calling hours (Impl::hours_table, 0 none),
  std::uint32_t hours = 0;        // suppression list (Impl::lists, kNone none)
  std::uint32_t list = kNone;
  std::uint32_t counts[kStateCount] = {};
  std::uint32_t heap_pos = kNone;  // position in the eligible heap, kNone when it has no ready call
  ReadyQueue ready;
  std::vector<CallRef> open;  // calls not known to be final (compacted by cancel_deployment)
  std::uint32_t in_flight() const noexcept {
    return counts[static_cast<int>(State::dialing)] + counts[static_cast<int>(State::connected)];
  }
  std::uint32_t ready_count() const noexcept { return counts[static_cast<int>(State::ready)]; }
};

// `hours`: a held call's calling hours open (last, so the older kinds keep their order).
enum class TimerKind : std::uint8_t { ring, reattempt, start, end, hours };
inline constexpr std::int64_t kNoTime = -1;  // a held call whose hours never open in its window

// Timers are ordered by (time, kind, call, attempt): a total order, so a restored engine fires them
// in the same order. Entries that no longer apply are skipped when popped (lazy deletion).
struct Timer {
  std::int64_t time;
  CallRef call;
  TimerKind kind;
  std::uint8_t attempt;
};

inline bool timer_after(const Timer& a, const Timer& b) noexcept {
  if (a.time != b.time) return a.time > b.time;
  if (a.kind != b.kind) return a.kind > b.kind;
  if (a.call != b.call) return a.call > b.call;
  return a.attempt > b.attempt;
}
// The timers' min-heap, 4-ary: half the levels of a binary heap and a node's children in one cache
// line, which matters when a million calls each hold a window-end timer. The order is total, so it
// pops exactly what any heap would.
inline void timer_heap_push(std::vector<Timer>& heap, const Timer& t) {
  std::size_t i = heap.size();
  heap.push_back(t);
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!timer_after(heap[parent], t)) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = t;
}
inline void timer_heap_pop(std::vector<Timer>& heap) {
  const Timer last = heap.back();
  heap.pop_back();
  const std::size_t n = heap.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t least = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c)
      if (timer_after(heap[least], heap[c])) least = c;
    if (!timer_after(last, heap[least])) break;
    heap[i] = heap[least];
    i = least;
  }
  heap[i] = last;
}

// Ring timers (dial time + ring_timeout) arrive in time order, since dials happen at the engine's
// non-decreasing `now`: a sorted FIFO holds them at O(1) a timer. Most never fire (the call was
// answered first) and would otherwise crowd the heap. Entries of one second are kept in (call,
// attempt) order by insertion from the back; pushes out of time order (restore arms timers call by
// call) mark it for one sort before it is read.
class RingTimers {
 public:
  bool empty() const noexcept { return head_ == items_.size(); }
  const Timer& front() {
    if (unsorted_) sort();
    return items_[head_];
  }
  void push(const Timer& t) {
    if (!unsorted_ && !empty() && items_.back().time > t.time) unsorted_ = true;
    items_.push_back(t);
    if (unsorted_) return;
    std::size_t i = items_.size() - 1;
    while (i > head_ && timer_after(items_[i - 1], t)) {
      items_[i] = items_[i - 1];
      --i;
    }
    items_[i] = t;
  }
  void pop() {
    if (unsorted_) sort();
    if (++head_ == items_.size()) {
      clear();
    } else if (head_ >= 4096 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() noexcept {
    items_.clear();
    head_ = 0;
    unsorted_ = false;
  }
  std::size_t memory_bytes() const noexcept { return items_.capacity() * sizeof(Timer); }

 private:
  void sort() {
    std::sort(items_.begin() + static_cast<std::ptrdiff_t>(head_), items_.end(),
              [](const Timer& a, const Timer& b) { return timer_after(b, a); });
    unsorted_ = false;
  }
  std::vector<Timer> items_;
  std::size_t head_ = 0;
  bool unsorted_ = false;
};

// Checks shared by enqueue and restore (engine.cpp). Problems carry `row` when it is not 0.
// Parses the number; on success `key` (when given) gets its PhoneNumber::key().
bool check_phone(std::string_view phone, std::string_view field, std::uint64_t row, Problems& problems,
                 std::uint64_t* key = nullptr);
bool check_metadata(std::string_view metadata, std::string_view field, std::uint64_t row, Problems& problems);
// The interning key of an options entry.
std::string option_key(const StoredOptions& o);

// Whether calls with these calling hours and zones may ring over [from, until): inside or not, and
// when outside the next opening (kNoTime: none within a week). A pure cache: the thousands of calls
// of one deployment and zone share it instead of searching each.
struct HoursMemo {
  std::uint32_t hours = 0;  // index into hours_table (0: empty slot)
  std::uint32_t zone = 0;   // a call's own zone + 1, else 0 with `zones`
  const tz::ZoneId* zones = nullptr;
  std::size_t zone_count = 0;
  std::int64_t from = 0, until = 0;
  std::int64_t open = 0;
  bool inside = false;
};

// A suppression list: E.164 keys (PhoneNumber::key()).
struct SuppressionList {
  std::string name;
  std::unordered_set<std::uint64_t> keys;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// Heap bytes behind a string: none while it fits in the string object itself (small-string buffer).
inline std::size_t string_heap_bytes(const std::string& s) noexcept {
  const auto data = reinterpret_cast<std::uintptr_t>(s.data());
  const auto self = reinterpret_cast<std::uintptr_t>(&s);
  return data >= self && data < self + sizeof s ? 0 : s.capacity() + 1;
}

}  // namespace engine_detail

struct Engine::Impl {
  using State = engine_detail::State;
  using Call = engine_detail::Call;
  using Deployment = engine_detail::Deployment;
  using Timer = engine_detail::Timer;
  using TimerKind = engine_detail::TimerKind;

  EngineOptions options;
  bool has_now = false;
  std::int64_t now = 0;
  std::uint64_t serve_seq = 0;
  engine_detail::Chunked<Call, 14> calls;
  engine_detail::Chunked<engine_detail::EventNode, 15> events;
  TextArena text;
  std::vector<engine_detail::EventReason> reasons;  // by node (rejected events only)
  std::vector<engine_detail::StoredOptions> option_table;
  std::unordered_map<std::string, std::uint32_t> option_index;
  // The heap text of the options entries (result_url, and the index's keys): kept as they are added,
  // so that memory_bytes() is O(deployments), not O(options entries) (there may be one a call).
  std::size_t option_text_bytes = 0;
  std::vector<Deployment> deployments;
  std::unordered_map<std::string, std::uint32_t, engine_detail::StringHash, std::equal_to<>> deployment_index;
  std::vector<std::uint32_t> eligible;  // min-heap of deployments with a ready call
  std::vector<Timer> timers;            // min-heap (timer_heap_*): re-attempt, start and end timers
  engine_detail::RingTimers ring_timers;  // ring timers, in time order
  std::uint64_t counts[engine_detail::kStateCount] = {};
  // Call ids. Before any compact() a call's id is ref + 1. compact() renumbers refs, so the ids of
  // the calls it kept are listed (kept_ids[ref], increasing); calls added after it number on from
  // id_base. Ids only grow: a dropped call's id is never given again.
  std::vector<std::uint64_t> kept_ids;
  std::uint64_t id_base = 1;
  // SPEC 14. Pacing: the next dial's theoretical time on a grid where one second is
  // dial_rate_milli units and a dial 1000 (GCRA); interned calling hours (index 0 unused); the
  // suppression lists (index 0: the engine-wide list "").
  std::int64_t rate_tat = INT64_MIN;
  std::vector<CallingHours> hours_table = std::vector<CallingHours>(1);
  std::unordered_map<std::string, std::uint32_t> hours_index;
  std::vector<engine_detail::SuppressionList> lists = std::vector<engine_detail::SuppressionList>(1);
  mutable std::array<engine_detail::HoursMemo, 16> hours_memo{};
  // The zones of recently judged numbers (a number is judged at every dial; previews and lists
  // that repeat numbers ask again and again): E.164 key -> its zones, direct-mapped.
  struct ZonesMemo {
    std::uint64_t key = 0;
    std::span<const tz::ZoneId> zones;
  };
  mutable std::array<ZonesMemo, 64> zones_memo{};
  const engine_detail::HoursMemo& hours_state(const Call& c, std::int64_t at) const;

  explicit Impl(const EngineOptions& o) : options(o) {}
  // Back to a new engine's state with these options, keeping allocated memory (Engine::reset).
  void reset(const EngineOptions& o);

  // ---- state (engine.cpp) ----
  std::uint64_t in_flight() const noexcept {
    return counts[static_cast<int>(State::dialing)] + counts[static_cast<int>(State::connected)];
  }
  std::string_view phone(const Call& c) const noexcept { return text.get(c.text, 0, c.phone_length); }
  std::string_view metadata(const Call& c) const noexcept {
    return text.get(c.text, c.phone_length, c.metadata_length);
  }
  std::int64_t last_event_time(const Call& c) const noexcept {
    return c.last_event == engine_detail::kNone ? c.queued_at : events[c.last_event].timestamp;
  }
  std::uint64_t id_of(CallRef ref) const noexcept {
    return ref < kept_ids.size() ? kept_ids[ref] : id_base + (ref - kept_ids.size());
  }
  std::uint64_t next_id() const noexcept { return id_base + (calls.size() - kept_ids.size()); }
  // Sets the ids from a full list (restore): only the part that does not continue up to next_id is kept.
  void set_ids(std::vector<std::uint64_t>&& ids, std::uint64_t next);
  std::uint32_t intern_options(const engine_detail::StoredOptions& o);
  void count_option_text(const std::string& key, const engine_detail::StoredOptions& o) noexcept {
    option_text_bytes += engine_detail::string_heap_bytes(key) + engine_detail::string_heap_bytes(o.result_url);
  }
  std::uint32_t deployment_for(std::string_view name);
  CallRef add_call(std::uint32_t deployment, std::uint32_t options, std::string_view phone, std::uint64_t e164,
                   std::string_view metadata, std::int64_t now, State state, std::int64_t ready_at);
  void arm_timers(CallRef ref);  // the timers a call in its current state needs (enqueue, restore)
  void push_timer(std::int64_t time, CallRef call, TimerKind kind, std::uint8_t attempt);
  // The next timer due at or before `until`, live or not, in the timers' total order.
  bool pop_due_timer(std::int64_t until, Timer& out);
  bool timer_live(const Timer& t) const noexcept;
  void add_event(Call& c, CallEvent e, std::int64_t ts, std::string_view reason = {});
  std::string_view reason_of(std::uint32_t node) const noexcept;
  void set_state(CallRef ref, State s);
  void refresh(std::uint32_t d);
  void push_ready(CallRef ref);
  CallRef pop_ready(Deployment& d);
  bool ready_before(CallRef a, CallRef b) const noexcept;
  void make_ready(CallRef ref, std::int64_t ready_at);
  void process_timers(std::int64_t now, Actions& actions);
  void dial_free_lines(std::int64_t now, Actions& actions);
  // SPEC 14 at dial time.
  bool rate_allows(std::int64_t at) const noexcept;
  std::int64_t rate_next_time() const noexcept;
  void rate_spend(std::int64_t at) noexcept;
  std::uint64_t number_key(const Call& c) const;
  bool call_suppressed(const Call& c) const;
  const CallingHours* hours_of(const Call& c) const noexcept;
  std::span<const tz::ZoneId> zones_of(const Call& c, tz::ZoneId& scratch) const;
  bool inside_hours(const Call& c, std::int64_t at) const;
  // The time a held call's hours open at or after `at` within its window (kNoTime: not in it).
  std::int64_t hours_open_after(const Call& c, std::int64_t at) const;
  void hold(CallRef ref, std::int64_t open_at);
  std::uint32_t intern_hours(const CallingHours& h);
  std::uint32_t list_for(std::string_view name);
  // Judges the deployment's held calls again (its policy changed).
  void rejudge_held(std::uint32_t d);
  void fail_attempt(CallRef ref, std::int64_t ts, Actions& actions);
  void finish(CallRef ref, State final_state, std::int64_t ts, Actions& actions);
  std::size_t gather_events(const Call& c, EventRecord* out) const noexcept;

  // eligible heap
  bool deployment_before(std::uint32_t a, std::uint32_t b) const noexcept;
  void heap_place(std::size_t pos, std::uint32_t d);
  void heap_up(std::size_t pos);
  void heap_down(std::size_t pos);
  void heap_remove(std::size_t pos);

  // The engine's estimate of the bytes it holds: its containers' capacities, blocks and arenas.
  std::uint64_t memory_bytes() const noexcept;

  // ---- snapshot (engine_snapshot.cpp) ----
  // live_only: the live calls only (what compact() keeps).
  void write_snapshot(std::string& out, bool live_only = false) const;
};

}  // namespace fuse
