// The queue engine (SPEC 5) through fuse/engine.hpp: scenarios from the platform doc, invalid input,
// snapshots, and a randomized model check over thousands of seeded scripts.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine_test_support.hpp"
#include "fuse/engine.hpp"
#include "test_support.hpp"

using namespace fuse;

namespace {

constexpr std::int64_t T0 = 1'700'000'000;

std::string num(std::int64_t v) { return std::to_string(v); }

// A valid NANP number per index: 617-2xx-xxxx.
std::string phone(std::size_t i) { return "617" + std::to_string(2000000 + i % 7000000); }

CallOptions options(std::uint32_t max_attempts = 1, std::uint32_t wait = 0, std::optional<std::int64_t> start = {},
                    std::optional<std::int64_t> end = {}, std::string url = "") {
  CallOptions o;
  o.max_attempts = max_attempts;
  o.reattempt_wait = wait;
  o.start_timestamp = start;
  o.end_timestamp = end;
  o.result_url = std::move(url);
  return o;
}

QueueRequest request(std::string number, CallOptions o = {}, std::string metadata = "") {
  QueueRequest r;
  r.phone_number = std::move(number);
  r.options = std::move(o);
  r.metadata = std::move(metadata);
  return r;
}

// Everything an action tells the caller, as text (dial: the destination; result: url and payload).
std::string full_text(const Engine& e, const Action& a) {
  switch (a.type) {
    case Action::Type::dial: {
      const DialInfo d = e.dial_info(a);
      return "dial " + e.call_id(a.call) + " " + std::string(d.deployment) + " " + std::string(d.phone_number) + " " +
             d.destination.uri() + " #" + num(a.attempt) + " @" + num(a.timestamp);
    }
    case Action::Type::hangup:
      return "hangup " + e.call_id(a.call) + " " + std::string(event_name(a.reason)) + " @" + num(a.timestamp);
    default:
      return "result " + e.call_id(a.call) + " " + std::string(status_name(a.status)) + " url=" +
             std::string(e.result_url(a.call)) + " " + e.call_details(a.call);
  }
}

// Short form for scenario assertions: "dial 1 A #1 @t", "hangup 1 noanswer @t", "result 1 failed @t".
std::string brief(const Engine& e, const Action& a) {
  const std::string at = " @" + num(a.timestamp - T0);
  switch (a.type) {
    case Action::Type::dial:
      return "dial " + e.call_id(a.call) + " " + std::string(e.deployment_of(a.call)) + " #" + num(a.attempt) + at;
    case Action::Type::hangup: return "hangup " + e.call_id(a.call) + " " + std::string(event_name(a.reason)) + at;
    default: return "result " + e.call_id(a.call) + " " + std::string(status_name(a.status)) + at;
  }
}

struct Driver {
  Engine engine;
  explicit Driver(std::uint32_t capacity, std::uint32_t ring_timeout = 45)
      : engine(EngineOptions{capacity, ring_timeout}) {}

  std::string enqueue(std::string_view deployment, const QueueRequest& r, std::int64_t now) {
    Problems problems;
    const auto ref = engine.enqueue(deployment, r, now, problems);
    BOOST_REQUIRE_MESSAGE(ref, (problems.empty() ? std::string("?") : problems.front().message));
    return engine.call_id(*ref);
  }
  std::vector<std::string> briefs(const Actions& actions) {
    std::vector<std::string> out;
    for (const auto& a : actions) out.push_back(brief(engine, a));
    return out;
  }
  Actions advance_raw(std::int64_t now) {
    Actions actions;
    Problems problems;
    const bool ok = engine.advance(now, actions, problems);
    BOOST_REQUIRE_MESSAGE(ok, (problems.empty() ? std::string("no problem") : problems.front().message));
    return actions;
  }
  std::vector<std::string> advance(std::int64_t now) { return briefs(advance_raw(now)); }
  Actions report_raw(const std::string& id, std::string_view event, std::int64_t now) {
    Actions actions;
    Problems problems;
    const bool ok = engine.report(id, event, now, actions, problems);
    BOOST_REQUIRE_MESSAGE(ok, (problems.empty() ? std::string("no problem") : problems.front().message));
    return actions;
  }
  std::vector<std::string> report(const std::string& id, std::string_view event, std::int64_t now) {
    return briefs(report_raw(id, event, now));
  }
  std::vector<std::string> reject(const std::string& id, std::string_view reason, std::int64_t now) {
    Actions actions;
    Problems problems;
    const bool ok = engine.report(id, "rejected", reason, now, actions, problems);
    BOOST_REQUIRE_MESSAGE(ok, (problems.empty() ? std::string("no problem") : problems.front().message));
    return briefs(actions);
  }
  std::vector<std::string> cancel(std::string_view deployment, std::int64_t now) {
    Actions actions;
    Problems problems;
    BOOST_REQUIRE(engine.cancel_deployment(deployment, now, actions, problems));
    return briefs(actions);
  }
  // The error code of an input the engine must refuse, checking that nothing changed.
  Code refused(const std::function<bool(Actions&, Problems&)>& call) {
    const std::string before = engine.snapshot();
    Actions actions;
    Problems problems;
    const bool ok = call(actions, problems);
    BOOST_TEST(!ok);
    BOOST_TEST(actions.empty());
    BOOST_TEST(engine.snapshot() == before);
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_TEST(!problems.front().message.empty());
    return problems.front().code;
  }
  std::string details(const std::string& id) { return engine.call_details(*engine.find_call(id)); }
  std::uint32_t in_flight(std::string_view deployment) const {
    for (const auto& d : engine.deployment_stats())
      if (d.name == deployment) return static_cast<std::uint32_t>(d.counts.in_flight());
    return 0;
  }
  std::int64_t wake() { return engine.next_wakeup().value_or(-1); }
};

using Lines = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(reproduces_the_doc_sample_callback) {
  Driver d(1);
  const std::string id = d.enqueue("app", request("6173720293", options(1, 300)), 1475095892);
  BOOST_TEST(id == "1");
  const Actions dial = d.advance_raw(1475095893);
  BOOST_REQUIRE_EQUAL(dial.size(), 1u);
  BOOST_TEST(full_text(d.engine, dial[0]) == "dial 1 app 6173720293 tel:+16173720293 #1 @1475095893");
  BOOST_TEST(d.report(id, "connected", 1475095925).empty());
  const Actions done = d.report_raw(id, "disconnected", 1475095928);
  BOOST_REQUIRE_EQUAL(done.size(), 1u);
  BOOST_TEST((done[0].type == Action::Type::result));
  BOOST_TEST(done[0].status == CallStatus::completed);
  BOOST_TEST(d.engine.call_details(done[0].call) ==
             R"({"max_attempts":"1","attempts":"1","events":[{"event":"queued","timestamp":1475095892},)"
             R"({"event":"dialing","timestamp":1475095893},{"event":"connected","timestamp":1475095925},)"
             R"({"event":"disconnected","timestamp":1475095928}],"phone_number":"'6173720293'","status":"completed",)"
             R"("queued_timestamp":"1475095892","start_timestamp":"1475095925","end_timestamp":"1475095928",)"
             R"("reattempt_wait":"300","duration":3,"call_id":"1"})");
}

BOOST_AUTO_TEST_CASE(doc_fairness_case_shares_lines_equally_until_the_small_queue_is_done) {
  // 10,000 calls in A; five minutes later 100 in B; 10 lines. Every dialed call rings 1 s, then
  // talks 40..99 s (a fixed function of its id, the same distribution for both deployments).
  constexpr std::uint32_t kLines = 10;
  Driver d(kLines);
  std::vector<std::string> rows_a(10000), rows_b(100);
  std::vector<EngineRow> rows;
  for (std::size_t i = 0; i < rows_a.size(); ++i) rows.push_back({rows_a[i] = phone(i), ""});
  CallRef first = 0;
  Problems problems;
  BOOST_REQUIRE(d.engine.enqueue_many("A", options(), rows, T0, first, problems));

  struct Dial {
    std::string deployment;
    std::int64_t at;
    std::uint32_t a, b;  // in flight after the dial
  };
  std::vector<Dial> dials;
  std::multimap<std::int64_t, std::pair<std::string, std::string>> carrier;  // time -> (call id, event)
  const auto handle = [&](const Actions& actions) {
    for (const auto& a : actions) {
      if (a.type != Action::Type::dial) continue;
      const std::string id = d.engine.call_id(a.call);
      const std::int64_t talk = 40 + static_cast<std::int64_t>((a.call * 7919u) % 60u);
      carrier.emplace(a.timestamp + 1, std::make_pair(id, "connected"));
      carrier.emplace(a.timestamp + 1 + talk, std::make_pair(id, "disconnected"));
    }
    // In flight after this batch, attributed to each dial in order.
    std::uint32_t fa = d.in_flight("A"), fb = d.in_flight("B");
    std::vector<Dial> batch;
    for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
      if (it->type != Action::Type::dial) continue;
      const std::string dep(d.engine.deployment_of(it->call));
      batch.push_back({dep, it->timestamp, fa, fb});
      (dep == "A" ? fa : fb)--;
    }
    dials.insert(dials.end(), batch.rbegin(), batch.rend());
  };

