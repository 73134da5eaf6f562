// The dial-time policy (SPEC 14) through fuse/engine.hpp: calling hours in the recipient's zones
// (daylight-saving edges, split area codes, several zones), pacing, suppression and weights, and
// snapshots that carry them.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine_test_support.hpp"
#include "fuse/engine.hpp"
#include "fuse/queue_request.hpp"

using namespace fuse;

namespace {

constexpr std::int64_t kMar7 = 1772841600;  // 2026-03-07T00:00:00Z (Saturday; US DST starts on the 8th)
constexpr std::int64_t kMar8 = kMar7 + 86400;
constexpr std::int64_t kMar9 = kMar8 + 86400;
constexpr std::int64_t kOct31 = 1793404800;  // 2026-10-31T00:00:00Z (US DST ends on 1 November)
constexpr std::int64_t kNov1 = kOct31 + 86400;
constexpr std::int64_t kHour = 3600;

CallingHours hours(std::string_view spec) {
  CallingHours h;
  Problems problems;
  BOOST_REQUIRE_MESSAGE(read_calling_hours(spec, "calling_hours", h, problems),
                        (problems.empty() ? std::string("?") : problems.front().message));
  return h;
}

struct Policy {
  Engine engine;
  explicit Policy(std::uint32_t capacity, std::uint32_t dial_rate_milli = 0)
      : engine(EngineOptions{capacity, 45, dial_rate_milli}) {}

