// The simulated carrier (SPEC 11) through fuse/sim_carrier.hpp: the 555-01XY script and the seeded model.
#include <boost/test/unit_test.hpp>

#include <string>

#include "fuse/sim_carrier.hpp"

using namespace fuse;

BOOST_AUTO_TEST_SUITE(sim_carrier)

BOOST_AUTO_TEST_CASE(scripted_numbers_follow_spec_11) {
  const SimCarrier c(SimCarrierOptions{});
  for (int x = 0; x <= 9; ++x) {
    for (int y = 0; y <= 9; ++y) {
      const std::string e164 = "+1617555" + std::string("01") + char('0' + x) + char('0' + y);
      const SimAttempt a = c.attempt(e164, 7, 1);
      if (x <= 4) {
        BOOST_TEST((a.outcome == SimOutcome::connected));
        BOOST_TEST(a.ring == 5u);
        BOOST_TEST(a.talk == 10u * (y + 1));
      } else if (x <= 6) {
        BOOST_TEST((a.outcome == SimOutcome::busy));
        BOOST_TEST(a.ring == 5u);
      } else if (x <= 8) {
        BOOST_TEST((a.outcome == SimOutcome::noanswer));
      } else {
        BOOST_TEST((a.outcome == SimOutcome::informationtone));
        BOOST_TEST(a.ring == 2u);
      }
    }
  }
  // A ring timeout shorter than the script's ring: the engine's timer wins.
  SimCarrierOptions quick;
  quick.ring_timeout = 3;
  BOOST_TEST((SimCarrier(quick).attempt("+16175550100", 1, 1).outcome == SimOutcome::noanswer));
  BOOST_TEST((SimCarrier(quick).attempt("+16175550190", 1, 1).outcome == SimOutcome::informationtone));
}

BOOST_AUTO_TEST_CASE(other_numbers_are_seeded_draws) {
  SimCarrierOptions o;
  const SimCarrier a(o), b(o);
  o.seed = 2;
  const SimCarrier other(o);
  int differ = 0, counts[4] = {};
  for (std::uint64_t call = 1; call <= 2000; ++call) {
    const SimAttempt x = a.attempt("+16175551234", call, 1), y = b.attempt("+16175551234", call, 1);
    BOOST_TEST_REQUIRE((x.outcome == y.outcome && x.ring == y.ring && x.talk == y.talk));
    const SimAttempt d = a.draw(0, call, 1);
    BOOST_TEST_REQUIRE((d.outcome == x.outcome && d.ring == x.ring));
    const SimAttempt z = other.attempt("+16175551234", call, 1);
    differ += z.outcome != x.outcome || z.ring != x.ring;
    ++counts[static_cast<int>(x.outcome)];
    BOOST_TEST_REQUIRE(x.ring >= 5u);
    BOOST_TEST_REQUIRE(x.ring <= 25u);
    if (x.outcome == SimOutcome::connected) BOOST_TEST_REQUIRE((x.talk >= 30u && x.talk <= 90u));
  }
  BOOST_TEST(differ > 1000);
  // The default rates 0.70 / 0.10 / 0.15 / 0.05, within sampling noise.
  BOOST_TEST(counts[0] > 1250);
  BOOST_TEST(counts[0] < 1550);
  BOOST_TEST(counts[1] > 120);
  BOOST_TEST(counts[3] > 40);
}

BOOST_AUTO_TEST_CASE(options_are_read_with_every_problem_named) {
  SimCarrierOptions o;
  Problems p;
  BOOST_TEST(read_sim_carrier_options(R"({"seed":5,"rates":{"busy":1},"ringTime":{"mean":3}})", o, p));
  BOOST_TEST(o.seed == 5u);
  BOOST_TEST(o.rates.connected == 0.0);
  BOOST_TEST((SimCarrier(o).attempt("+16175551234", 9, 1).outcome == SimOutcome::busy));
  p.clear();
  BOOST_TEST(!read_sim_carrier_options(R"({"seed":-1,"rates":{"busy":-2},"colour":1})", o, p));
  std::string fields;
  for (const auto& q : p) fields += q.field + " ";
  BOOST_TEST(fields.find("seed") != std::string::npos);
  BOOST_TEST(fields.find("rates.busy") != std::string::npos);
  BOOST_TEST(fields.find("colour") != std::string::npos);
  p.clear();
  BOOST_TEST(!read_sim_carrier_options("[1]", o, p));
  BOOST_TEST(p.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
