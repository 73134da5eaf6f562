// The window preview (SPEC 6) through fuse/preview.hpp: results pinned to arithmetic derived from the
// engine's rules (SPEC 5), the `needed` answers re-run, fairness, determinism, invalid options.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "fuse/preview.hpp"
#include "test_support.hpp"

using namespace fuse;

namespace {

constexpr std::int64_t S = 1'700'000'000;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Every attempt connects after exactly `ring` seconds and talks exactly `talk` seconds.
PreviewOptions all_connect(std::uint64_t calls, std::uint32_t capacity, std::uint32_t ring, std::uint32_t talk) {
  PreviewOptions o;
  o.calls = calls;
  o.capacity = capacity;
  o.start = S;
  o.ring_time = {ring, 0};
  o.talk_time = {talk, 0};
  o.rates = {1, 0, 0, 0};
  return o;
}

// Every attempt is busy after exactly `ring` seconds.
PreviewOptions all_busy(std::uint64_t calls, std::uint32_t capacity, std::uint32_t ring, std::uint32_t attempts,
                        std::uint32_t wait) {
  PreviewOptions o = all_connect(calls, capacity, ring, 60);
  o.rates = {0, 1, 0, 0};
  o.max_attempts = attempts;
  o.reattempt_wait = wait;
  return o;
}

PreviewResult simulate(const PreviewOptions& o) {
  PreviewResult r;
  Problems problems;
  const bool ok = preview_window(o, r, problems);
  BOOST_REQUIRE_MESSAGE(ok, (problems.empty() ? std::string("no problem") : problems.front().message));
  return r;
}

std::vector<std::string> fields(const Problems& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.field);
  return out;
}

bool has(const Problems& problems, Code code, const std::string& field) {
  for (const auto& p : problems)
    if (p.code == code && p.field == field) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preview)

// C lines, every call connecting: waves of C calls, wave w dialed at start + w * (ring + talk) (each
// disconnect frees a line that dials the next call at once).
BOOST_AUTO_TEST_CASE(all_connect_drains_in_waves) {
  struct Case {
    std::uint64_t calls;
    std::uint32_t capacity, ring, talk;
  };
  for (const Case c : {Case{100, 10, 5, 30}, Case{101, 10, 5, 30}, Case{7, 3, 1, 1}, Case{1000, 1, 12, 48},
                       Case{5, 50, 20, 100}, Case{40000, 30, 15, 45}}) {
    BOOST_TEST_CONTEXT(c.calls << " calls, " << c.capacity << " lines, " << c.ring << "+" << c.talk << " s") {
      const PreviewResult r = simulate(all_connect(c.calls, c.capacity, c.ring, c.talk));
      const std::int64_t per_call = c.ring + c.talk;
      const std::int64_t waves = ceil_div(static_cast<std::int64_t>(c.calls), c.capacity);
      BOOST_TEST(r.preview.completed == c.calls);
      BOOST_TEST(r.preview.failed == 0u);
      BOOST_TEST(r.preview.canceled == 0u);
      BOOST_TEST(r.preview.attempts == c.calls);
      BOOST_TEST(r.preview.connected == c.calls);
      BOOST_REQUIRE(r.preview.drain_timestamp.has_value());
      BOOST_TEST(*r.preview.drain_timestamp == S + waves * per_call);
      // The last wave is dialed at start + (waves - 1) * per_call: an end one second later fits.
      BOOST_TEST(*r.needed.end_timestamp == S + (waves - 1) * per_call + 1);
      BOOST_TEST(*r.needed.window_seconds == (waves - 1) * per_call + 1);
      BOOST_TEST(!r.needed.capacity.has_value());  // no end: any capacity cancels nothing
    }
  }
}