  std::string enqueue(std::string_view deployment, std::string number, std::int64_t now, CallOptions o = {}) {
    QueueRequest r;
    r.phone_number = std::move(number);
    r.options = std::move(o);
    Problems problems;
    const auto ref = engine.enqueue(deployment, r, now, problems);
    BOOST_REQUIRE_MESSAGE(ref, (problems.empty() ? std::string("?") : problems.front().message));
    return engine.call_id(*ref);
  }
  Actions advance(std::int64_t now) {
    Actions actions;
    Problems problems;
    BOOST_REQUIRE(engine.advance(now, actions, problems));
    return actions;
  }
  void report(CallRef call, CallEvent event, std::int64_t now, Actions& actions) {
    Problems problems;
    BOOST_REQUIRE_MESSAGE(engine.report(call, event, now, actions, problems),
                          (problems.empty() ? std::string("?") : problems.front().message));
  }
  void policy(std::string_view deployment, const DeploymentPolicy& p) {
    Problems problems;
    BOOST_REQUIRE(engine.set_deployment_policy(deployment, p, problems));
  }
  // Runs advance at every wakeup up to `until`; returns the first dial's time (-1: none).
  std::int64_t first_dial(std::int64_t until) {
    while (const auto t = engine.next_wakeup()) {
      if (*t > until) break;
      for (const Action& a : advance(*t))
        if (a.type == Action::Type::dial) return a.timestamp;
    }
    return -1;
  }
};

CallOptions with_hours(std::string_view spec, std::optional<std::int64_t> end = {}) {
  CallOptions o;
  o.calling_hours = hours(spec);
  o.end_timestamp = end;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_policy)

BOOST_AUTO_TEST_CASE(calling_hours_read_every_form_and_refuse_bad_ones) {
  const CallingHours tcpa = hours("tcpa");
  BOOST_TEST(calling_hours_text(tcpa) == "08:00-21:00");
  BOOST_TEST((hours("08:00-21:00") == tcpa));
  const CallingHours week = hours("mon-fri 08:00-21:00; sat 09:00-17:00");
  BOOST_TEST(calling_hours_text(week) == "mon-fri 08:00-21:00; sat 09:00-17:00");
  BOOST_TEST((hours(R"({"mon-fri": "08:00-21:00", "sat": "09:00-17:00"})") == week));
  BOOST_TEST((hours(calling_hours_text(week)) == week));
  BOOST_TEST(calling_hours_text(hours("sat-sun 10:00-12:00,13:00-24:00")) == "sat-sun 10:00-12:00,13:00-24:00");
  BOOST_TEST((week.inside(1, 8 * 60) && !week.inside(1, 21 * 60) && !week.inside(0, 12 * 60)));
  for (const char* bad : {"", "8-21", "21:00-08:00", "08:00-25:00", "mon 08:00", "fun 08:00-09:00", "{}",
                          R"({"mon": 9})", "mon 08:00-10:00; mon 11:00-12:00", "08:00-12:00,11:00-13:00",
                          "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00"}) {
    CallingHours h;
    Problems problems;
    BOOST_TEST(!read_calling_hours(bad, "calling_hours", h, problems), bad);
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_TEST((problems.front().code == Code::invalid_calling_hours));
    BOOST_TEST(problems.front().field == "calling_hours");
  }
}

BOOST_AUTO_TEST_CASE(a_call_queued_at_0759_local_dials_at_0800_exactly) {
  Policy p(1);
  const std::int64_t at_0759 = kMar9 + 11 * kHour + 59 * 60;  // 07:59 EDT in New York
  p.enqueue("A", "2125551234", at_0759, with_hours("tcpa"));
  BOOST_TEST(p.advance(at_0759).empty());
  BOOST_TEST(p.engine.next_wakeup().value_or(-1) == kMar9 + 12 * kHour);  // a timer, not polling
  BOOST_TEST(p.advance(kMar9 + 12 * kHour - 1).empty());
  const Actions dialed = p.advance(kMar9 + 12 * kHour);
  BOOST_REQUIRE_EQUAL(dialed.size(), 1u);
  BOOST_TEST((dialed.front().type == Action::Type::dial));
  BOOST_TEST(p.engine.stats().counts.dialing == 1u);
}

BOOST_AUTO_TEST_CASE(daylight_saving_edges_in_us_zones) {
  // 08:00 local on the days around both 2026 transitions, as UTC hours after midnight UTC.
  struct Case {
    const char* number;
    std::int64_t day;
    std::int64_t open_utc_hour;
  };
  const Case cases[] = {
      {"2125551234", kMar7, 13}, {"2125551234", kMar8, 12}, {"2125551234", kOct31, 12}, {"2125551234", kNov1, 13},  // New York
      {"3125551234", kMar7, 14}, {"3125551234", kMar8, 13}, {"3125551234", kOct31, 13}, {"3125551234", kNov1, 14},  // Chicago
      {"3035551234", kMar7, 15}, {"3035551234", kMar8, 14}, {"3035551234", kOct31, 14}, {"3035551234", kNov1, 15},  // Denver
      {"6025551234", kMar7, 15}, {"6025551234", kMar8, 15}, {"6025551234", kOct31, 15}, {"6025551234", kNov1, 15},  // Phoenix
      {"8085551234", kMar7, 18}, {"8085551234", kMar8, 18}, {"8085551234", kOct31, 18}, {"8085551234", kNov1, 18},  // Honolulu
  };
  for (const Case& c : cases) {
    Policy p(1);
    // Queued five hours before the opening: 03:00 local, outside the hours.
    p.enqueue("A", c.number, c.day + (c.open_utc_hour - 5) * kHour, with_hours("tcpa"));
    BOOST_TEST(p.first_dial(c.day + 2 * 86400) == c.day + c.open_utc_hour * kHour, c.number << " day " << c.day);
  }
  // The close moves too: 21:00 EST on 1 November is 02:00Z the next day; queued at 01:30Z it dials at once.
  Policy late(1);
  late.enqueue("A", "2125551234", kNov1 + 86400 + 1 * kHour + 30 * 60, with_hours("tcpa"));
  BOOST_TEST(late.first_dial(kNov1 + 3 * 86400) == kNov1 + 86400 + 1 * kHour + 30 * 60);
  // ... while on 31 October (EDT) 21:00 is 01:00Z: queued at 01:30Z it waits for 08:00 EDT (12:00Z).
  Policy after(1);
  after.enqueue("A", "2125551234", kOct31 + 86400 + 1 * kHour + 30 * 60 - 86400, with_hours("tcpa"));
  BOOST_TEST(after.first_dial(kNov1 + 3 * 86400) == kOct31 + 12 * kHour);
}

BOOST_AUTO_TEST_CASE(a_split_area_code_dials_only_inside_the_hours_in_every_zone) {
  // 208-320: America/Boise and America/Los_Angeles (Mountain and Pacific): 08:00 Pacific is the
  // opening (16:00Z in winter), 21:00 Mountain the close (04:00Z).
  const auto zones = zones_for_key(12083201234);
  BOOST_REQUIRE_EQUAL(zones.size(), 2u);
  Policy p(1);
  p.enqueue("A", "2083201234", kNov1 + 86400 + 15 * kHour + 30 * 60, with_hours("tcpa"));  // 08:30 Boise, 07:30 LA
  BOOST_TEST(p.first_dial(kNov1 + 3 * 86400) == kNov1 + 86400 + 16 * kHour);
  Policy closing(1);
  closing.enqueue("A", "2083201234", kNov1 + 86400 + 4 * kHour, with_hours("tcpa"));  // 21:00 Boise, 20:00 LA
  BOOST_TEST(closing.first_dial(kNov1 + 3 * 86400) == kNov1 + 86400 + 16 * kHour);
  // 850-200 is Central (America/Chicago) inside the Eastern 850.
  BOOST_TEST(zones_for_key(18502001234).size() == 1u);
  BOOST_TEST(tz::zone_name(zones_for_key(18502001234).front()) == "America/Chicago");
  BOOST_TEST(tz::zone_name(zones_for_key(18505551234).front()) == "America/New_York");
}

BOOST_AUTO_TEST_CASE(non_nanp_numbers_use_their_country_zones_and_a_timezone_overrides) {
  // +61 8 5100: Australia/Adelaide and Australia/Perth. In December (Adelaide +10:30, Perth +8) the
  // shared hours are 08:00 Perth (00:00Z) to 21:00 Adelaide (10:30Z).
  const std::int64_t dec1 = 1796083200;  // 2026-12-01T00:00:00Z
  BOOST_REQUIRE_EQUAL(zones_for_key(61851009999).size(), 2u);
  Policy p(1);
  p.enqueue("A", "+61851009999", dec1 + 10 * kHour + 45 * 60, with_hours("tcpa"));
  BOOST_TEST(p.first_dial(dec1 + 3 * 86400) == dec1 + 86400);
  // +44: London (and the Crown dependencies, same offsets): 08:00 GMT on 2 November.
  Policy uk(1);
  uk.enqueue("A", "+442071234567", kNov1 + 86400 + 2 * kHour, with_hours("tcpa"));
  BOOST_TEST(uk.first_dial(kNov1 + 3 * 86400) == kNov1 + 86400 + 8 * kHour);
  // A per-call timezone wins over the number's zones.
  Policy own(1);
  CallOptions o = with_hours("tcpa");
  tz::ZoneId honolulu = 0;
  Problems problems;
  BOOST_REQUIRE(read_time_zone("Pacific/Honolulu", "timezone", honolulu, problems));
  o.timezone = honolulu;
  own.enqueue("A", "2125551234", kNov1 + 86400 + 13 * kHour, o);
  BOOST_TEST(own.first_dial(kNov1 + 3 * 86400) == kNov1 + 86400 + 18 * kHour);
  BOOST_TEST(!read_time_zone("America/Nowhere", "timezone", honolulu, problems));
  BOOST_TEST((problems.back().code == Code::invalid_timezone));
}

BOOST_AUTO_TEST_CASE(a_window_that_ends_before_the_hours_open_is_canceled_at_its_end) {
  Policy p(1);
  const std::int64_t queued = kMar9 + 9 * kHour;  // 05:00 EDT
  const std::int64_t end = kMar9 + 11 * kHour;    // 07:00 EDT
  p.enqueue("A", "2125551234", queued, with_hours("tcpa", end));
  BOOST_TEST(p.advance(queued).empty());
  BOOST_TEST(p.engine.next_wakeup().value_or(-1) == end);
  const Actions at_end = p.advance(end);
  BOOST_REQUIRE_EQUAL(at_end.size(), 1u);
  BOOST_TEST((at_end.front().type == Action::Type::result && at_end.front().status == CallStatus::canceled));
  // The preflight says so before the call is queued.
  Problems problems;
  QueueRequest r;
  ValidationOptions v;
  v.now = queued;
  BOOST_REQUIRE(validate_queue_request(R"({"phone_number":"2125551234","calling_hours":"tcpa","end_timestamp":)" +
                                           std::to_string(end) + "}",
                                       v, r, problems));
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST((problems.front().code == Code::outside_calling_hours && problems.front().severity == Severity::warning));
  BOOST_TEST(problems.front().message.find("America/New_York") != std::string::npos);
  problems.clear();
  BOOST_REQUIRE(validate_queue_request(R"({"phone_number":"2125551234","calling_hours":"tcpa","end_timestamp":)" +
                                           std::to_string(end + 3660) + "}",
                                       v, r, problems));
  BOOST_TEST(problems.empty());
}

BOOST_AUTO_TEST_CASE(deployment_hours_apply_and_a_change_rejudges_held_calls) {
  Policy p(2);
  DeploymentPolicy night;
  night.calling_hours = hours("20:00-22:00");
  p.policy("A", night);
  const std::int64_t noon = kMar9 + 16 * kHour;  // 12:00 EDT
  p.enqueue("A", "2125551234", noon);
  BOOST_TEST(p.advance(noon).empty());
  BOOST_TEST(p.engine.next_wakeup().value_or(-1) == kMar9 + 24 * kHour);  // 20:00 EDT
  DeploymentPolicy day = night;
  day.calling_hours = hours("tcpa");
  p.policy("A", day);  // now inside: ready at the engine's time, dialed by the next advance
  const Actions dialed = p.advance(noon + 1);
  BOOST_REQUIRE_EQUAL(dialed.size(), 1u);
  BOOST_TEST(dialed.front().timestamp == noon + 1);
  // A call's own hours win over its deployment's.
  p.enqueue("A", "2125551235", noon + 1, with_hours("20:00-22:00"));
  BOOST_TEST(p.advance(noon + 2).empty());
}

BOOST_AUTO_TEST_CASE(the_dial_rate_is_never_exceeded_over_randomized_scripts) {
  std::mt19937_64 rng(7);
  for (const std::uint32_t milli : {500u, 1000u, 2500u, 3000u, 333u, 7000u}) {
    for (int script = 0; script < 20; ++script) {
      Policy p(1000, milli);
      std::map<std::int64_t, std::uint32_t> dials;  // per second
      std::vector<CallRef> dialing;
      std::int64_t t = kMar9;
      std::uint64_t queued = 0;
      for (int step = 0; step < 120; ++step) {
        const int arrivals = static_cast<int>(rng() % 6) == 0 ? static_cast<int>(rng() % 30) : static_cast<int>(rng() % 2);
        for (int i = 0; i < arrivals; ++i) p.enqueue("D" + std::to_string(rng() % 3), "617555" + std::to_string(1000 + queued++ % 9000), t);
        Actions actions = p.advance(t);
        // Some dialing calls end at once (their lines free up; pacing is about dials, not lines).
        for (std::size_t i = 0; i < dialing.size();) {
          if (rng() % 2) {
            p.report(dialing[i], CallEvent::busy, t, actions);
            dialing.erase(dialing.begin() + static_cast<std::ptrdiff_t>(i));
          } else {
            ++i;
          }
        }
        for (const Action& a : actions)
          if (a.type == Action::Type::dial) {
            ++dials[a.timestamp];
            dialing.push_back(a.call);
          }
        t += 1 + static_cast<std::int64_t>(rng() % 3 == 0 ? rng() % 4 : 0);
      }
      // At most ceil(rate x S) dials in any S consecutive seconds.
      const std::int64_t first = kMar9, last = t;
      for (std::int64_t span = 1; span <= 12; ++span) {
        const std::uint64_t limit = (std::uint64_t{milli} * span + 999) / 1000;
        for (std::int64_t a = first; a + span <= last; ++a) {
          std::uint64_t n = 0;
          for (auto it = dials.lower_bound(a); it != dials.end() && it->first < a + span; ++it) n += it->second;
          BOOST_TEST_REQUIRE(n <= limit, "rate " << milli << " span " << span << " at " << a - first);
        }
      }
    }
  }
  // While calls wait for it, the rate is met exactly on average.
  Policy backlog(1000, 2500);
  for (int i = 0; i < 400; ++i) backlog.enqueue("A", "617555" + std::to_string(1000 + i), kMar9);
  std::uint64_t dialed = 0;
  for (std::int64_t s = 0; s < 100; ++s)
    for (const Action& a : backlog.advance(kMar9 + s)) dialed += a.type == Action::Type::dial;
  BOOST_TEST(dialed == 250u);
  BOOST_TEST(backlog.engine.next_wakeup().value_or(-1) == kMar9 + 100);
}

BOOST_AUTO_TEST_CASE(suppressed_numbers_are_never_dialed) {
  std::mt19937_64 rng(11);
  Policy p(5);
  std::vector<std::string> numbers;
  for (int i = 0; i < 40; ++i) numbers.push_back("617555" + std::to_string(2000 + i));
  std::set<std::string> suppressed;
  Problems problems;
  bool changed = false;
  for (int i = 0; i < 40; i += 3) {
    // Any accepted form: the E.164 form is what counts.
    BOOST_REQUIRE(p.engine.suppress("", i % 2 ? "+1" + numbers[i] : "tel:+1" + numbers[i], changed, problems));
    BOOST_TEST(changed);
    suppressed.insert(numbers[i]);
  }
  BOOST_REQUIRE(p.engine.suppress("", numbers[0], changed, problems));
  BOOST_TEST(!changed);
  BOOST_TEST(!p.engine.suppress("", "not a number", changed, problems));
  BOOST_TEST((problems.back().code == Code::invalid_phone_number));
  for (int i = 0; i < 200; ++i) p.enqueue("A", numbers[rng() % numbers.size()], kMar9);
  std::int64_t t = kMar9;
  std::uint64_t canceled = 0;
  std::vector<CallRef> connected;
  while (p.engine.stats().counts.in_flight() + p.engine.stats().counts.queued > 0) {
    Actions actions = p.advance(t);
    for (const CallRef c : connected) p.report(c, CallEvent::disconnected, t, actions);
    connected.clear();
    for (const Action& a : actions) {
      if (a.type == Action::Type::dial) {
        const std::string n(p.engine.dial_info(a).phone_number);
        BOOST_TEST_REQUIRE(!suppressed.count(n), n);
        Actions more;
        p.report(a.call, CallEvent::connected, t, more);
        connected.push_back(a.call);
      } else if (a.type == Action::Type::result && a.status == CallStatus::canceled) {
        ++canceled;
        BOOST_TEST(p.engine.call_details(a.call).find(R"("event":"suppressed")") != std::string::npos);
      }
    }
    t += 2;
  }
  BOOST_TEST(canceled > 0u);
  BOOST_TEST(p.engine.stats().counts.completed + canceled == 200u);
  BOOST_REQUIRE(p.engine.unsuppress("", numbers[0], changed, problems));
  BOOST_TEST(changed);
  bool is = true;
  BOOST_REQUIRE(p.engine.is_suppressed("", "(617) 555-2000", is, problems));
  BOOST_TEST(!is);
}

BOOST_AUTO_TEST_CASE(a_named_list_applies_to_the_deployments_that_name_it) {
  Policy p(2);
  DeploymentPolicy acme;
  acme.suppression_list = "acme";
  p.policy("A", acme);
  Problems problems;
  bool changed = false;
  BOOST_REQUIRE(p.engine.suppress("acme", "6175552000", changed, problems));
  p.enqueue("A", "6175552000", kMar9);
  p.enqueue("B", "6175552000", kMar9);
  std::vector<std::string> dialed;
  for (const Action& a : p.advance(kMar9))
    if (a.type == Action::Type::dial) dialed.emplace_back(p.engine.deployment_of(a.call));
  BOOST_TEST(dialed == std::vector<std::string>{"B"});
  BOOST_TEST(p.engine.stats().counts.canceled == 1u);
}

BOOST_AUTO_TEST_CASE(weighted_shares_are_within_one_line_of_weighted_max_min) {
  // Exact weighted max-min: repeatedly give each unsatisfied deployment capacity x w / sum(w),
  // capped at its demand, until the lines run out.
  const auto exact = [](std::vector<double> demand, std::vector<double> weight, double capacity) {
    std::vector<double> share(demand.size(), 0);
    std::vector<bool> done(demand.size(), false);
    for (int round = 0; round < 10 && capacity > 1e-9; ++round) {
      double wsum = 0;
      for (std::size_t i = 0; i < demand.size(); ++i) wsum += done[i] ? 0 : weight[i];
      if (wsum == 0) break;
      double used = 0;
      for (std::size_t i = 0; i < demand.size(); ++i) {
        if (done[i]) continue;
        const double give = std::min(capacity * weight[i] / wsum, demand[i] - share[i]);
        share[i] += give;
        used += give;
        if (share[i] >= demand[i] - 1e-9) done[i] = true;
      }
      capacity -= used;
    }
    return share;
  };
  std::mt19937_64 rng(3);
  int off_by_more = 0;
  double worst = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    const std::size_t n = 2 + rng() % 4;
    const std::uint32_t capacity = 1 + static_cast<std::uint32_t>(rng() % 40);
    Policy p(capacity);
    std::vector<double> demand, weight;
    for (std::size_t d = 0; d < n; ++d) {
      DeploymentPolicy w;
      w.weight = 1 + static_cast<std::uint32_t>(rng() % 5);
      const std::string name = "D" + std::to_string(d);
      p.policy(name, w);
      const std::size_t calls = rng() % 3 == 0 ? rng() % 5 : 50;
      for (std::size_t i = 0; i < calls; ++i) p.enqueue(name, "617555" + std::to_string(1000 + i), kMar9);
      demand.push_back(static_cast<double>(calls));
      weight.push_back(w.weight);
    }
    p.advance(kMar9);  // calls ring until their timeout: the lines stay as first shared
    const auto want = exact(demand, weight, capacity);
    const auto stats = p.engine.deployment_stats();
    double off = 0;
    for (std::size_t d = 0; d < n; ++d) off = std::max(off, std::abs(static_cast<double>(stats[d].counts.in_flight()) - want[d]));
    worst = std::max(worst, off);
    off_by_more += off > 1.0 + 1e-9;
  }
  // A divisor rule cannot always stay within one line of the exact shares (Balinski and Young);
  // Webster's comes closest: over 20,000 random allocations 0.1% were off by more, by at most 1.19
  // lines (in-flight / weight alone: 6%, up to 2.3 lines).
  BOOST_TEST(off_by_more <= 5, off_by_more << " of 1000 allocations off by more than one line");
  BOOST_TEST(worst < 1.25, "worst " << worst);
  // Equal weights are today's rule: the fairness order of SPEC 5 is unchanged (engine tests).
}