  bool b_queued = false;
  const std::int64_t b_arrives = T0 + 300;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    std::int64_t t = INT64_MAX;
    if (!carrier.empty()) t = carrier.begin()->first;
    if (const auto w = d.engine.next_wakeup()) t = std::min(t, *w);
    if (!b_queued) t = std::min(t, b_arrives);
    if (t == INT64_MAX) break;
    if (!b_queued && t == b_arrives) {
      rows.clear();
      for (std::size_t i = 0; i < rows_b.size(); ++i) rows.push_back({rows_b[i] = phone(50000 + i), ""});
      BOOST_REQUIRE(d.engine.enqueue_many("B", options(), rows, t, first, problems));
      b_queued = true;
    }
    while (!carrier.empty() && carrier.begin()->first == t) {
      const auto [id, event] = carrier.begin()->second;
      carrier.erase(carrier.begin());
      handle(d.report_raw(id, event, t));
    }
    handle(d.advance_raw(t));
  }
  BOOST_TEST(d.engine.stats().counts.completed == 10100u);
  BOOST_REQUIRE_EQUAL(dials.size(), 10100u);

  std::size_t first_b = dials.size(), last_b = 0;
  for (std::size_t i = 0; i < dials.size(); ++i)
    if (dials[i].deployment == "B") first_b = std::min(first_b, i), last_b = i;
  // Before B arrives A has every line.
  for (std::size_t i = 0; i < first_b; ++i) BOOST_TEST_REQUIRE(dials[i].at < b_arrives);
  BOOST_TEST(dials[first_b].at >= b_arrives);
  // Each line A frees goes to B until they hold half each...
  for (std::size_t i = first_b; i < first_b + kLines / 2; ++i) BOOST_TEST(dials[i].deployment == "B");
  // ...then they share equally until B's last call is dialed: every dial keeps 5 and 5.
  for (std::size_t i = first_b + kLines / 2 - 1; i <= last_b; ++i) {
    BOOST_TEST_CONTEXT("dial " << i << " at +" << dials[i].at - T0) {
      BOOST_TEST(dials[i].a == kLines / 2);
      BOOST_TEST(dials[i].b == kLines / 2);
    }
  }
  std::size_t a_while_sharing = 0;
  for (std::size_t i = first_b; i <= last_b; ++i) a_while_sharing += dials[i].deployment == "A";
  BOOST_TEST_MESSAGE("A dials while B was dialing: " << a_while_sharing << " (B: 100)");
  BOOST_TEST(a_while_sharing >= 80u);
  BOOST_TEST(a_while_sharing <= 105u);
  // Once B is done, A takes every line again.
  for (std::size_t i = last_b + 1; i < dials.size(); ++i) BOOST_TEST_REQUIRE(dials[i].deployment == "A");
  std::size_t full_again = last_b + 1;
  while (full_again < dials.size() && dials[full_again].a < kLines) ++full_again;
  BOOST_TEST(full_again < last_b + 1 + 2 * kLines);
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_least_recently_served_then_the_first_created) {
  Driver d(3);
  for (int i = 0; i < 3; ++i) d.enqueue("B", request(phone(i), options(3, 0)), T0);
  for (int i = 3; i < 6; ++i) d.enqueue("A", request(phone(i), options(3, 0)), T0);
  for (int i = 6; i < 9; ++i) d.enqueue("C", request(phone(i), options(3, 0)), T0);
  // None served yet, all with 0 in flight: creation order.
  BOOST_TEST(d.advance(T0) == (Lines{"dial 1 B #1 @0", "dial 4 A #1 @0", "dial 7 C #1 @0"}),
             boost::test_tools::per_element());
  // B's line frees and only B has 0 in flight: B again (its call 1 re-attempts without wait at the
  // back of B's queue, behind calls 2 and 3).
  BOOST_TEST(d.report("1", "busy", T0 + 1) == Lines{"dial 2 B #1 @1"}, boost::test_tools::per_element());
  // Free C's and B's lines while paused: B and C tie at 0 in flight; C was served before B's last
  // dial, so C (created after B) wins the one free line.
  d.engine.set_capacity(0);
  BOOST_TEST(d.report("7", "busy", T0 + 2).empty());
  BOOST_TEST(d.report("2", "busy", T0 + 3).empty());
  d.engine.set_capacity(2);
  BOOST_TEST(d.advance(T0 + 4) == Lines{"dial 8 C #1 @4"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fifo_within_a_deployment) {
  Driver d(1);
  for (int i = 0; i < 5; ++i) d.enqueue("A", request(phone(i)), T0 + i);
  Lines order;
  std::int64_t t = T0 + 10;
  for (int i = 0; i < 5; ++i) {
    const Lines got = i == 0 ? d.advance(t) : d.report(std::to_string(i), "busy", t);
    for (const auto& s : got)
      if (s.rfind("dial", 0) == 0) order.push_back(s.substr(5, 1));
    t += 10;
  }
  BOOST_TEST(order == (Lines{"1", "2", "3", "4", "5"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(window_nothing_before_start_cancel_at_exactly_end_dialing_continues) {
  Driver d(1);
  const auto w = options(1, 0, T0 + 100, T0 + 200);
  const std::string first = d.enqueue("w", request(phone(1), w), T0);
  BOOST_TEST(d.advance(T0).empty());
  BOOST_TEST(d.wake() == T0 + 100);
  BOOST_TEST(d.advance(T0 + 99).empty());
  BOOST_TEST(d.advance(T0 + 100) == Lines{"dial 1 w #1 @100"}, boost::test_tools::per_element());
  // A second call of the window waits for the line, which stays busy past the end.
  BOOST_TEST(d.report(first, "connected", T0 + 110).empty());
  const std::string second = d.enqueue("w", request(phone(2), w), T0 + 150);
  BOOST_TEST(d.wake() == T0 + 200);
  BOOST_TEST(d.advance(T0 + 260) == Lines{"result 2 canceled @200"}, boost::test_tools::per_element());
  BOOST_TEST(d.details(second).find(R"("events":[{"event":"queued","timestamp":)" + num(T0 + 150) +
                                    R"(},{"event":"canceled","timestamp":)" + num(T0 + 200) + "}]") !=
             std::string::npos);
  // The connected call continues past the end.
  BOOST_TEST(d.engine.status(*d.engine.find_call(first)) == CallStatus::connected);
  BOOST_TEST(d.report(first, "disconnected", T0 + 300) == Lines{"result 1 completed @300"}, boost::test_tools::per_element());

  // A call first eligible exactly at its end is not dialed: the window is [start, end).
  Driver e(0);
  const std::string late = e.enqueue("w", request(phone(3), options(1, 0, {}, T0 + 50)), T0);
  e.engine.set_capacity(1);
  BOOST_TEST(e.advance(T0 + 50) == Lines{"result 1 canceled @50"}, boost::test_tools::per_element());
  BOOST_TEST(e.details(late).find(R"("status":"canceled")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(window_end_cancels_a_call_waiting_to_reattempt) {
  Driver d(1);
  const std::string id = d.enqueue("w", request(phone(1), options(3, 60, {}, T0 + 100)), T0);
  BOOST_TEST(d.advance(T0) == Lines{"dial 1 w #1 @0"}, boost::test_tools::per_element());
  BOOST_TEST(d.report(id, "busy", T0 + 40).empty());  // would re-attempt at +100: the end
  BOOST_TEST(d.wake() == T0 + 100);
  BOOST_TEST(d.advance(T0 + 500) == Lines{"result 1 canceled @100"}, boost::test_tools::per_element());
  BOOST_TEST(d.details(id).find(R"({"event":"busy","timestamp":)" + num(T0 + 40) + R"(},{"event":"canceled","timestamp":)" +
                                num(T0 + 100) + "}]") != std::string::npos);

  // An attempt that fails after the end, with attempts left, is canceled when it fails.
  Driver e(1);
  const std::string late = e.enqueue("w", request(phone(2), options(3, 60, {}, T0 + 100)), T0 + 90);
  BOOST_TEST(e.advance(T0 + 95) == Lines{"dial 1 w #1 @95"}, boost::test_tools::per_element());
  BOOST_TEST(e.advance(T0 + 200) == (Lines{"hangup 1 noanswer @140", "result 1 canceled @140"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reattempts_reenter_at_the_back_and_fail_after_max_attempts) {
  Driver d(1);
  const auto r = options(3, 60, {}, {}, "https://example.com/result");
  const std::string x = d.enqueue("A", request(phone(1), r), T0);
  const std::string y = d.enqueue("A", request(phone(2), r), T0);
  const std::string z = d.enqueue("A", request(phone(3), r), T0);
  BOOST_TEST(d.advance(T0) == Lines{"dial 1 A #1 @0"}, boost::test_tools::per_element());
  BOOST_TEST(d.report(x, "busy", T0 + 5) == Lines{"dial 2 A #1 @5"}, boost::test_tools::per_element());
  BOOST_TEST(d.report(y, "connected", T0 + 10).empty());
  BOOST_TEST(d.wake() == T0 + 65);  // x's re-attempt wait ends
  BOOST_TEST(d.advance(T0 + 65).empty());
  // x became ready at +65, behind z (ready since +0): z goes first.
  BOOST_TEST(d.report(y, "disconnected", T0 + 100) == (Lines{"result 2 completed @100", "dial 3 A #1 @100"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.report(z, "noanswer", T0 + 110) == Lines{"dial 1 A #2 @110"}, boost::test_tools::per_element());
  BOOST_TEST(d.report(x, "informationtone", T0 + 120).empty());  // x waits until +180, z until +170
  BOOST_TEST(d.wake() == T0 + 170);
  BOOST_TEST(d.advance(T0 + 200) == Lines{"dial 3 A #2 @200"}, boost::test_tools::per_element());
  BOOST_TEST(d.report(z, "busy", T0 + 210) == Lines{"dial 1 A #3 @210"}, boost::test_tools::per_element());
  const Actions last = d.report_raw(x, "busy", T0 + 220);
  BOOST_REQUIRE_EQUAL(last.size(), 1u);  // z waits until +270
  BOOST_TEST(brief(d.engine, last[0]) == "result 1 failed @220");
  BOOST_TEST(d.engine.result_url(last[0].call) == "https://example.com/result");
  BOOST_TEST(d.engine.call_details(last[0].call) ==
             R"({"max_attempts":"3","attempts":"3","events":[{"event":"queued","timestamp":)" + num(T0) +
                 R"(},{"event":"dialing","timestamp":)" + num(T0) + R"(},{"event":"busy","timestamp":)" + num(T0 + 5) +
                 R"(},{"event":"dialing","timestamp":)" + num(T0 + 110) +
                 R"(},{"event":"informationtone","timestamp":)" + num(T0 + 120) +
                 R"(},{"event":"dialing","timestamp":)" + num(T0 + 210) + R"(},{"event":"busy","timestamp":)" +
                 num(T0 + 220) + R"(}],"phone_number":"')" + phone(1) +
                 R"('","status":"failed","queued_timestamp":")" + num(T0) +
                 R"(","start_timestamp":"","end_timestamp":"","reattempt_wait":"60","duration":0,"call_id":"1"})");
  // z's third attempt connects.
  BOOST_TEST(d.advance(T0 + 270) == Lines{"dial 3 A #3 @270"}, boost::test_tools::per_element());
  d.report(z, "connected", T0 + 280);
  BOOST_TEST(d.report(z, "disconnected", T0 + 290) == Lines{"result 3 completed @290"}, boost::test_tools::per_element());
  BOOST_TEST(d.details(z).find(R"("attempts":"3")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejected_is_a_failed_attempt_whose_event_carries_its_reason) {
  Driver d(1);
  const auto r = options(2, 60, {}, {}, "");
  const std::string x = d.enqueue("A", request(phone(1), r), T0);
  const std::string y = d.enqueue("A", request(phone(2), {}), T0);
  BOOST_TEST(d.advance(T0) == Lines{"dial 1 A #1 @0"}, boost::test_tools::per_element());
  // Re-attempted after reattempt_wait like busy; the line goes to y meanwhile.
  BOOST_TEST(d.reject(x, "503 Service Unavailable", T0 + 3) == Lines{"dial 2 A #1 @3"}, boost::test_tools::per_element());
  BOOST_TEST(d.engine.status(*d.engine.find_call(x)) == CallStatus::queued);
  BOOST_TEST(d.reject(y, "403 Forbidden", T0 + 4) == Lines{"result 2 failed @4"}, boost::test_tools::per_element());
  BOOST_TEST(d.wake() == T0 + 63);
  BOOST_TEST(d.advance(T0 + 63) == Lines{"dial 1 A #2 @63"}, boost::test_tools::per_element());
  // The reason survives a snapshot (and so compact()) byte for byte.
  Problems problems;
  auto copy = Engine::restore(d.engine.snapshot(), problems);
  BOOST_REQUIRE(copy);
  BOOST_TEST(copy->snapshot() == d.engine.snapshot());
  BOOST_TEST(d.engine.snapshot().find(R"(["rejected",)" + num(T0 + 3) + R"(,"503 Service Unavailable"])") !=
             std::string::npos);
  BOOST_TEST(d.engine.compact() == 1u);
  BOOST_TEST(d.reject(x, "Q.850;cause=34", T0 + 70) == Lines{"result 1 failed @70"}, boost::test_tools::per_element());
  BOOST_TEST(d.details(x) ==
             R"({"max_attempts":"2","attempts":"2","events":[{"event":"queued","timestamp":)" + num(T0) +
                 R"(},{"event":"dialing","timestamp":)" + num(T0) +
                 R"(},{"event":"rejected","timestamp":)" + num(T0 + 3) + R"(,"reason":"503 Service Unavailable"},)" +
                 R"({"event":"dialing","timestamp":)" + num(T0 + 63) +
                 R"(},{"event":"rejected","timestamp":)" + num(T0 + 70) + R"(,"reason":"Q.850;cause=34"}],)" +
                 R"("phone_number":"')" + phone(1) + R"('","status":"failed","queued_timestamp":")" + num(T0) +
                 R"(","start_timestamp":"","end_timestamp":"","reattempt_wait":"60","duration":0,"call_id":"1"})");
}

BOOST_AUTO_TEST_CASE(rejected_needs_a_one_line_reason_and_other_events_take_none) {
  Driver d(1);
  const std::string x = d.enqueue("A", request(phone(1), {}), T0);
  d.advance(T0);
  const auto report = [&](std::string_view event, std::string_view reason) {
    return d.refused([&](Actions& a, Problems& p) { return d.engine.report(x, event, reason, T0 + 1, a, p); });
  };
  BOOST_TEST(report("rejected", "") == Code::invalid_reason);
  BOOST_TEST(report("rejected", "503\r\nX-Injected: 1") == Code::invalid_reason);
  BOOST_TEST(report("rejected", std::string(257, 'x')) == Code::invalid_reason);
  BOOST_TEST(report("rejected", "\xff") == Code::invalid_reason);
  BOOST_TEST(report("busy", "486 Busy Here") == Code::invalid_reason);
  BOOST_TEST(d.reject(x, std::string(256, 'x'), T0 + 1) == Lines{"result 1 failed @1"}, boost::test_tools::per_element());
  // Restore checks the reasons too.
  std::string snap = d.engine.snapshot();
  const std::string reason = R"(,")" + std::string(256, 'x') + R"("])";
  const auto at = snap.find(reason);
  BOOST_REQUIRE(at != std::string::npos);
  Problems problems;
  BOOST_TEST(!Engine::restore(std::string(snap).replace(at, reason.size(), "]"), problems));
  BOOST_TEST(!Engine::restore(std::string(snap).replace(at, reason.size(), R"(,""])"), problems));
  const std::string dialing = R"(["dialing",)" + num(T0) + "]";
  BOOST_TEST(!Engine::restore(std::string(snap).replace(snap.find(dialing), dialing.size(),
                                                        R"(["dialing",)" + num(T0) + R"(,"x"])"),
                              problems));
  BOOST_TEST(problems.size() == 3u);
  for (const auto& p : problems) BOOST_TEST((p.code == Code::invalid_snapshot));
}

BOOST_AUTO_TEST_CASE(ring_timeout_raises_noanswer_with_a_hangup_at_exactly_dial_plus_timeout) {
  Driver d(2, 30);
  const std::string id = d.enqueue("A", request(phone(1), options(2, 60)), T0);
  BOOST_TEST(d.advance(T0 + 1) == Lines{"dial 1 A #1 @1"}, boost::test_tools::per_element());
  BOOST_TEST(d.wake() == T0 + 31);
  BOOST_TEST(d.advance(T0 + 30).empty());
  // A carrier outcome at or after the timeout comes too late.
  BOOST_TEST(d.refused([&](Actions& a, Problems& p) { return d.engine.report(id, "connected", T0 + 31, a, p); }) ==
             Code::invalid_transition);
  BOOST_TEST(d.advance(T0 + 100) == (Lines{"hangup 1 noanswer @31", "dial 1 A #2 @100"}), boost::test_tools::per_element());
  BOOST_TEST(d.advance(T0 + 500) == (Lines{"hangup 1 noanswer @130", "result 1 failed @130"}), boost::test_tools::per_element());
  BOOST_TEST(d.details(id).find(R"({"event":"noanswer","timestamp":)" + num(T0 + 31) + "}") != std::string::npos);
  BOOST_TEST(d.details(id).find(R"({"event":"noanswer","timestamp":)" + num(T0 + 130) + "}]") != std::string::npos);
  BOOST_TEST(d.engine.ring_timeout() == 30u);
}

BOOST_AUTO_TEST_CASE(capacity_changes_at_run_time) {
  Driver d(5);
  for (int i = 0; i < 10; ++i) d.enqueue("A", request(phone(i)), T0);
  BOOST_TEST(d.advance(T0).size() == 5u);
  for (int i = 1; i <= 5; ++i) d.report(std::to_string(i), "connected", T0 + 1);
  d.engine.set_capacity(2);
  BOOST_TEST(d.advance(T0 + 2).empty());  // nothing is hung up
  BOOST_TEST(d.engine.stats().counts.connected == 5u);
  BOOST_TEST(d.wake() == -1);             // lines busy, no timers
  BOOST_TEST(d.report("1", "disconnected", T0 + 3) == Lines{"result 1 completed @3"}, boost::test_tools::per_element());
  BOOST_TEST(d.report("2", "disconnected", T0 + 4) == Lines{"result 2 completed @4"}, boost::test_tools::per_element());
  BOOST_TEST(d.report("3", "disconnected", T0 + 5) == Lines{"result 3 completed @5"}, boost::test_tools::per_element());
  BOOST_TEST(d.report("4", "disconnected", T0 + 6) == (Lines{"result 4 completed @6", "dial 6 A #1 @6"}),
             boost::test_tools::per_element());
  BOOST_TEST(d.engine.stats().counts.in_flight() == 2u);
  d.engine.set_capacity(6);
  BOOST_TEST(d.engine.capacity() == 6u);
  BOOST_TEST(d.wake() == T0 + 6);  // a line is free and calls are eligible: advance now
  BOOST_TEST(d.advance(T0 + 6).size() == 4u);
  BOOST_TEST(d.engine.stats().counts.in_flight() == 6u);
  d.engine.set_capacity(0);  // pause
  d.report("5", "disconnected", T0 + 7);
  BOOST_TEST(d.advance(T0 + 8).empty());
}

BOOST_AUTO_TEST_CASE(cancel_deployment_cancels_pending_calls_only) {
  Driver d(1);
  const std::string a1 = d.enqueue("A", request(phone(1), options(2, 60)), T0);
  const std::string a2 = d.enqueue("A", request(phone(2)), T0);
  const std::string a3 = d.enqueue("A", request(phone(3), options(1, 0, T0 + 1000)), T0);  // waits for its start
  const std::string b1 = d.enqueue("B", request(phone(4)), T0);
  BOOST_TEST(d.advance(T0) == Lines{"dial 1 A #1 @0"}, boost::test_tools::per_element());
  BOOST_TEST(d.cancel("A", T0 + 10) == (Lines{"result 2 canceled @10", "result 3 canceled @10"}), boost::test_tools::per_element());
  BOOST_TEST(d.engine.status(*d.engine.find_call(a1)) == CallStatus::dialing);  // continues
  // a1 was in flight: its attempt ends as the carrier says (busy), and then, although it has a
  // second attempt left, it is canceled instead of dialing again.
  BOOST_TEST(d.report(a1, "busy", T0 + 20) == (Lines{"result 1 canceled @20", "dial 4 B #1 @20"}), boost::test_tools::per_element());
  BOOST_TEST(d.details(a1).find(R"({"event":"busy","timestamp":)" + num(T0 + 20) + R"(},{"event":"canceled","timestamp":)" + num(T0 + 20) + "}]") != std::string::npos);
  BOOST_TEST(d.cancel("A", T0 + 30).empty());
  BOOST_TEST(d.cancel("A", T0 + 40).empty());
  BOOST_TEST(d.cancel("nobody", T0 + 40).empty());
  BOOST_TEST(d.details(a2).find(R"("status":"canceled")") != std::string::npos);
  BOOST_TEST(d.details(a3).find(R"({"event":"canceled","timestamp":)" + num(T0 + 10) + "}]") != std::string::npos);
  BOOST_TEST(d.engine.status(*d.engine.find_call(b1)) == CallStatus::dialing);
  const auto s = d.engine.stats();
  BOOST_TEST(s.counts.canceled == 3u);
  BOOST_TEST(s.deployments == 2u);
}

BOOST_AUTO_TEST_CASE(invalid_input_gives_clear_errors_and_changes_nothing) {
  Driver d(1);
  const std::string dialing = d.enqueue("A", request(phone(1)), T0);
  const std::string queued = d.enqueue("A", request(phone(2)), T0);
  d.advance(T0 + 1);
  const auto report = [&](std::string id, std::string event, std::int64_t now) {
    return d.refused([&](Actions& a, Problems& p) { return d.engine.report(id, event, now, a, p); });
  };
  BOOST_TEST(report("999", "connected", T0 + 2) == Code::unknown_call);
  BOOST_TEST(report("0", "connected", T0 + 2) == Code::unknown_call);
  BOOST_TEST(report("01", "connected", T0 + 2) == Code::unknown_call);
  BOOST_TEST(report(" 1", "connected", T0 + 2) == Code::unknown_call);
  BOOST_TEST(report("", "connected", T0 + 2) == Code::unknown_call);
  BOOST_TEST(report(dialing, "ringing", T0 + 2) == Code::unknown_event);
  BOOST_TEST(report(dialing, "Connected", T0 + 2) == Code::unknown_event);
  BOOST_TEST(report(queued, "connected", T0 + 2) == Code::invalid_transition);  // connected before dialing
  BOOST_TEST(report(dialing, "disconnected", T0 + 2) == Code::invalid_transition);
  BOOST_TEST(report(dialing, "dialing", T0 + 2) == Code::invalid_transition);
  BOOST_TEST(report(dialing, "canceled", T0 + 2) == Code::invalid_transition);
  BOOST_TEST(report(dialing, "connected", T0) == Code::invalid_time);  // time going backwards
  BOOST_TEST(d.refused([&](Actions& a, Problems& p) { return d.engine.advance(T0, a, p); }) == Code::invalid_time);
  BOOST_TEST(d.refused([&](Actions& a, Problems& p) { return d.engine.cancel_deployment("A", T0, a, p); }) ==
             Code::invalid_time);
  BOOST_TEST(d.refused([&](Actions& a, Problems& p) { return d.engine.advance(-1, a, p); }) == Code::invalid_time);
  {
    const std::string before = d.engine.snapshot();
    Problems p;
    BOOST_TEST(!d.engine.enqueue("A", request(phone(3)), T0, p));
    BOOST_TEST(p.front().code == Code::invalid_time);
    BOOST_TEST(d.engine.snapshot() == before);
  }
  {
    // The message names the call and what is allowed.
    Actions a;
    Problems p;
    BOOST_TEST(!d.engine.report(queued, "busy", T0 + 2, a, p));
    BOOST_REQUIRE(!p.empty());
    BOOST_TEST(p.front().message == "Call 2 is queued; 'busy' is only valid while it is dialing.");
  }
  d.report(dialing, "connected", T0 + 3);
  d.report(dialing, "disconnected", T0 + 4);
  BOOST_TEST(report(dialing, "disconnected", T0 + 5) == Code::invalid_transition);  // a second disconnected
  BOOST_TEST(report(dialing, "busy", T0 + 5) == Code::invalid_transition);          // after a final status
  BOOST_TEST(report(dialing, "connected", T0 + 5) == Code::invalid_transition);
}

BOOST_AUTO_TEST_CASE(enqueue_checks_what_the_engine_relies_on) {
  Driver d(1);
  const auto codes_of = [&](std::string_view dep, const QueueRequest& r, std::int64_t now) {
    Problems p;
    BOOST_TEST(!d.engine.enqueue(dep, r, now, p));
    std::vector<Code> out;
    for (const auto& x : p) out.push_back(x.code);
    return out;
  };
  BOOST_TEST(codes_of("", request(phone(1)), T0) == std::vector<Code>{Code::invalid_params}, boost::test_tools::per_element());
  BOOST_TEST(codes_of("A", request("12"), T0) == std::vector<Code>{Code::invalid_phone_number}, boost::test_tools::per_element());
  BOOST_TEST(codes_of("A", request(phone(1), options(11)), T0) == std::vector<Code>{Code::invalid_max_attempts},
             boost::test_tools::per_element());
  BOOST_TEST(codes_of("A", request(phone(1), options(1, 0, T0 + 10, T0 + 10)), T0) ==
                 std::vector<Code>{Code::end_before_start},
             boost::test_tools::per_element());
  BOOST_TEST(codes_of("A", request(phone(1), options(1, 0, {}, T0)), T0) == std::vector<Code>{Code::end_in_past},
             boost::test_tools::per_element());
  BOOST_TEST(codes_of("A", request(phone(1), {}, "[1]"), T0) == std::vector<Code>{Code::invalid_metadata},
             boost::test_tools::per_element());
  BOOST_TEST(codes_of("A", request(phone(1), {}, "{\"a\":"), T0) == std::vector<Code>{Code::invalid_metadata},
             boost::test_tools::per_element());
  BOOST_TEST(d.engine.call_count() == 0u);
  BOOST_TEST(!d.engine.now());
  // The number is stored as given (trimmed); the dial carries its normalised form.
  const std::string id = d.enqueue("A", request("  tel:+1 (617) 555-1234;ANI=800.995.7586;postd=1w2 ", {}, R"({"name":"Ann"})"), T0);
  const Actions dial = d.advance_raw(T0);
  BOOST_TEST(full_text(d.engine, dial.at(0)) ==
             "dial 1 A tel:+1 (617) 555-1234;ANI=800.995.7586;postd=1w2 tel:+16175551234;ani=8009957586;postd=1w2 #1 @" +
                 num(T0));
  BOOST_TEST(d.details(id).find(R"("phone_number":"'tel:+1 (617) 555-1234;ANI=800.995.7586;postd=1w2'")") != std::string::npos);
  BOOST_TEST(d.details(id).find(R"("call_id":"1","metadata":{"name":"Ann"}})") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(enqueue_many_stores_shared_options_once_and_is_all_or_nothing) {
  Driver d(2);
  std::vector<std::string> numbers = {phone(1), phone(2), "bad", phone(4), "555"};
  std::vector<EngineRow> rows;
  for (const auto& n : numbers) rows.push_back({n, ""});
  rows[1].metadata = "{\"row\":2}";
  rows[3].metadata = "nope";
  CallRef first = 0;
  Problems p;
  BOOST_TEST(!d.engine.enqueue_many("bulk", options(2, 120, {}, {}, "https://x.test/r"), rows, T0, first, p));
  std::vector<std::pair<Code, std::uint64_t>> got;
  for (const auto& x : p) got.emplace_back(x.code, x.row);
  BOOST_REQUIRE_EQUAL(got.size(), 3u);
  BOOST_TEST((got[0] == std::make_pair(Code::invalid_phone_number, std::uint64_t{3})));
  BOOST_TEST((got[1] == std::make_pair(Code::invalid_metadata, std::uint64_t{4})));
  BOOST_TEST((got[2] == std::make_pair(Code::invalid_phone_number, std::uint64_t{5})));
  BOOST_TEST(p[0].field == "destination");
  BOOST_TEST(d.engine.call_count() == 0u);

  d.enqueue("single", request(phone(9)), T0);
  rows.erase(rows.begin() + 2);
  rows.pop_back();
  rows[2].metadata = "";
  p.clear();
  BOOST_REQUIRE(d.engine.enqueue_many("bulk", options(2, 120, {}, {}, "https://x.test/r"), rows, T0, first, p));
  BOOST_TEST(first == 1u);
  BOOST_TEST(d.engine.call_id(first) == "2");
  BOOST_TEST(d.engine.call_count() == 4u);
  const std::string snap = d.engine.snapshot();
  // One options entry for the single call (defaults) and one for the whole batch.
  BOOST_TEST(snap.find(R"("options":[[null,null,1,0,0,""],[null,null,2,120,0,"https://x.test/r"]])") != std::string::npos);
  BOOST_TEST(d.details("3").find(R"("call_id":"3","metadata":{"row":2}})") != std::string::npos);
  BOOST_TEST(d.advance(T0) == (Lines{"dial 1 single #1 @0", "dial 2 bulk #1 @0"}), boost::test_tools::per_element());
  BOOST_TEST(d.report("2", "busy", T0 + 1) == Lines{"dial 3 bulk #1 @1"}, boost::test_tools::per_element());
}

// Issue 9, point 8: a cancel reaches the calls in flight too, once their attempt has ended.
BOOST_AUTO_TEST_CASE(cancel_stops_the_reattempts_of_calls_in_flight) {
  Driver d(3);
  const std::string busy = d.enqueue("a", request(phone(1), options(3, 60)), T0);
  const std::string talking = d.enqueue("a", request(phone(2), options(3, 60)), T0);
  const std::string last = d.enqueue("a", request(phone(3)), T0);  // one attempt only
  BOOST_TEST(d.advance(T0).size() == 3u);
  d.report(talking, "connected", T0 + 1);
  BOOST_TEST(d.cancel("a", T0 + 1).empty());  // nothing queued: all three are in flight
  // The snapshot carries what the cancel left behind; the copy behaves the same.
  Problems p;
  auto copy = Engine::restore(d.engine.snapshot(), p);
  BOOST_REQUIRE(copy);
  BOOST_TEST(copy->snapshot() == d.engine.snapshot());
  for (Engine* e : {&d.engine, &*copy}) {
    Actions actions;
    BOOST_REQUIRE(e->report(*e->find_call(busy), CallEvent::busy, T0 + 2, actions, p));
    BOOST_REQUIRE_EQUAL(actions.size(), 1u);
    BOOST_TEST((actions[0].type == Action::Type::result && actions[0].status == CallStatus::canceled));
    actions.clear();
    // The last attempt of a call ends as it would have: failed.
    BOOST_REQUIRE(e->report(*e->find_call(last), CallEvent::busy, T0 + 3, actions, p));
    BOOST_REQUIRE_EQUAL(actions.size(), 1u);
    BOOST_TEST((actions[0].status == CallStatus::failed));
    actions.clear();
    BOOST_REQUIRE(e->advance(T0 + 62, actions, p));
    BOOST_TEST(actions.empty());  // no dial of call 1's attempt 2
    actions.clear();
    BOOST_REQUIRE(e->report(*e->find_call(talking), CallEvent::disconnected, T0 + 70, actions, p));
    BOOST_REQUIRE_EQUAL(actions.size(), 1u);
    BOOST_TEST((actions[0].status == CallStatus::completed));  // a call that was answered completes
    BOOST_TEST(e->status(*e->find_call(last)) == CallStatus::failed);
    BOOST_TEST(e->status(*e->find_call(busy)) == CallStatus::canceled);
  }
  BOOST_TEST(d.details(busy).find(R"({"event":"busy","timestamp":)" + num(T0 + 2) + R"(},{"event":"canceled","timestamp":)" +
                                  num(T0 + 2) + "}]") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(get_stats_and_next_wakeup) {
  Driver d(1);
  BOOST_TEST(d.wake() == -1);
  d.enqueue("A", request(phone(1)), T0);
  d.enqueue("A", request(phone(2), options(1, 0, T0 + 500)), T0);
  d.enqueue("B", request(phone(3), options(2, 60)), T0);
  BOOST_TEST(d.wake() == T0);
  d.advance(T0);
  auto s = d.engine.stats();
  BOOST_TEST(s.capacity == 1u);
  BOOST_TEST(s.calls == 3u);
  BOOST_TEST(s.deployments == 2u);
  BOOST_TEST(s.counts.dialing == 1u);
  BOOST_TEST(s.counts.queued == 1u);
  BOOST_TEST(s.counts.waiting == 1u);
  BOOST_TEST(d.wake() == T0 + 45);  // the ring timeout
  const auto per = d.engine.deployment_stats();
  BOOST_REQUIRE_EQUAL(per.size(), 2u);
  BOOST_TEST(per[0].name == "A");
  BOOST_TEST(per[0].counts.dialing == 1u);
  BOOST_TEST(per[0].counts.waiting == 1u);
  BOOST_TEST(per[1].counts.queued == 1u);
  BOOST_TEST(d.details("1").find(R"("status":"dialing")") != std::string::npos);
  BOOST_TEST(d.details("3").find(R"("status":"queued")") != std::string::npos);
  BOOST_TEST(!d.engine.find_call("4"));
  BOOST_TEST(d.engine.now().value_or(-1) == T0);
}

BOOST_AUTO_TEST_CASE(restore_refuses_invalid_snapshots_with_a_reason) {
  Driver d(2);
  d.enqueue("A", request(phone(1), options(3, 60), R"({"n":1})"), T0);
  d.enqueue("B", request(phone(2), options(1, 0, T0 + 100, T0 + 500)), T0);
  d.enqueue("A", request(phone(3)), T0);
  d.advance(T0 + 1);
  d.report("1", "busy", T0 + 5);
  d.report("3", "connected", T0 + 6);
  const std::string snap = d.engine.snapshot();
  Problems p;
  auto copy = Engine::restore(snap, p);
  BOOST_REQUIRE(copy);
  BOOST_TEST(copy->snapshot() == snap);

  const auto refused = [](const std::string& text) {
    Problems problems;
    const bool restored = Engine::restore(text, problems).has_value();
    return !restored && problems.size() == 1 && problems.front().code == Code::invalid_snapshot &&
           !problems.front().message.empty();
  };
  for (std::size_t n = 0; n < snap.size(); ++n) BOOST_TEST_REQUIRE(refused(snap.substr(0, n)), "prefix " << n);
  const auto with = [&snap](std::string_view from, std::string_view to) {
    std::string out = snap;
    const auto at = out.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return out.replace(at, from.size(), to);
  };
  BOOST_TEST(refused(with("\"version\":3", "\"version\":4")));
  BOOST_TEST(refused(with("\"calls\":[[1,", "\"calls\":[[0,")));       // ids start at 1
  BOOST_TEST(refused(with("\"nextId\":4", "\"nextId\":3")));        // an id not below nextId
  BOOST_TEST(refused(with("\"waiting\"", "\"dialing\"")));            // state does not match events
  BOOST_TEST(refused(with("\"waiting\"", "\"sleeping\"")));           // unknown state
  BOOST_TEST(refused(with("[\"busy\",", "[\"connected\",")));          // then state would be connected
  BOOST_TEST(refused(with("[\"B\",0]", "[\"A\",0]")));                 // the same deployment twice
  BOOST_TEST(refused(with("\"ringTimeout\":45", "\"ringTimeout\":0")));
  BOOST_TEST(refused(with(num(T0 + 5) + "]", num(T0 + 7) + "]")));   // an event after the engine's time
  BOOST_TEST(refused(with(R"({\"n\":1})", R"([1])")));                  // metadata not an object
  BOOST_TEST(refused(snap + " x"));
  BOOST_TEST(refused("null"));
  BOOST_TEST(refused(std::string(100000, '[')));
  // Whitespace between tokens is fine.
  std::string spaced;
  for (const char c : snap) spaced += c == ',' ? std::string(" ,\n ") : std::string(1, c);
  BOOST_TEST(!refused(spaced));
}

// compact() drops final calls and changes nothing else: an engine that compacts at every step and
// its twin that never does produce the same actions (same ids) for the same script, and new calls
// number on after the highest id ever given, also across snapshot/restore.
BOOST_AUTO_TEST_CASE(compact_drops_final_calls_and_keeps_behaviour_and_ids) {
  Engine plain(EngineOptions{3, 30});
  Engine compacting(EngineOptions{3, 30});
  std::uint64_t seed = 12345;
  const auto rand = [&seed](std::uint64_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  };
  std::uint64_t dropped = 0;
  for (std::int64_t t = T0; t < T0 + 4000; t += 5) {
    std::vector<std::string> logs[2];
    Engine* engines[2] = {&plain, &compacting};
    const std::uint64_t r = rand(100), hang = rand(4);
    for (int k = 0; k < 2; ++k) {
      Engine& e = *engines[k];
      Actions actions;
      Problems problems;
      if (r < 30) {
        const auto ref = e.enqueue(r % 2 ? "A" : "B", request(phone(r), options(1 + r % 3, 60, {}, t + 900 + 30 * r)), t, problems);
        BOOST_REQUIRE(ref);
        logs[k].push_back("queued " + e.call_id(*ref));
      }
      BOOST_REQUIRE(e.advance(t, actions, problems));
      for (std::size_t i = 0; i < actions.size(); ++i) {
        const Action a = actions[i];
        logs[k].push_back(full_text(e, a));
        if (a.type == Action::Type::dial) {
          const CallEvent outcome = (e.call_number(a.call) + r) % 3 == 0 ? CallEvent::busy : CallEvent::connected;
          BOOST_REQUIRE(e.report(a.call, outcome, t, actions, problems));
        }
      }
      // Hang up connected calls after a while: disconnect the oldest connected one.
      for (std::size_t ref = 0; ref < e.call_count(); ++ref) {
        if (e.status(static_cast<CallRef>(ref)) != CallStatus::connected || hang != 0) continue;
        Actions more;
        BOOST_REQUIRE(e.report(static_cast<CallRef>(ref), CallEvent::disconnected, t, more, problems));
        for (const auto& a : more) logs[k].push_back(full_text(e, a));
        break;
      }
    }
    BOOST_REQUIRE_EQUAL(logs[0].size(), logs[1].size());
    for (std::size_t i = 0; i < logs[0].size(); ++i) BOOST_TEST_REQUIRE(logs[0][i] == logs[1][i]);
    dropped += compacting.compact();
    BOOST_TEST_REQUIRE(compacting.next_call_number() == plain.next_call_number());
  }
  BOOST_TEST(dropped > 0u);
  const EngineStats sp = plain.stats(), sc = compacting.stats();
  BOOST_TEST(sc.calls == sp.calls - (sp.counts.completed + sp.counts.failed + sp.counts.canceled));
  BOOST_TEST(sc.counts.completed + sc.counts.failed + sc.counts.canceled == 0u);
  BOOST_TEST(sc.memory_bytes < sp.memory_bytes);
  // Every live call answers the same under its id; a dropped one is gone.
  for (std::size_t ref = 0; ref < plain.call_count(); ++ref) {
    const std::string id = plain.call_id(static_cast<CallRef>(ref));
    const auto found = compacting.find_call(id);
    const bool final = plain.status(static_cast<CallRef>(ref)) >= CallStatus::completed;
    BOOST_TEST_REQUIRE(found.has_value() == !final, "call " << id);
    if (found) BOOST_TEST_REQUIRE(compacting.call_details(*found) == plain.call_details(static_cast<CallRef>(ref)));
  }
  // Ids continue after the highest ever given, also in a restored copy.
  Problems problems;
  auto copy = Engine::restore(compacting.snapshot(), problems);
  BOOST_REQUIRE(copy);
  BOOST_TEST(copy->snapshot() == compacting.snapshot());
  const auto next = plain.enqueue("A", request(phone(1)), T0 + 4000, problems);
  const auto next_copy = copy->enqueue("A", request(phone(1)), T0 + 4000, problems);
  BOOST_REQUIRE(next && next_copy);
  BOOST_TEST(copy->call_id(*next_copy) == plain.call_id(*next));
}

// A version 1 snapshot (written before ids were stored) restores with ids 1, 2, ... in order.
BOOST_AUTO_TEST_CASE(restore_reads_version_1_snapshots) {
  const std::string v1 = R"({"format":"fuse-outbound-engine","version":1,"capacity":2,"ringTimeout":45,"now":)" + num(T0) +
                         R"(,"served":0,"deployments":[["A",0]],"options":[[null,null,1,0,0,""]],"calls":[[0,0,"6175550100","",)" +
                         num(T0) + R"(,"ready",[]],[0,0,"6175550101","",)" + num(T0) + R"(,"ready",[]]]})";
  Problems problems;
  auto e = Engine::restore(v1, problems);
  BOOST_REQUIRE(e);
  BOOST_TEST(e->find_call("2").has_value());
  BOOST_TEST(e->next_call_number() == 3u);
  BOOST_TEST(e->snapshot().find(R"("version":3)") != std::string::npos);
}

// Engine::reset gives exactly a new engine: the same script on a reset engine (after other work)
// and on a fresh one produces the same actions and the same snapshot.
BOOST_AUTO_TEST_CASE(reset_is_a_new_engine) {
  const auto script = [](fuse::Engine& e) {
    fuse::Actions actions;
    fuse::Problems problems;
    std::string log;
    fuse::QueueRequest r;
    BOOST_REQUIRE(fuse::parse_destination("6175551234", r.destination, problems));
    r.phone_number = "6175551234";
    r.options.max_attempts = 2;
    r.options.reattempt_wait = 60;
    r.options.end_timestamp = 1'700'000'500;
    for (int i = 0; i < 5; ++i) BOOST_REQUIRE(e.enqueue(i % 2 ? "a" : "b", r, 1'700'000'000, problems));
    for (std::int64_t t = 1'700'000'000; t < 1'700'000'600; t += 7) {
      actions.clear();
      BOOST_REQUIRE(e.advance(t, actions, problems));
      for (const auto& a : actions) {
        log += std::to_string(static_cast<int>(a.type)) + ":" + e.call_id(a.call) + "@" + std::to_string(a.timestamp) + " ";
        if (a.type == fuse::Action::Type::dial && a.call % 2) {
          fuse::Actions more;
          BOOST_REQUIRE(e.report(a.call, fuse::CallEvent::busy, t, more, problems));
        }
      }
    }
    return log + e.snapshot();
  };
  fuse::Engine used(fuse::EngineOptions{3, 30});
  script(used);
  used.reset(fuse::EngineOptions{2, 45});
  fuse::Engine fresh(fuse::EngineOptions{2, 45});
  BOOST_TEST(script(used) == script(fresh));
}

// A dial builds a plain number from the E.164 digits kept when it was queued, and parses a tel: URI
// (ani, postd) again: either way its destination is what parsing the number as given says, for
// numbers queued one by one, in batches (checked rows with and without their key) and restored.
BOOST_AUTO_TEST_CASE(dial_destinations_are_the_numbers_as_parsed) {
  const std::vector<std::string> numbers = {"6175551234",        "1 (617) 555-1235",   "+44 20 7946 0958",
                                            "+39 06 1234 5678",  "+61 2 9876 5432",    "+1.617.555.1236",
                                            "tel:+16175551237;ani=8009957586;postd=1w2", "011 44 20 7946 0959",
                                            "+353 1 234 5678",   "+880 1712 345678"};
  const auto expected_uri = [](const std::string& n) {
    Destination d;
    Problems p;
    BOOST_REQUIRE_MESSAGE(parse_destination(n, d, p), n);
    return d.uri();
  };
  for (int way = 0; way < 3; ++way) {
    Engine e(EngineOptions{static_cast<std::uint32_t>(numbers.size()), 45});
    Problems problems;
    std::vector<Destination> parsed(numbers.size());
    std::vector<EngineRow> rows;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      Problems ignored;
      BOOST_REQUIRE(parse_destination(numbers[i], parsed[i], ignored));
      if (way == 0) BOOST_REQUIRE(e.enqueue("a", request(numbers[i]), T0, problems));
      else rows.push_back({numbers[i], {}, true, way == 1 ? parsed[i].number.key() : 0});
    }
    CallRef first = 0;
    if (way > 0) BOOST_REQUIRE(e.enqueue_many("a", CallOptions{}, rows, T0, first, problems));
    Problems restore_problems;
    std::optional<Engine> restored = Engine::restore(e.snapshot(), restore_problems);
    BOOST_REQUIRE(restored.has_value());
    for (Engine* engine : {&e, &*restored}) {
      Actions actions;
      BOOST_REQUIRE(engine->advance(T0 + 1, actions, problems));
      BOOST_REQUIRE(actions.size() == numbers.size());
      for (std::size_t i = 0; i < actions.size(); ++i) {
        const DialInfo info = engine->dial_info(actions[i]);
        BOOST_TEST(info.destination.uri() == expected_uri(numbers[i]), numbers[i] << " (way " << way << ")");
        BOOST_TEST(info.destination.number.e164() == parsed[i].number.e164());
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
