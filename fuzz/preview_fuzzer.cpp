// libFuzzer target: the window preview on arbitrary options text. The reader must never fail
// silently, and for every accepted option set (sizes clamped so each input runs in milliseconds)
// the result must add up and the `needed` answers must hold when the preview is run again with them
// (which checks, through the real window, the shortcut the search relies on).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuse/preview.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_outcome(const fuse::PreviewOutcome& o, std::uint64_t calls, std::uint32_t max_attempts) {
  check(o.calls == calls);
  check(o.completed + o.failed + o.canceled == calls);
  check(o.attempts == o.connected + o.busy + o.noanswer + o.informationtone + o.rejected);
  check(o.attempts >= o.completed + o.failed && o.attempts <= calls * max_attempts);
  check(o.connected >= o.completed);
  check(o.drain_timestamp.has_value() == (calls > 0));
  check(o.suppressed <= o.canceled);
}

fuse::PreviewResult run(const fuse::PreviewOptions& o) {
  fuse::PreviewResult r;
  fuse::Problems problems;
  check(fuse::preview_window(o, r, problems));
  check(problems.empty());
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuse::PreviewOptions o;
  fuse::Problems problems;
  const bool ok = fuse::read_preview_options(input, o, problems);
  check(ok == !fuse::has_error(problems));
  for (const auto& p : problems) {
    check(fuse::code_name(p.code) != "unknown");
    check(!p.message.empty() && !p.field.empty());
  }
  if (!ok) return 0;

  o.calls = std::min<std::uint64_t>(o.calls, 200);
  o.capacity = std::min<std::uint32_t>(o.capacity, 300);
  if (o.competing.size() > 3) o.competing.resize(3);
  if (o.numbers.size() > 20) o.numbers.resize(20);
  if (o.suppressed.size() > 20) o.suppressed.resize(20);
  for (auto& c : o.competing) c.calls = std::min<std::uint64_t>(c.calls, 200);
  const fuse::PreviewResult r = run(o);

  check_outcome(r.preview, o.calls, o.max_attempts);
  check(r.competing.size() == o.competing.size());
  for (std::size_t i = 0; i < r.competing.size(); ++i)
    check_outcome(r.competing[i], o.competing[i].calls, o.competing[i].max_attempts);
  // Without a window end only suppression cancels.
  if (!o.end) check(r.preview.canceled == r.preview.suppressed && !r.needed.capacity);
  check(!r.timeline.empty() && r.timeline.size() <= fuse::kMaxTimelinePoints + 1);
  check(r.timeline.front().timestamp == o.start);
  for (std::size_t i = 1; i < r.timeline.size(); ++i)
    check(r.timeline[i].timestamp - r.timeline[i - 1].timestamp == r.timeline_step);
  for (const auto& p : r.timeline) check(p.lines_in_use <= o.capacity);
  const auto& last = r.timeline.back();
  check(last.completed == r.preview.completed && last.failed == r.preview.failed &&
        last.canceled == r.preview.canceled && last.queued == 0);
  if (o.calls > 0) check(last.timestamp >= *r.preview.drain_timestamp);

  if (o.calls == 0) return 0;
  check(*r.needed.end_timestamp > o.start && *r.needed.window_seconds == *r.needed.end_timestamp - o.start);
  fuse::PreviewOptions again = o;
  again.competing = o.competing;
  again.end = *r.needed.end_timestamp;
  const auto by_end = [](const fuse::PreviewResult& x) { return x.preview.canceled - x.preview.suppressed; };
  check(by_end(run(again)) == 0);
  if (*r.needed.end_timestamp - 1 > o.start) {
    again.end = *r.needed.end_timestamp - 1;
    check(by_end(run(again)) > 0);
  }
  if (o.end) {
    check(r.needed.capacity.has_value() || by_end(r) > 0);
    if (r.needed.capacity) {
      again = o;
      again.capacity = *r.needed.capacity;
      check(by_end(run(again)) == 0);
      if (*r.needed.capacity > 1) {
        again.capacity = *r.needed.capacity - 1;
        check(by_end(run(again)) > 0);
      }
    }
  }
  return 0;
}
