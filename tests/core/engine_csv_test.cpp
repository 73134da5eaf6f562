// enqueueCsv's core (fuse/engine_csv.hpp), the engine's memory estimate, and the bridge's packed
// actions (fuse/bridge_engine.hpp) checked against its JSON actions.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine_test_support.hpp"
#include "fuse/bridge_engine.hpp"
#include "fuse/engine.hpp"
#include "fuse/engine_csv.hpp"
#include "test_support.hpp"

using namespace fuse;

namespace {

constexpr std::int64_t T0 = 1'700'000'000;

// A valid NANP number per index (617-230-0000 onwards).
std::string phone(std::size_t i) { return "617" + std::to_string(2300000 + i); }

CsvOptions csv_options(bool partial = false) {
  CsvOptions o;
  o.validation.now = T0;
  o.partial = partial;
  return o;
}

struct Upload {
  EngineCsvResult result;
  Problems problems;
  Problems enqueue_problems;
  std::vector<Code> codes() const {
    std::vector<Code> out;
    for (const auto& p : problems) out.push_back(p.code);
    return out;
  }
};

// The file in pieces of `piece` bytes (0: at once).
Upload upload(Engine& engine, std::string_view deployment, std::string_view csv, const CallOptions& shared = {},
              const CsvOptions& options = csv_options(), std::size_t piece = 0) {
  EngineCsvUpload u(engine, deployment, shared, options);
  if (piece == 0) {
    u.push(csv);
  } else {
    for (std::size_t i = 0; i < csv.size(); i += piece) u.push(csv.substr(i, piece));
  }
  Upload out;
  out.result = u.finish();
  out.problems = u.problems();
  out.enqueue_problems = u.enqueue_problems();
  return out;
}

std::vector<std::string> dialed(Engine& engine, std::int64_t now) {
  Actions actions;
  Problems problems;
  BOOST_REQUIRE(engine.advance(now, actions, problems));
  std::vector<std::string> out;
  for (const Action& a : actions)
    if (a.type == Action::Type::dial) out.push_back(engine.call_id(a.call) + " " + std::string(engine.dial_info(a).phone_number));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_csv)

BOOST_AUTO_TEST_CASE(a_bad_row_queues_nothing) {
  Engine engine(EngineOptions{10});
  const std::string csv = "destination,name\n" + phone(1) + ",Ann\n617555123,Bob\n" + phone(3) + ",Cy\n";
  const Upload u = upload(engine, "A", csv);
  BOOST_TEST(!u.result.summary.ok);
  BOOST_TEST(u.result.summary.queued == 0u);
  BOOST_TEST(u.result.summary.valid == 2u);
  BOOST_TEST(u.result.summary.invalid == 1u);
  BOOST_TEST(u.codes() == std::vector<Code>{Code::invalid_phone_number});
  BOOST_TEST(u.problems[0].row == 2u);
  BOOST_TEST(u.problems[0].line == 3u);
  BOOST_TEST(engine.call_count() == 0u);
  BOOST_TEST(engine.deployment_count() == 0u);
  BOOST_TEST(dialed(engine, T0).empty());
}

BOOST_AUTO_TEST_CASE(partial_queues_the_valid_rows_in_row_order_after_earlier_calls) {
  Engine engine(EngineOptions{10});
  Problems problems;
  QueueRequest single;
  single.phone_number = phone(9);
  BOOST_REQUIRE(engine.enqueue("B", single, T0, problems));
  const std::string csv = "Destination,name\n" + phone(1) + ",Ann\nnot a number,Bob\n\n " + phone(3) + " ,\n" + phone(4) + ",Di\n";
  const Upload u = upload(engine, "A", csv, {}, csv_options(true));
  BOOST_TEST(u.result.summary.ok);
  BOOST_TEST(u.result.summary.queued == 3u);
  BOOST_TEST(u.result.summary.invalid == 1u);
  BOOST_TEST(u.result.first == 1u);
  BOOST_TEST(u.enqueue_problems.empty());
  BOOST_TEST(engine.call_count() == 4u);
  BOOST_TEST(engine.deployment_of(1) == "A");
  BOOST_TEST(engine.deployment_index(3) == 1u);
  BOOST_TEST(engine.deployment_name(1) == "A");
  // Trimmed numbers, metadata only for non-empty cells.
  BOOST_TEST(engine.call_details(2).find(R"("phone_number":"')" + phone(3) + R"('")") != std::string::npos);
  BOOST_TEST(engine.call_details(2).find("metadata") == std::string::npos);
  BOOST_TEST(engine.call_details(3).find(R"("metadata":{"name":"Di"})") != std::string::npos);
  const std::vector<std::string> expected = {"1 " + phone(9), "2 " + phone(1), "3 " + phone(3), "4 " + phone(4)};
  BOOST_TEST(dialed(engine, T0) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rows_share_one_stored_copy_of_the_upload_options_and_its_window) {
  Engine engine(EngineOptions{1});
  CallOptions shared;
  shared.start_timestamp = T0 + 100;
  shared.end_timestamp = T0 + 1000;
  shared.max_attempts = 2;
  shared.reattempt_wait = 60;
  shared.result_url = "https://x.test/r";
  std::string csv = "destination\n";
  for (int i = 0; i < 3; ++i) csv += phone(i) + "\n";
  const Upload u = upload(engine, "A", csv, shared);
  BOOST_REQUIRE(u.result.summary.ok);
  BOOST_TEST(engine.snapshot().find(R"("options":[[1700000100,1700001000,2,60,0,"https://x.test/r"]])") != std::string::npos);
  BOOST_TEST(dialed(engine, T0 + 99).empty());
  BOOST_TEST(dialed(engine, T0 + 100) == std::vector<std::string>{"1 " + phone(0)}, boost::test_tools::per_element());
  Actions actions;
  Problems problems;
  // A busy first attempt re-enters at the back: the next row dials, the first again 60 s later.
  BOOST_REQUIRE(engine.report("1", "busy", T0 + 110, actions, problems));
  BOOST_REQUIRE_EQUAL(actions.size(), 1u);
  BOOST_TEST(engine.call_id(actions[0].call) == "2");
  BOOST_TEST(engine.result_url(0) == "https://x.test/r");
  BOOST_TEST(engine.call_details(0).find(R"("max_attempts":"2")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deployment_time_and_parameter_problems_reject_the_upload) {
  Engine engine(EngineOptions{1});
  Problems problems;
  QueueRequest single;
  single.phone_number = phone(9);
  BOOST_REQUIRE(engine.enqueue("B", single, T0 + 50, problems));
  const std::string csv = "destination\n" + phone(1) + "\n";
  CsvOptions later = csv_options();
  later.validation.now = T0 + 60;
  Upload u = upload(engine, "", csv, {}, later);
  BOOST_TEST(u.codes() == std::vector<Code>{Code::invalid_params});
  BOOST_TEST(u.problems[0].field == "deployment");
  BOOST_TEST(!u.result.summary.ok);
  u = upload(engine, "A", csv);  // T0 is before the engine's time (T0 + 50)
  BOOST_TEST(u.codes() == std::vector<Code>{Code::invalid_time});
  BOOST_TEST(!u.result.summary.ok);
  BOOST_TEST(u.result.summary.valid == 1u);  // the file was still checked
  EngineCsvUpload bad_params(engine, "A", {}, later);
  bad_params.add_upload_problems({Problem{Code::invalid_max_attempts, Severity::error, "max_attempts", "no"}});
  bad_params.push(csv);
  BOOST_TEST(!bad_params.finish().summary.ok);
  BOOST_TEST(engine.call_count() == 1u);
}

BOOST_AUTO_TEST_CASE(pieces_of_any_size_give_the_same_upload) {
  std::string csv = "destination,note\n";
  for (int i = 0; i < 40; ++i) csv += phone(i) + ",\"caf\xC3\xA9, \"\"" + std::to_string(i) + "\"\"\"\r\n";
  Engine whole(EngineOptions{1}), bytewise(EngineOptions{1});
  const Upload a = upload(whole, "A", csv);
  const Upload b = upload(bytewise, "A", csv, {}, csv_options(), 1);
  BOOST_TEST(a.result.summary.queued == 40u);
  BOOST_TEST(b.result.summary.queued == 40u);
  BOOST_TEST(whole.snapshot() == bytewise.snapshot());
  BOOST_TEST(whole.call_details(39).find(R"("metadata":{"note":"café, \"39\""})") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(memory_estimate_grows_with_calls_and_stays_under_200_bytes_a_call) {
  Engine engine(EngineOptions{1000});
  const std::uint64_t empty = engine.stats().memory_bytes;
  BOOST_TEST(empty > 0u);
  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < 200'000; ++i) numbers.push_back("6172" + std::to_string(200000 + i));  // exchanges 220..239
  std::size_t next = 0;
  for (int d = 0; d < 200; ++d) {
    std::vector<EngineRow> rows;
    for (int i = 0; i < 1000; ++i) rows.push_back({numbers[next++], ""});
    CallRef first = 0;
    Problems problems;
    BOOST_REQUIRE(engine.enqueue_many("app-" + std::to_string(d), CallOptions{}, rows, T0, first, problems));
  }
  const std::uint64_t full = engine.stats().memory_bytes;
  // Call records (48 bytes), the numbers' text (10), queue and open lists (4 + 4), blocks' slack.
  BOOST_TEST(full > empty + 200'000u * 60);
  BOOST_TEST(full < 200'000u * 200);
  Actions actions;
  Problems problems;
  BOOST_REQUIRE(engine.advance(T0, actions, problems));
  BOOST_TEST(engine.stats().memory_bytes > full);  // events and ring timers for the 1,000 dials
}

// The packed actions (what both bindings read) say what the engine's own actions say: a session
// and a twin fuse::Engine driven with the same inputs answer the same, non-ASCII text (lengths in
// UTF-16 units) and many deployment names included.
BOOST_AUTO_TEST_CASE(packed_actions_say_what_the_engine_says) {
  bridge::EngineSession session;
  BOOST_REQUIRE(session.configure(R"({"capacity":3,"ringTimeout":30})").empty());
  Engine twin(EngineOptions{3, 30});
  const nlohmann::json vocabulary = nlohmann::json::parse(bridge::engine_vocabulary());
  std::vector<std::string> names;  // sent by the session so far

  // Decodes packed actions (payloads as strings).
  const auto decode = [&](const bridge::PackedActions& p) {
    BOOST_REQUIRE(!p.numbers.empty());
    BOOST_REQUIRE(p.numbers[0] >= 0);
    // JS string offsets: UTF-16 code units of the UTF-8 text.
    std::vector<std::size_t> byte_at_unit;
    for (std::size_t i = 0; i < p.text.size(); ++i) {
      const auto b = static_cast<unsigned char>(p.text[i]);
      if ((b & 0xC0) == 0x80) continue;
      byte_at_unit.push_back(i);
      if (b >= 0xF0) byte_at_unit.push_back(i);
    }
    byte_at_unit.push_back(p.text.size());
    std::size_t unit = 0, k = 2;
    const auto take = [&](double length) -> nlohmann::json {
      if (length < 0) return nullptr;
      const std::size_t from = byte_at_unit.at(unit);
      unit += static_cast<std::size_t>(length);
      return p.text.substr(from, byte_at_unit.at(unit) - from);
    };
    for (int n = static_cast<int>(p.numbers[1]); n > 0; --n) names.push_back(take(p.numbers[k++]).get<std::string>());
    nlohmann::json actions = nlohmann::json::array();
    for (int i = 0; i < static_cast<int>(p.numbers[0]); ++i) {
      const auto& v = p.numbers;
      nlohmann::json a = nlohmann::json::object();
      const std::string id = std::to_string(static_cast<std::uint64_t>(v[k + 1]));
      if (v[k] == 0) {
        a = {{"type", "dial"}, {"callId", id}, {"deployment", names.at(static_cast<std::size_t>(v[k + 2]))}};
        a["phoneNumber"] = take(v[k + 5]);
        a["uri"] = take(v[k + 6]);
        a["e164"] = take(v[k + 7]);
        a["ani"] = take(v[k + 8]);
        a["postd"] = take(v[k + 9]);
        a["attempt"] = static_cast<int>(v[k + 3]);
        a["timestamp"] = static_cast<std::int64_t>(v[k + 4]);
        k += 10;
      } else if (v[k] == 1) {
        a = {{"type", "hangup"}, {"callId", id}, {"reason", vocabulary["events"][static_cast<std::size_t>(v[k + 2])]},
             {"timestamp", static_cast<std::int64_t>(v[k + 3])}};
        k += 4;
      } else {
        a = {{"type", "result"}, {"callId", id}, {"status", vocabulary["statuses"][static_cast<std::size_t>(v[k + 2])]}};
        a["resultUrl"] = take(v[k + 3]);
        a["payload"] = take(v[k + 4]);
        k += 5;
      }
      actions.push_back(a);
    }
    BOOST_TEST(k == p.numbers.size());
    BOOST_TEST(byte_at_unit.at(unit) == p.text.size());
    return actions;
  };
  // The twin's actions in the same form, from the engine's public API.
  const auto expected = [&twin](const Actions& list) {
    nlohmann::json actions = nlohmann::json::array();
    char buf[kMaxUriLength];
    const auto text_or_null = [](std::string_view s) -> nlohmann::json { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(s)); };
    for (const Action& a : list) {
      const std::string id = twin.call_id(a.call);
      if (a.type == Action::Type::dial) {
        const DialInfo info = twin.dial_info(a);
        const Destination& d = info.destination;
        nlohmann::json j = {{"type", "dial"}, {"callId", id}, {"deployment", std::string(info.deployment)}};
        j["phoneNumber"] = std::string(info.phone_number);
        j["uri"] = std::string(buf, d.write_uri(buf));
        j["e164"] = std::string(buf, d.number.write_e164(buf));
        j["ani"] = d.has_ani ? nlohmann::json(std::string(buf, d.ani.write_e164(buf))) : nlohmann::json(nullptr);
        j["postd"] = d.has_postd() ? nlohmann::json(std::string(d.postd_view())) : nlohmann::json(nullptr);
        j["attempt"] = static_cast<int>(a.attempt);
        j["timestamp"] = a.timestamp;
        actions.push_back(j);
      } else if (a.type == Action::Type::hangup) {
        actions.push_back({{"type", "hangup"}, {"callId", id}, {"reason", std::string(event_name(a.reason))}, {"timestamp", a.timestamp}});
      } else {
        nlohmann::json j = {{"type", "result"}, {"callId", id}, {"status", std::string(status_name(a.status))}};
        j["resultUrl"] = text_or_null(twin.result_url(a.call));
        j["payload"] = twin.call_details(a.call);
        actions.push_back(j);
      }
    }
    return actions;
  };

  const std::vector<std::string> deployments = {"A", "déploiement-été", "\xF0\x9F\x93\x9E calls", "a-long-deployment-name-0"};
  for (int i = 0; i < 12; ++i) {
    std::string params = R"({"phone_number":")" + (i % 3 ? phone(i) : "tel:+16172000001;ani=8009957586;postd=1w2") + "\"";
    if (i % 2) params += R"(,"metadata":{"name":"Zoë \ud83d\udcde"},"result_url":"https://x.test/résultat")";
    if (i % 4 == 1) params += R"(,"max_attempts":2,"reattempt_wait":60)";
    params += "}";
    const std::string& d = deployments[i % deployments.size()];
    BOOST_REQUIRE(session.enqueue(d, params, T0, false).find("\"ok\":true") != std::string::npos);
    QueueRequest request;
    Problems problems;
    BOOST_REQUIRE(validate_queue_request(params, ValidationOptions{}, request, problems));
    BOOST_REQUIRE(twin.enqueue(d, request, T0, problems));
  }
  Actions actions;
  Problems problems;
  const auto step = [&](const bridge::PackedActions& packed, bool ok) {
    BOOST_REQUIRE(ok);
    BOOST_TEST(decode(packed) == expected(actions));
    actions.clear();
  };
  step(session.advance_packed(T0), twin.advance(T0, actions, problems));
  step(session.report_packed("1", 2u, T0 + 5), twin.report("1", "connected", T0 + 5, actions, problems));
  step(session.report_packed("2", "busy", T0 + 6), twin.report("2", "busy", T0 + 6, actions, problems));
  step(session.report_packed("1", 3u, T0 + 9), twin.report("1", "disconnected", T0 + 9, actions, problems));
  step(session.advance_packed(T0 + 200), twin.advance(T0 + 200, actions, problems));  // ring timeouts, re-attempts
  step(session.cancel_deployment_packed("déploiement-été", T0 + 201),
       twin.cancel_deployment("déploiement-été", T0 + 201, actions, problems));
  step(session.advance_packed(T0 + 400), twin.advance(T0 + 400, actions, problems));
  step(session.advance_packed(T0 + 900), twin.advance(T0 + 900, actions, problems));
  BOOST_TEST(names.size() == deployments.size());

  // Errors: count -1 and the error object, with the engine's problem.
  const bridge::PackedActions& refused = session.report_packed("99", 2u, T0 + 901);
  BOOST_TEST(refused.numbers == std::vector<double>{-1.0});
  problems.clear();
  BOOST_TEST(!twin.report("99", "connected", T0 + 901, actions, problems));
  const nlohmann::json error = nlohmann::json::parse(refused.text);
  BOOST_TEST(error["error"]["code"] == "unknown_call");
  BOOST_TEST(error["error"]["message"] == problems.front().message);
  const nlohmann::json unknown = nlohmann::json::parse(session.report_packed("1", "ringing", T0 + 901).text);
  BOOST_TEST(unknown["error"]["code"] == "unknown_event");
}

BOOST_AUTO_TEST_SUITE_END()