BOOST_AUTO_TEST_CASE(snapshots_carry_the_policy_and_restore_behaves_identically) {
  std::mt19937_64 rng(5);
  Policy p(3, 1500);
  DeploymentPolicy a;
  a.weight = 3;
  a.calling_hours = hours("mon-fri 08:00-21:00; sat 09:00-17:00");
  a.suppression_list = "acme";
  p.policy("A", a);
  Problems problems;
  bool changed = false;
  BOOST_REQUIRE(p.engine.suppress("acme", "6175552003", changed, problems));
  BOOST_REQUIRE(p.engine.suppress("", "6175552007", changed, problems));
  const std::int64_t start = kMar7 + 10 * kHour;  // Saturday 05:00 EST
  for (int i = 0; i < 30; ++i) {
    CallOptions o;
    if (i % 4 == 0) o.calling_hours = hours("12:00-13:00");
    if (i % 5 == 0) {
      tz::ZoneId z = 0;
      BOOST_REQUIRE(read_time_zone("America/Phoenix", "timezone", z, problems));
      o.timezone = z;
    }
    p.enqueue(i % 3 ? "A" : "B", "617555" + std::to_string(2000 + i % 10), start, o);
  }
  const auto run = [&rng](Engine& e, std::int64_t from, int steps, std::uint64_t seed) {
    std::mt19937_64 r(seed);
    std::string log;
    std::int64_t t = from;
    for (int s = 0; s < steps; ++s) {
      Actions actions;
      Problems problems;
      if (!e.advance(t, actions, problems)) return log + "refused";
      for (const Action& x : actions) {
        log += std::to_string(static_cast<int>(x.type)) + ":" + e.call_id(x.call) + "@" + std::to_string(x.timestamp) + " ";
        if (x.type == Action::Type::dial && r() % 2) {
          Actions more;
          if (e.report(x.call, CallEvent::busy, t, more, problems))
            for (const Action& y : more) log += "r" + e.call_id(y.call) + " ";
        }
      }
      t += 1 + static_cast<std::int64_t>(r() % 900);
    }
    (void)rng;
    return log;
  };
  run(p.engine, start, 20, 1);
  const std::string snap = p.engine.snapshot();
  BOOST_TEST(snap.find(R"("version":3)") != std::string::npos);
  BOOST_TEST(snap.find("mon-fri 08:00-21:00; sat 09:00-17:00") != std::string::npos);
  BOOST_TEST(snap.find("America/Phoenix") != std::string::npos);
  auto restored = Engine::restore(snap, problems);
  BOOST_REQUIRE_MESSAGE(restored, (problems.empty() ? std::string("?") : problems.back().message));
  BOOST_TEST(restored->snapshot() == snap);
  const std::int64_t now = *p.engine.now();
  BOOST_TEST(run(*restored, now, 200, 9) == run(p.engine, now, 200, 9));
  BOOST_TEST(restored->snapshot() == p.engine.snapshot());
  // compact() goes through the same snapshot and keeps behaviour too.
  p.engine.compact();
  BOOST_TEST(p.engine.deployment_policy("A").weight == 3u);
  bool is = false;
  BOOST_REQUIRE(p.engine.is_suppressed("acme", "6175552003", is, problems));
  BOOST_TEST(is);
}