BOOST_AUTO_TEST_CASE(timeline_points_follow_the_waves) {
  // 25 calls on 10 lines, 10 + 50 s each: waves at +0, +60, +120; step 60 samples just after each.
  PreviewOptions o = all_connect(25, 10, 10, 50);
  o.timeline_step = 60;
  const PreviewResult r = simulate(o);
  BOOST_TEST(r.timeline_step == 60u);
  BOOST_REQUIRE_EQUAL(r.timeline.size(), 4u);  // +0, +60, +120, +180 (drain at +180)
  const std::uint64_t lines[] = {10, 10, 5, 0}, queued[] = {15, 5, 0, 0}, completed[] = {0, 10, 20, 25};
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST_CONTEXT("point " << i) {
      BOOST_TEST(r.timeline[i].timestamp == S + 60 * static_cast<std::int64_t>(i));
      BOOST_TEST(r.timeline[i].lines_in_use == lines[i]);
      BOOST_TEST(r.timeline[i].queued == queued[i]);
      BOOST_TEST(r.timeline[i].completed == completed[i]);
      BOOST_TEST(r.timeline[i].failed == 0u);
      BOOST_TEST(r.timeline[i].canceled == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(long_timelines_double_their_step) {
  PreviewOptions o = all_connect(30000, 1, 1, 1);  // drains after 60,000 s
  o.timeline_step = 1;
  const PreviewResult r = simulate(o);
  BOOST_TEST(r.timeline.size() <= kMaxTimelinePoints + 1);
  BOOST_TEST(r.timeline_step == 8u);  // 1 s would need 60,001 points; 8 s needs 7,501
  BOOST_TEST(r.timeline.front().timestamp == S);
  BOOST_TEST(r.timeline.back().timestamp == S + 60000);
  BOOST_TEST(r.timeline.back().completed == 30000u);
  for (std::size_t i = 1; i < r.timeline.size(); ++i)
    BOOST_TEST(r.timeline[i].timestamp - r.timeline[i - 1].timestamp == 8);
}

// With an end: the waves dialed before it complete, the rest is canceled at the end.
BOOST_AUTO_TEST_CASE(an_end_cancels_the_waves_it_does_not_reach) {
  struct Case {
    std::uint64_t calls;
    std::uint32_t capacity, ring, talk;
    std::int64_t window;
  };
  for (const Case c : {Case{100, 10, 5, 30, 100}, Case{100, 10, 5, 30, 105}, Case{100, 10, 5, 30, 106},
                       Case{1000, 7, 3, 57, 3600}, Case{50, 50, 5, 30, 1}, Case{40000, 30, 15, 45, 28800}}) {
    BOOST_TEST_CONTEXT(c.calls << " calls, " << c.capacity << " lines, window " << c.window) {
      PreviewOptions o = all_connect(c.calls, c.capacity, c.ring, c.talk);
      o.end = S + c.window;
      const PreviewResult r = simulate(o);
      const std::int64_t per_call = c.ring + c.talk;
      const auto calls = static_cast<std::int64_t>(c.calls);
      const std::int64_t waves = ceil_div(calls, c.capacity);
      // Wave w is dialed at start + w * per_call; at the end itself the cancel comes first.
      const std::int64_t dialed_waves = std::min(waves, ceil_div(c.window, per_call));
      const std::int64_t dialed = std::min(calls, dialed_waves * c.capacity);
      BOOST_TEST(r.preview.completed == static_cast<std::uint64_t>(dialed));
      BOOST_TEST(r.preview.canceled == static_cast<std::uint64_t>(calls - dialed));
      BOOST_TEST(r.preview.attempts == static_cast<std::uint64_t>(dialed));
      const std::int64_t last_disconnect = S + dialed_waves * per_call;
      BOOST_TEST(*r.preview.drain_timestamp == (dialed < calls ? std::max(last_disconnect, *o.end) : last_disconnect));
      // Needed: enough lines that ceil(calls / C) waves start before the end.
      const std::int64_t fitting_waves = ceil_div(c.window, per_call);
      BOOST_REQUIRE(r.needed.capacity.has_value());
      BOOST_TEST(*r.needed.capacity == static_cast<std::uint32_t>(ceil_div(calls, fitting_waves)));
      BOOST_TEST(*r.needed.end_timestamp == S + (waves - 1) * per_call + 1);
    }
  }
}

// Every attempt busy, lines for all: attempt k (0-based) of each call at start + k * (ring + wait).
BOOST_AUTO_TEST_CASE(all_busy_with_retries_counts_attempts_exactly) {
  struct Case {
    std::uint64_t calls;
    std::uint32_t ring, attempts, wait;
  };
  for (const Case c : {Case{20, 10, 3, 300}, Case{5, 1, 10, 60}, Case{100, 44, 2, 86400}, Case{1, 7, 1, 0}}) {
    BOOST_TEST_CONTEXT(c.calls << " calls, " << c.attempts << " attempts, wait " << c.wait) {
      const PreviewResult r = simulate(all_busy(c.calls, static_cast<std::uint32_t>(c.calls), c.ring, c.attempts,
                                               c.wait));
      BOOST_TEST(r.preview.attempts == c.calls * c.attempts);
      BOOST_TEST(r.preview.busy == c.calls * c.attempts);
      BOOST_TEST(r.preview.failed == c.calls);
      BOOST_TEST(r.preview.completed == 0u);
      BOOST_TEST(r.preview.canceled == 0u);
      const std::int64_t last_dial = S + std::int64_t{c.attempts - 1} * (c.ring + c.wait);
      BOOST_TEST(*r.preview.drain_timestamp == last_dial + c.ring);
      BOOST_TEST(*r.needed.end_timestamp == last_dial + 1);
    }
  }
}

// Fewer lines than calls, a wait longer than the first pass: every pass repeats the first one,
// shifted by ring + wait (re-attempts re-enter the queue at the back).
BOOST_AUTO_TEST_CASE(all_busy_on_few_lines_repeats_the_passes) {
  const std::uint64_t calls = 95;
  const std::uint32_t lines = 10, ring = 20, attempts = 4, wait = 600;  // a pass takes 10 * 20 = 200 s
  const PreviewResult r = simulate(all_busy(calls, lines, ring, attempts, wait));
  const std::int64_t waves = ceil_div(calls, lines);
  BOOST_TEST(r.preview.attempts == calls * attempts);
  BOOST_TEST(r.preview.failed == calls);
  const std::int64_t last_dial = S + (waves - 1) * ring + std::int64_t{attempts - 1} * (ring + wait);
  BOOST_TEST(*r.preview.drain_timestamp == last_dial + ring);
  BOOST_TEST(*r.needed.end_timestamp == last_dial + 1);
}

// noanswer is the engine's own timer: each attempt holds its line for ring_timeout.
BOOST_AUTO_TEST_CASE(noanswer_holds_the_line_until_the_ring_timeout) {
  PreviewOptions o = all_busy(12, 4, 10, 2, 120);
  o.rates = {0, 0, 1, 0};
  o.ring_timeout = 30;
  const PreviewResult r = simulate(o);
  BOOST_TEST(r.preview.noanswer == 24u);
  BOOST_TEST(r.preview.failed == 12u);
  // First pass: waves at +0, +30, +60; second pass: +150, +180, +210; last timeout 30 s later.
  BOOST_TEST(*r.preview.drain_timestamp == S + 240);

  // A connect whose ring reaches the timeout is a noanswer too.
  PreviewOptions late = all_connect(10, 10, 45, 30);
  const PreviewResult l = simulate(late);
  BOOST_TEST(l.preview.noanswer == 10u);
  BOOST_TEST(l.preview.connected == 0u);
  BOOST_TEST(l.preview.failed == 10u);
  BOOST_TEST(*l.preview.drain_timestamp == S + 45);
}

// The window end and re-attempts: a call waiting for its re-attempt at the end is canceled then; an
// attempt that fails at or after the end with attempts left is canceled at once (SPEC 5).
BOOST_AUTO_TEST_CASE(retries_cut_by_the_end) {
  PreviewOptions o = all_busy(20, 20, 10, 3, 300);  // attempts at +0, +310, +620
  o.end = S + 400;
  PreviewResult r = simulate(o);
  BOOST_TEST(r.preview.attempts == 40u);
  BOOST_TEST(r.preview.canceled == 20u);
  BOOST_TEST(r.preview.failed == 0u);
  BOOST_TEST(*r.preview.drain_timestamp == S + 400);
  BOOST_TEST(*r.needed.end_timestamp == S + 621);
  BOOST_TEST(!r.needed.capacity.has_value());  // the third attempt comes at +620 on any number of lines

  o.end = S + 315;  // the second attempt starts in time, fails at +320 after the end
  r = simulate(o);
  BOOST_TEST(r.preview.attempts == 40u);
  BOOST_TEST(r.preview.canceled == 20u);
  BOOST_TEST(*r.preview.drain_timestamp == S + 320);
  // No capacity lets a third attempt start before +315: the waits alone outlast the window.
  BOOST_TEST(!r.needed.capacity.has_value());

  // With an end at +700, C lines dial attempt k of wave w at +(w * 10 + k * 310) (a pass takes at
  // most 200 s < the wait): the last dial, +(ceil(20 / C) - 1) * 10 + 620, is before +700 from C = 3.
  o.end = S + 700;
  r = simulate(o);
  BOOST_TEST(r.preview.canceled == 0u);
  BOOST_TEST(*r.needed.capacity == 3u);
  o.capacity = 3;
  BOOST_TEST(simulate(o).preview.canceled == 0u);
  o.capacity = 2;
  r = simulate(o);
  BOOST_TEST(r.preview.canceled == 4u);  // waves 8 and 9 (2 calls each) are ready for a 3rd attempt at +700
  BOOST_TEST(r.preview.failed == 16u);
  BOOST_TEST(*r.preview.drain_timestamp == S + 700);
  BOOST_TEST(*r.needed.capacity == 3u);
}

// The `needed` answers, re-run: with needed.capacity nothing is canceled and with one line less
// something is; with needed.end_timestamp nothing is canceled and with one second less something is.
BOOST_AUTO_TEST_CASE(needed_answers_hold_when_run_again) {
  struct Case {
    std::uint64_t calls;
    std::uint32_t capacity, attempts, wait;
    std::int64_t window;
    std::uint64_t seed;
  };
  for (const Case c : {Case{3000, 10, 3, 300, 4 * 3600, 1}, Case{3000, 40, 3, 300, 4 * 3600, 2},
                       Case{2000, 5, 2, 1800, 3600, 3}, Case{500, 2, 1, 0, 8 * 3600, 4},
                       Case{4000, 15, 5, 600, 2 * 3600, 5}}) {
    BOOST_TEST_CONTEXT(c.calls << " calls on " << c.capacity << " lines, seed " << c.seed) {
      PreviewOptions o;
      o.calls = c.calls;
      o.capacity = c.capacity;
      o.start = S;
      o.end = S + c.window;
      o.max_attempts = c.attempts;
      o.reattempt_wait = c.wait;
      o.seed = c.seed;
      o.competing = {CompetingDeployment{c.calls / 4, S + 600, {}, 1, 0}};
      const PreviewResult r = simulate(o);
      BOOST_REQUIRE(r.needed.capacity.has_value());
      BOOST_TEST(r.simulations <= 8u);

      PreviewOptions again = o;
      again.capacity = *r.needed.capacity;
      BOOST_TEST(simulate(again).preview.canceled == 0u);
      if (*r.needed.capacity > 1) {
        again.capacity = *r.needed.capacity - 1;
        BOOST_TEST(simulate(again).preview.canceled > 0u);
      }
      // The capacity asked for cancels nothing exactly when it is at least the one needed.
      BOOST_TEST((r.preview.canceled == 0) == (c.capacity >= *r.needed.capacity));

      again = o;
      again.end = *r.needed.end_timestamp;
      const PreviewResult at_end = simulate(again);
      BOOST_TEST(at_end.preview.canceled == 0u);
      BOOST_TEST(*r.needed.window_seconds == *r.needed.end_timestamp - S);
      if (*r.needed.end_timestamp - 1 > S) {
        again.end = *r.needed.end_timestamp - 1;
        BOOST_TEST(simulate(again).preview.canceled > 0u);
      }
    }
  }
}

// Two deployments of the same size queued together share the lines equally and finish together.
BOOST_AUTO_TEST_CASE(competing_deployments_share_the_lines) {
  PreviewOptions o = all_connect(300, 10, 10, 50);
  o.competing = {CompetingDeployment{300, {}, {}, 1, 0}};
  const PreviewResult r = simulate(o);
  BOOST_REQUIRE_EQUAL(r.competing.size(), 1u);
  BOOST_TEST(r.competing[0].completed == 300u);
  // 600 calls in waves of 10, 60 s each, alternating between the deployments.
  BOOST_TEST(*r.preview.drain_timestamp == S + 60 * 60);
  BOOST_TEST(*r.competing[0].drain_timestamp == S + 60 * 60);
  for (const auto& p : r.timeline) BOOST_TEST(p.lines_in_use <= 10u);
  BOOST_TEST(r.timeline[1].lines_in_use == 10u);
  BOOST_TEST(r.timeline[1].completed == 5u);  // half of the first wave was the other deployment's

  // The doc's case: a big queue first, a small one minutes later; they share until the small one
  // is done (each gets 5 lines), then the big one has them all.
  PreviewOptions doc = all_connect(100, 10, 10, 50);
  doc.start = S + 300;
  doc.competing = {CompetingDeployment{10000, S, {}, 1, 0}};
  const PreviewResult d = simulate(doc);
  // From +300 (a wave boundary of the big queue) the small one gets 5 lines: 20 waves of 60 s.
  BOOST_TEST(*d.preview.drain_timestamp == S + 300 + 20 * 60);
  BOOST_TEST(d.competing[0].completed == 10000u);
  BOOST_TEST(*d.competing[0].drain_timestamp == S + ceil_div(10100, 10) * 60);
}

BOOST_AUTO_TEST_CASE(same_seed_same_answer_other_seed_other_details) {
  PreviewOptions o;
  o.calls = 2000;
  o.capacity = 12;
  o.start = S;
  o.end = S + 3 * 3600;
  o.max_attempts = 3;
  o.reattempt_wait = 300;
  o.seed = 42;
  const PreviewResult a = simulate(o), b = simulate(o);
  BOOST_TEST(a.preview.completed == b.preview.completed);
  BOOST_TEST(a.preview.attempts == b.preview.attempts);
  BOOST_TEST(a.preview.busy == b.preview.busy);
  BOOST_TEST(*a.preview.drain_timestamp == *b.preview.drain_timestamp);
  BOOST_TEST(a.timeline.size() == b.timeline.size());
  for (std::size_t i = 0; i < a.timeline.size() && i < b.timeline.size(); ++i) {
    BOOST_TEST(a.timeline[i].lines_in_use == b.timeline[i].lines_in_use);
    BOOST_TEST(a.timeline[i].queued == b.timeline[i].queued);
  }
  BOOST_TEST(*a.needed.capacity == *b.needed.capacity);
  o.seed = 43;
  const PreviewResult c = simulate(o);
  BOOST_TEST((c.preview.busy != a.preview.busy || c.preview.noanswer != a.preview.noanswer ||
              *c.preview.drain_timestamp != *a.preview.drain_timestamp));
}

// Outcomes are drawn per (call, attempt), not in dial order: without an end every call makes the
// same attempts with the same outcomes whatever the capacity.
BOOST_AUTO_TEST_CASE(outcomes_do_not_depend_on_the_capacity) {
  PreviewOptions o;
  o.calls = 3000;
  o.start = S;
  o.max_attempts = 4;
  o.reattempt_wait = 120;
  o.capacity = 3;
  const PreviewResult few = simulate(o);
  o.capacity = 300;
  const PreviewResult many = simulate(o);
  BOOST_TEST(few.preview.attempts == many.preview.attempts);
  BOOST_TEST(few.preview.connected == many.preview.connected);
  BOOST_TEST(few.preview.busy == many.preview.busy);
  BOOST_TEST(few.preview.noanswer == many.preview.noanswer);
  BOOST_TEST(few.preview.informationtone == many.preview.informationtone);
  BOOST_TEST(few.preview.failed == many.preview.failed);
  BOOST_TEST(*few.preview.drain_timestamp > *many.preview.drain_timestamp);
  // Rates are proportions: about 70% of attempts connect with the defaults.
  const double share = static_cast<double>(few.preview.connected) / static_cast<double>(few.preview.attempts);
  BOOST_TEST(share > 0.65);
  BOOST_TEST(share < 0.75);
}

BOOST_AUTO_TEST_CASE(no_calls) {
  PreviewOptions o = all_connect(0, 5, 10, 10);
  o.end = S + 60;
  const PreviewResult r = simulate(o);
  BOOST_TEST(r.preview.completed == 0u);
  BOOST_TEST(!r.preview.drain_timestamp.has_value());
  BOOST_REQUIRE_EQUAL(r.timeline.size(), 1u);
  BOOST_TEST(r.timeline[0].timestamp == S);
  BOOST_TEST(*r.needed.capacity == 1u);
  BOOST_TEST(!r.needed.end_timestamp.has_value());
}

BOOST_AUTO_TEST_CASE(invalid_options_report_every_problem) {
  PreviewOptions o;
  o.calls = kMaxPreviewCalls + 1;
  o.capacity = 0;
  o.start = S;
  o.end = S;
  o.max_attempts = 3;  // without a wait
  o.talk_time = {0, 5};
  o.ring_timeout = 0;
  o.rates = {-1, 0, 0, 0};
  o.timeline_step = 0;
  o.competing = {CompetingDeployment{10, S + 100, S + 50, 1, 30}};
  PreviewResult r;
  Problems problems;
  BOOST_TEST(!preview_window(o, r, problems));
  BOOST_TEST(has(problems, Code::invalid_preview, "calls"));
  BOOST_TEST(has(problems, Code::invalid_preview, "capacity"));
  BOOST_TEST(has(problems, Code::end_before_start, "end"));
  BOOST_TEST(has(problems, Code::max_attempts_requires_reattempt_wait, "maxAttempts"));
  BOOST_TEST(has(problems, Code::invalid_preview, "talkTime.mean"));
  BOOST_TEST(has(problems, Code::invalid_preview, "ringTimeout"));
  BOOST_TEST(has(problems, Code::invalid_preview, "rates.connected"));
  BOOST_TEST(has(problems, Code::invalid_preview, "timelineStep"));
  BOOST_TEST(has(problems, Code::end_before_start, "competing[0].end"));
  BOOST_TEST(has(problems, Code::invalid_reattempt_wait, "competing[0].reattemptWait"));
  for (const auto& p : problems) {
    BOOST_TEST(p.severity == Severity::error);
    BOOST_TEST(p.message.find(p.field) != std::string::npos, p.field << ": " << p.message);
    BOOST_TEST(p.message.find("_timestamp") == std::string::npos, p.message);  // the preview's names
  }

  PreviewOptions zero;
  zero.calls = 1;
  zero.start = S;
  zero.rates = {0, 0, 0, 0};
  problems.clear();
  BOOST_TEST(!preview_window(zero, r, problems));
  BOOST_TEST(fields(problems) == std::vector<std::string>{"rates"});
}

BOOST_AUTO_TEST_CASE(reads_the_js_options) {
  PreviewOptions o;
  Problems problems;
  BOOST_TEST(read_preview_options(
      R"({"csv":{"queued":120,"ok":true},"capacity":4,"start":1700000000,"end":1700003600,"maxAttempts":3,
          "reattemptWait":300,"talkTime":{"mean":90},"ringTime":{"mean":20,"spread":5},"ringTimeout":30,
          "rates":{"connected":3,"busy":1},"seed":7,"timelineStep":300,"end2":null,
          "competing":[{"calls":50,"start":1700000600,"maxAttempts":2,"reattemptWait":60}]})",
      o, problems) == false);
  BOOST_TEST(fields(problems) == std::vector<std::string>{"end2"});  // unknown options are errors

  problems.clear();
  BOOST_TEST(read_preview_options(
      R"({"csv":{"queued":120,"ok":true},"capacity":4,"start":1700000000,"end":1700003600,"maxAttempts":3,
          "reattemptWait":300,"talkTime":{"mean":90},"ringTime":{"mean":20,"spread":5},"ringTimeout":30,
          "rates":{"connected":3,"busy":1},"seed":7,"timelineStep":300,
          "competing":[{"calls":50,"start":1700000600,"maxAttempts":2,"reattemptWait":60}]})",
      o, problems));
  BOOST_TEST(problems.empty());
  BOOST_TEST(o.calls == 120u);
  BOOST_TEST(o.capacity == 4u);
  BOOST_TEST(o.start == 1700000000);
  BOOST_TEST(*o.end == 1700003600);
  BOOST_TEST(o.max_attempts == 3u);
  BOOST_TEST(o.reattempt_wait == 300u);
  BOOST_TEST(o.talk_time.mean == 90u);
  BOOST_TEST(o.talk_time.spread == 0u);  // a time given without spread is exact
  BOOST_TEST(o.ring_time.spread == 5u);
  BOOST_TEST(o.ring_timeout == 30u);
  BOOST_TEST(o.rates.connected == 3.0);
  BOOST_TEST(o.rates.noanswer == 0.0);  // given rates replace the defaults
  BOOST_TEST(o.seed == 7u);
  BOOST_TEST(o.timeline_step == 300u);
  BOOST_REQUIRE_EQUAL(o.competing.size(), 1u);
  BOOST_TEST(*o.competing[0].start == 1700000600);
  BOOST_TEST(!o.competing[0].end.has_value());
  BOOST_TEST(o.competing[0].max_attempts == 2u);

  // The queue parameters' rules and codes, in the preview's names.
  problems.clear();
  BOOST_TEST(!read_preview_options(R"({"calls":1,"capacity":1,"start":5,"maxAttempts":11,"reattemptWait":30})", o,
                                   problems));
  BOOST_TEST(has(problems, Code::invalid_max_attempts, "maxAttempts"));
  BOOST_TEST(has(problems, Code::invalid_reattempt_wait, "reattemptWait"));
  problems.clear();
  BOOST_TEST(!read_preview_options(R"({"calls":1,"capacity":1,"start":5,"reattemptWait":300})", o, problems));
  BOOST_TEST(has(problems, Code::reattempt_wait_requires_max_attempts, "reattemptWait"));

  problems.clear();
  BOOST_TEST(!read_preview_options(
      R"({"calls":1.5,"capacity":"3","talkTime":5,"rates":{"busy":"x"},"competing":{},"csv":{"queued":1}})", o,
      problems));
  BOOST_TEST(has(problems, Code::invalid_preview, "csv"));  // calls and csv both given
  BOOST_TEST(has(problems, Code::invalid_preview, "capacity"));
  BOOST_TEST(has(problems, Code::invalid_preview, "start"));  // missing
  BOOST_TEST(has(problems, Code::invalid_preview, "talkTime"));
  BOOST_TEST(has(problems, Code::invalid_preview, "rates.busy"));
  BOOST_TEST(has(problems, Code::invalid_preview, "competing"));

  problems.clear();
  BOOST_TEST(!read_preview_options(R"({"csv":{"queued":0,"ok":false},"capacity":1,"start":5})", o, problems));
  BOOST_TEST(fields(problems) == std::vector<std::string>{"csv"});
  problems.clear();
  BOOST_TEST(!read_preview_options("[1]", o, problems));
  BOOST_TEST(fields(problems) == std::vector<std::string>{"options"});
  problems.clear();
  BOOST_TEST(!read_preview_options("{", o, problems));
  BOOST_TEST(fields(problems) == std::vector<std::string>{"options"});
}

BOOST_AUTO_TEST_SUITE_END()
