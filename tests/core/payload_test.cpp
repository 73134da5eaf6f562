// The result payload (`call_details`, SPEC 5) through fuse/payload.hpp.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "fuse/payload.hpp"
#include "engine_test_support.hpp"
#include "fuse/bridge_engine.hpp"
#include "test_support.hpp"

using namespace fuse;
using fuse::test::codes;
using fuse::test::mentions;

namespace {

// The platform doc's sample callback, as JSON.stringify writes it (compact, keys in the doc's order).
constexpr const char* kDocSample =
    R"({"max_attempts":"1","attempts":"1","events":[{"event":"queued","timestamp":1475095892},)"
    R"({"event":"dialing","timestamp":1475095893},{"event":"connected","timestamp":1475095925},)"
    R"({"event":"disconnected","timestamp":1475095928}],"phone_number":"'6173720293'","status":"completed",)"
    R"("queued_timestamp":"1475095892","start_timestamp":"1475095925","end_timestamp":"1475095928",)"
    R"("reattempt_wait":"300","duration":3})";

std::string build(std::string_view json, Problems* problems_out = nullptr) {
  std::string out;
  Problems problems;
  const bool ok = build_result_payload(json, out, problems);
  if (problems_out) *problems_out = problems;
  BOOST_TEST(ok == problems.empty());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payload)

BOOST_AUTO_TEST_CASE(reproduces_the_doc_sample_from_its_timestamps) {
  const EventRecord events[] = {{CallEvent::queued, 1475095892},
                                {CallEvent::dialing, 1475095893},
                                {CallEvent::connected, 1475095925},
                                {CallEvent::disconnected, 1475095928}};
  CallDetails call;
  call.phone_number = "6173720293";
  call.max_attempts = 1;
  call.reattempt_wait = 300;
  call.events = events;
  call.status = CallStatus::completed;
  BOOST_TEST(call_details_json(call) == kDocSample);

  BOOST_TEST(build(R"({"phone_number":"6173720293","max_attempts":1,"reattempt_wait":300,"events":[)"
                   R"({"event":"queued","timestamp":1475095892},{"event":"dialing","timestamp":1475095893},)"
                   R"({"event":"connected","timestamp":1475095925},{"event":"disconnected","timestamp":1475095928}]})") ==
             kDocSample);
}

BOOST_AUTO_TEST_CASE(call_id_and_metadata_come_last_and_only_when_set) {
  const EventRecord events[] = {{CallEvent::queued, 100}};
  CallDetails call;
  call.phone_number = "  tel:+16175551234;ani=8009957586 ";
  call.events = events;
  const std::string bare = call_details_json(call);
  BOOST_TEST(bare ==
             R"({"max_attempts":"1","attempts":"0","events":[{"event":"queued","timestamp":100}],)"
             R"("phone_number":"'tel:+16175551234;ani=8009957586'","status":"queued","queued_timestamp":"100",)"
             R"("start_timestamp":"","end_timestamp":"","reattempt_wait":"0","duration":0})");
  call.call_id = "42";
  call.metadata_json = R"({"name":"John Doe","n":1})";
  BOOST_TEST(call_details_json(call) ==
             bare.substr(0, bare.size() - 1) + R"(,"call_id":"42","metadata":{"name":"John Doe","n":1}})");
}

BOOST_AUTO_TEST_CASE(attempts_count_dialing_events_and_duration_is_connected_time) {
  const EventRecord events[] = {{CallEvent::queued, 10},   {CallEvent::dialing, 11},   {CallEvent::busy, 12},
                                {CallEvent::dialing, 80},  {CallEvent::noanswer, 125}, {CallEvent::dialing, 200},
                                {CallEvent::connected, 210}, {CallEvent::disconnected, 275}};
  CallDetails call;
  call.phone_number = "6175551234";
  call.max_attempts = 3;
  call.reattempt_wait = 60;
  call.events = events;
  call.status = derive_status(events, 3);
  const std::string out = call_details_json(call);
  BOOST_TEST(out.find(R"("max_attempts":"3","attempts":"3")") != std::string::npos);
  BOOST_TEST(out.find(R"("status":"completed")") != std::string::npos);
  BOOST_TEST(out.find(R"("start_timestamp":"210","end_timestamp":"275","reattempt_wait":"60","duration":65})") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(status_derived_from_events) {
  using E = CallEvent;
  const auto status = [](std::vector<EventRecord> ev, std::uint32_t max) { return derive_status(ev, max); };
  BOOST_TEST(status({{E::queued, 1}}, 1) == CallStatus::queued);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}}, 1) == CallStatus::dialing);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::connected, 3}}, 1) == CallStatus::connected);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::connected, 3}, {E::disconnected, 4}}, 1) ==
             CallStatus::completed);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::busy, 3}}, 1) == CallStatus::failed);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::busy, 3}}, 2) == CallStatus::queued);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::informationtone, 3}, {E::dialing, 70}, {E::noanswer, 115}}, 2) ==
             CallStatus::failed);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::rejected, 3, "503 Service Unavailable"}}, 1) ==
             CallStatus::failed);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::rejected, 3, "503 Service Unavailable"}}, 2) ==
             CallStatus::queued);
  BOOST_TEST(status({{E::queued, 1}, {E::canceled, 5}}, 1) == CallStatus::canceled);
  BOOST_TEST(status({{E::queued, 1}, {E::dialing, 2}, {E::busy, 3}, {E::canceled, 3}}, 3) == CallStatus::canceled);
}