BOOST_AUTO_TEST_CASE(a_call_released_by_its_hours_keeps_its_place_in_a_restored_queue) {
  // One line. X (queued 06:00 EST with hours from 07:30) is held; Z takes the line; Y (queued 07:00)
  // waits for it; at 07:30 X is released behind Y. When Z hangs up Y dials, in a restored engine too.
  Policy p(1);
  const std::int64_t six = kMar7 + 11 * kHour;  // 06:00 EST
  p.enqueue("A", "2125550001", six, with_hours("07:30-21:00"));  // X
  BOOST_TEST(p.advance(six).empty());
  p.enqueue("A", "2125550000", six + 60);  // Z
  CallRef z_ref = 0;
  for (const Action& a : p.advance(six + 60))
    if (a.type == Action::Type::dial) z_ref = a.call;
  Actions ignored;
  p.report(z_ref, CallEvent::connected, six + 70, ignored);
  p.enqueue("A", "2125550002", six + kHour);  // Y
  p.advance(six + 90 * 60);                   // 07:30: X is released
  Problems problems;
  auto restored = Engine::restore(p.engine.snapshot(), problems);
  BOOST_REQUIRE_MESSAGE(restored, (problems.empty() ? std::string("?") : problems.back().message));
  BOOST_TEST(restored->snapshot() == p.engine.snapshot());
  Actions a, b;
  BOOST_REQUIRE(p.engine.report(z_ref, CallEvent::disconnected, six + 2 * kHour, a, problems));
  BOOST_REQUIRE(restored->report(z_ref, CallEvent::disconnected, six + 2 * kHour, b, problems));
  std::string first, again;
  for (const Action& x : a)
    if (x.type == Action::Type::dial) first = p.engine.call_id(x.call);
  for (const Action& x : b)
    if (x.type == Action::Type::dial) again = restored->call_id(x.call);
  BOOST_TEST(first == "3");  // Y
  BOOST_TEST(again == first);
}

BOOST_AUTO_TEST_SUITE_END()
