// Every name list (problem codes, call statuses, call events, engine states) is written once, as an
// X-macro list; these check each generated table against its enum: one distinct, well-formed name
// per enumerator, and parsing a name gives its enumerator back.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

#include "engine_impl.hpp"
#include "fuse/payload.hpp"
#include "fuse/problem.hpp"

namespace {
bool snake_case(std::string_view name) {
  if (name.empty() || name.front() == '_' || name.back() == '_') return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(every_problem_code_has_one_distinct_snake_case_name) {
  std::set<std::string_view> seen;
  const auto count = static_cast<std::size_t>(fuse::Code::count_);
  BOOST_TEST(count == 44u);  // SPEC.md's codes
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view name = fuse::code_name(static_cast<fuse::Code>(i));
    BOOST_TEST(snake_case(name), name);
    BOOST_TEST(seen.insert(name).second, name);
  }
  BOOST_TEST(fuse::code_name(fuse::Code::missing_phone_number) == "missing_phone_number");
  BOOST_TEST(fuse::code_name(fuse::Code::invalid_preview) == "invalid_preview");
  BOOST_TEST(fuse::code_name(fuse::Code::count_) == "unknown");
}

BOOST_AUTO_TEST_CASE(statuses_and_events_round_trip_through_their_names) {
  BOOST_TEST(fuse::kCallStatusCount == 6u);
  for (std::size_t i = 0; i < fuse::kCallStatusCount; ++i) {
    const auto s = static_cast<fuse::CallStatus>(i);
    BOOST_TEST(snake_case(fuse::status_name(s)));
    BOOST_TEST((fuse::parse_status_name(fuse::status_name(s)) == s));
  }
  BOOST_TEST(fuse::kCallEventCount == 10u);
  for (std::size_t i = 0; i < fuse::kCallEventCount; ++i) {
    const auto e = static_cast<fuse::CallEvent>(i);
    BOOST_TEST(snake_case(fuse::event_name(e)));
    BOOST_TEST((fuse::parse_event_name(fuse::event_name(e)) == e));
  }
  BOOST_TEST(fuse::status_name(fuse::CallStatus::canceled) == "canceled");
  BOOST_TEST(fuse::event_name(fuse::CallEvent::informationtone) == "informationtone");
  BOOST_TEST(!fuse::parse_event_name("Busy").has_value());
}

BOOST_AUTO_TEST_CASE(engine_states_have_one_distinct_name_each) {
  using fuse::engine_detail::kStateNames;
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < fuse::engine_detail::kStateCount; ++i) {
    BOOST_TEST(snake_case(kStateNames[i]));
    BOOST_TEST(seen.insert(kStateNames[i]).second);
  }
  BOOST_TEST(kStateNames[static_cast<int>(fuse::engine_detail::State::pending)] == "pending");
  BOOST_TEST(kStateNames[static_cast<int>(fuse::engine_detail::State::canceled)] == "canceled");
}

BOOST_AUTO_TEST_SUITE_END()