BOOST_AUTO_TEST_CASE(builder_accepts_strings_for_numbers_and_keeps_metadata_order) {
  const std::string out = build(
      R"({"phone_number":" 6175551234 ","max_attempts":"2","reattempt_wait":"60","status":"canceled","call_id":7,)"
      R"("events":[{"event":"queued","timestamp":"5"},{"event":"canceled","timestamp":9.0}],)"
      R"("metadata":{"zeta":"z","alpha":[1,2.5,true,null],"name":"J\u00f6rg \"JD\""}})");
  BOOST_TEST(out ==
             R"({"max_attempts":"2","attempts":"0","events":[{"event":"queued","timestamp":5},)"
             R"({"event":"canceled","timestamp":9}],"phone_number":"'6175551234'","status":"canceled",)"
             R"("queued_timestamp":"5","start_timestamp":"","end_timestamp":"","reattempt_wait":"60","duration":0,)"
             R"("call_id":"7","metadata":{"zeta":"z","alpha":[1,2.5,true,null],"name":"Jörg \"JD\""}})");
  // Metadata given as its JSON text is written compactly.
  const std::string from_text =
      build(R"({"phone_number":"6175551234","events":[],"metadata":"{ \"a\" : 1 }"})");
  BOOST_TEST(from_text.find(R"("metadata":{"a":1}})") != std::string::npos);
  BOOST_TEST(from_text.find(R"("queued_timestamp":"")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(builder_writes_a_rejected_event_with_its_reason_and_checks_it) {
  const std::string out = build(
      R"({"phone_number":"6175551234","events":[{"event":"queued","timestamp":1},{"event":"dialing","timestamp":2},)"
      R"({"event":"rejected","timestamp":3,"reason":"503 Service \"Unavailable\""}]})");
  BOOST_TEST(out.find(R"({"event":"rejected","timestamp":3,"reason":"503 Service \"Unavailable\""}],)") !=
             std::string::npos);
  BOOST_TEST(out.find(R"("status":"failed")") != std::string::npos);
  Problems problems;
  build(R"({"phone_number":"6175551234","events":[{"event":"rejected","timestamp":3},)"
        R"({"event":"rejected","timestamp":3,"reason":7},{"event":"rejected","timestamp":3,"reason":""},)"
        R"({"event":"busy","timestamp":3,"reason":"486 Busy Here"}]})",
        &problems);
  BOOST_TEST(codes(problems) == (std::vector<Code>{Code::invalid_reason, Code::invalid_reason, Code::invalid_reason,
                                                   Code::invalid_reason}),
             boost::test_tools::per_element());
  BOOST_TEST(problems[0].field == "events[0].reason");
  BOOST_TEST(problems[3].field == "events[3].reason");
}

BOOST_AUTO_TEST_CASE(builder_reports_every_problem) {
  Problems problems;
  build(R"({"max_attempts":0,"reattempt_wait":-1,"events":[{"event":"ringing","timestamp":1},)"
        R"({"event":"queued","timestamp":"soon"},3],"status":"done","call_id":{},"metadata":[1]})",
        &problems);
  BOOST_TEST(codes(problems) ==
                 (std::vector<Code>{Code::missing_phone_number, Code::invalid_max_attempts, Code::invalid_reattempt_wait,
                                    Code::unknown_event, Code::invalid_timestamp, Code::invalid_params,
                                    Code::invalid_params, Code::invalid_params, Code::invalid_metadata}),
             boost::test_tools::per_element());
  BOOST_TEST(problems[3].field == "events[0].event");
  BOOST_TEST(problems[3].message.find("ringing") != std::string::npos);
  BOOST_TEST(problems[4].field == "events[1].timestamp");

  build("not json", &problems);
  BOOST_TEST(codes(problems) == std::vector<Code>{Code::invalid_params}, boost::test_tools::per_element());
  build(R"({"phone_number":6175551234,"events":[]})", &problems);
  BOOST_TEST(codes(problems) == std::vector<Code>{Code::invalid_phone_number}, boost::test_tools::per_element());
  build(R"({"phone_number":"6175551234"})", &problems);
  BOOST_TEST(codes(problems) == std::vector<Code>{Code::invalid_params}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(names_round_trip) {
  for (std::size_t i = 0; i < kCallEventCount; ++i) {
    const auto e = static_cast<CallEvent>(i);
    BOOST_TEST(parse_event_name(event_name(e)) == e);
  }
  for (std::size_t i = 0; i < kCallStatusCount; ++i) {
    const auto s = static_cast<CallStatus>(i);
    BOOST_TEST(parse_status_name(status_name(s)) == s);
  }
  BOOST_TEST(!parse_event_name("Connected"));
}

// The JSON text `json` as the contents of a JSON string.
std::string deep_text(const std::string& json) {
  std::string out;
  for (const char c : json) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out;
}

// Hostile nesting gets a message, never a stack overflow: messages describe containers by kind
// (dumping them would recurse as deep as the input nests).
BOOST_AUTO_TEST_CASE(deeply_nested_input_is_refused_with_a_message) {
  constexpr std::size_t kLevels = 100000;
  std::string deep;
  deep.reserve(kLevels * 6 + 1);
  for (std::size_t i = 0; i < kLevels; ++i) deep += "{\"a\":";
  deep += '1';
  deep.append(kLevels, '}');
  Problems problems;
  std::string out;
  BOOST_TEST(!build_result_payload(
      "{\"phone_number\":\"6175551234\",\"events\":[{\"event\":\"queued\",\"timestamp\":1}],\"metadata\":" + deep + "}",
      out, problems));
  BOOST_TEST(mentions(problems, "metadata may nest at most 64"));
  problems.clear();
  BOOST_TEST(!build_result_payload("{\"phone_number\":" + deep + ",\"events\":[]}", out, problems));
  BOOST_TEST(mentions(problems, "nested more than 66 levels"));
  problems.clear();
  BOOST_TEST(!build_result_payload(
      "{\"phone_number\":\"6175551234\",\"events\":[],\"metadata\":\"" + deep_text(deep) + "\"}", out, problems));
  BOOST_TEST(mentions(problems, "nested more than 64 levels"));
  problems.clear();
  BOOST_TEST(!build_result_payload("{\"phone_number\":[1],\"events\":[]}", out, problems));
  BOOST_TEST(mentions(problems, "phone_number must be a string (the destination as given), got an array"));
  bridge::EngineSession session;
  const std::string answer = session.configure("{\"capacity\":" + deep + "}");
  BOOST_TEST(answer.find("capacity must be a whole number") != std::string::npos);
  BOOST_TEST(answer.find("an object") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
