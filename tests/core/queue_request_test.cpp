// Queue-request validation (SPEC 3) through fuse/queue_request.hpp.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "fuse/queue_request.hpp"
#include "test_support.hpp"

using namespace fuse;
using fuse::test::codes;
using fuse::test::mentions;

namespace {

constexpr std::int64_t kNow = 1700000000;

struct Validated {
  bool ok;
  QueueRequest request;
  Problems problems;
};

Validated validate(std::string_view params_json, std::int64_t now = kNow, bool strict = false) {
  Validated v;
  v.ok = validate_queue_request(params_json, ValidationOptions{now, strict}, v.request, v.problems);
  return v;
}

// {"phone_number":"6175551234", <extra>}
Validated with_phone(const std::string& extra, std::int64_t now = kNow, bool strict = false) {
  return validate("{\"phone_number\":\"6175551234\"" + (extra.empty() ? "" : "," + extra) + "}", now, strict);
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(queue_request)

BOOST_AUTO_TEST_CASE(minimal_request_gets_the_defaults) {
  const auto v = validate(R"({"phone_number":" 6175551234 "})");
  BOOST_REQUIRE(v.ok);
  BOOST_TEST(v.problems.empty());
  BOOST_TEST(v.request.phone_number == "6175551234");
  BOOST_TEST(v.request.destination.number.e164() == "+16175551234");
  BOOST_TEST(!v.request.options.start_timestamp.has_value());
  BOOST_TEST(!v.request.options.end_timestamp.has_value());
  BOOST_TEST(v.request.options.max_attempts == 1u);
  BOOST_TEST(v.request.options.reattempt_wait == 0u);
  BOOST_TEST(v.request.options.result_url == "");
  BOOST_TEST(v.request.metadata == "");
  BOOST_TEST(!v.request.options.is_pci);
}

BOOST_AUTO_TEST_CASE(every_parameter_as_number_or_as_string) {
  const auto numbers = validate(
      R"({"phone_number":16175551234,"start_timestamp":1700000100,"end_timestamp":1700003600,)"
      R"("max_attempts":3,"reattempt_wait":300,"result_url":"https://example.com/fuse","metadata":{"name":"John Doe"},"is_pci":1})");
  const auto strings = validate(
      R"({"phone_number":"16175551234","start_timestamp":"1700000100","end_timestamp":" 1700003600 ",)"
      R"("max_attempts":"3","reattempt_wait":"300","result_url":" https://example.com/fuse ","metadata":"{\"name\":\"John Doe\"}","is_pci":"1"})");
  for (const auto* v : {&numbers, &strings}) {
    BOOST_REQUIRE(v->ok);
    BOOST_TEST(v->problems.empty());
    const auto& o = v->request.options;
    BOOST_TEST(v->request.phone_number == "16175551234");
    BOOST_TEST(v->request.destination.uri() == "tel:+16175551234");
    BOOST_TEST(o.start_timestamp.value_or(-1) == 1700000100);
    BOOST_TEST(o.end_timestamp.value_or(-1) == 1700003600);
    BOOST_TEST(o.max_attempts == 3u);
    BOOST_TEST(o.reattempt_wait == 300u);
    BOOST_TEST(o.result_url == "https://example.com/fuse");
    BOOST_TEST(v->request.metadata == R"({"name":"John Doe"})");
    BOOST_TEST(o.is_pci);
  }
}

BOOST_AUTO_TEST_CASE(empty_or_null_optional_parameters_are_not_given) {
  const auto v = with_phone(
      R"("start_timestamp":"","end_timestamp":null,"max_attempts":"  ","reattempt_wait":null,"result_url":"",)"
      R"("metadata":"","is_pci":"")");
  BOOST_REQUIRE(v.ok);
  BOOST_TEST(v.problems.empty());
  BOOST_TEST(!v.request.options.start_timestamp.has_value());
  BOOST_TEST(v.request.options.max_attempts == 1u);
  BOOST_TEST(v.request.metadata == "");
}

BOOST_AUTO_TEST_CASE(phone_number_missing) {
  for (const char* params : {R"({})", R"({"phone_number":null})", R"({"phone_number":""})", R"({"phone_number":"  "})"}) {
    BOOST_TEST_CONTEXT(params) {
      const auto v = validate(params);
      BOOST_TEST(!v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::missing_phone_number}));
      BOOST_TEST(v.problems[0].field == "phone_number");
      BOOST_TEST(v.problems[0].severity == Severity::error);
    }
  }
}

BOOST_AUTO_TEST_CASE(phone_number_types) {
  // A JSON integer is its decimal digits.
  const auto number = validate(R"({"phone_number":6175551234})");
  BOOST_TEST(number.ok);
  BOOST_TEST(number.request.phone_number == "6175551234");
  struct Case {
    const char* value;
    const char* says;
  } bad[] = {
      {"true", "got a boolean (true)"}, {"[6175551234]", "got an array"}, {"{}", "got an object"},
      {"-6175551234", "-6175551234"},   {"6175551234.5", "6175551234.5"},
  };
  for (const auto& c : bad) {
    BOOST_TEST_CONTEXT(c.value) {
      const auto v = validate(std::string(R"({"phone_number":)") + c.value + "}");
      BOOST_TEST(!v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_phone_number}));
      BOOST_TEST(v.problems[0].field == "phone_number");
      BOOST_TEST(mentions(v.problems, c.says));
    }
  }
}

BOOST_AUTO_TEST_CASE(destination_problems_are_passed_on) {
  BOOST_TEST((codes(validate(R"({"phone_number":"12345"})").problems) == std::vector<Code>{Code::invalid_phone_number}));
  BOOST_TEST((codes(validate(R"({"phone_number":"6175551234;ani=123"})").problems) ==
              std::vector<Code>{Code::invalid_ani}));
  BOOST_TEST((codes(validate(R"({"phone_number":"6175551234;postd=xyz"})").problems) ==
              std::vector<Code>{Code::invalid_postd}));
  const auto fictional = validate(R"({"phone_number":"617-555-0123"})");
  BOOST_TEST(fictional.ok);
  BOOST_TEST((codes(fictional.problems) == std::vector<Code>{Code::fictional_number}));
  // The number is kept as given (trimmed) for the result payload, the destination normalised.
  const auto full = validate(R"({"phone_number":"  tel:+16175551234;ani=8009957586;postd=2 "})");
  BOOST_TEST(full.request.phone_number == "tel:+16175551234;ani=8009957586;postd=2");
  BOOST_TEST(full.request.destination.uri() == "tel:+16175551234;ani=8009957586;postd=2");
}

BOOST_AUTO_TEST_CASE(timestamp_values) {
  struct Case {
    const char* value;
    std::int64_t expect;  // -1: invalid_timestamp
    const char* says;
  } cases[] = {
      {"0", 0, ""},
      {"\"0\"", 0, ""},
      {"\" 1700000000 \"", 1700000000, ""},
      {"\"0001700000000\"", 1700000000, ""},
      {"1.7e9", 1700000000, ""},  // a JSON number is judged by its value
      {"253402300799", 253402300799, ""},
      {"\"253402300799\"", 253402300799, ""},
      {"253402300800", -1, "after the year 9999"},
      {"\"253402300800\"", -1, "after the year 9999"},
      {"1700000000000", -1, "milliseconds"},
      {"\"99999999999999999999999999\"", -1, "after the year 9999"},
      {"1e300", -1, "after the year 9999"},
      {"-1", -1, "negative"},
      {"\"-3\"", -1, "negative"},
      {"1.5", -1, "not a whole number"},
      {"\"1.5\"", -1, "not Unix seconds"},
      {"\"1e9\"", -1, "not Unix seconds"},
      {"\"+5\"", -1, "not Unix seconds"},
      {"\"2024-01-01\"", -1, "\"2024-01-01\""},
      {"true", -1, "got a boolean (true)"},
      {"[1]", -1, "got an array"},
      {"{}", -1, "got an object"},
  };
  for (const char* field : {"start_timestamp", "end_timestamp"}) {
    for (const auto& c : cases) {
      BOOST_TEST_CONTEXT(field << " = " << c.value) {
        // now = -1 so that every valid end_timestamp is in the future.
        const auto v = with_phone(quoted(field) + ":" + c.value, -1);
        const auto& got = std::string_view(field) == "start_timestamp" ? v.request.options.start_timestamp
                                                                        : v.request.options.end_timestamp;
        if (c.expect >= 0) {
          BOOST_TEST(v.ok);
          BOOST_TEST(v.problems.empty());
          BOOST_TEST(got.value_or(-1) == c.expect);
        } else {
          BOOST_TEST(!v.ok);
          BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_timestamp}));
          BOOST_TEST(v.problems[0].field == field);
          BOOST_TEST(mentions(v.problems, c.says));
          BOOST_TEST(mentions(v.problems, field));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(end_after_start_and_after_now) {
  BOOST_TEST(with_phone(R"("start_timestamp":1700000100,"end_timestamp":1700000101)").ok);
  BOOST_TEST(with_phone(R"("end_timestamp":1700000001)").ok);  // one second after now

  const auto same = with_phone(R"("start_timestamp":1700000100,"end_timestamp":1700000100)");
  BOOST_TEST((codes(same.problems) == std::vector<Code>{Code::end_before_start}));
  BOOST_TEST(same.problems[0].field == "end_timestamp");
  BOOST_TEST(mentions(same.problems, "is the same as start_timestamp 1700000100"));
  const auto before = with_phone(R"("start_timestamp":1700000100,"end_timestamp":"1700000050")");
  BOOST_TEST((codes(before.problems) == std::vector<Code>{Code::end_before_start}));

  const auto now = with_phone(R"("end_timestamp":1700000000)");
  BOOST_TEST((codes(now.problems) == std::vector<Code>{Code::end_in_past}));
  BOOST_TEST(now.problems[0].field == "end_timestamp");
  const auto past = with_phone(R"("end_timestamp":1699992800)");
  BOOST_TEST((codes(past.problems) == std::vector<Code>{Code::end_in_past}));
  BOOST_TEST(mentions(past.problems, "2 hours in the past"));

  // Both at once; start alone may be in the past (nothing stops dialing then).
  const auto both = with_phone(R"("start_timestamp":1699990000,"end_timestamp":1699980000)");
  BOOST_TEST((codes(both.problems) == std::vector<Code>{Code::end_before_start, Code::end_in_past}));
  BOOST_TEST(with_phone(R"("start_timestamp":1)").ok);
}

BOOST_AUTO_TEST_CASE(attempts_and_wait_ranges) {
  struct Case {
    const char* max;
    const char* wait;
    std::vector<Code> expect;
  } cases[] = {
      {"1", "60", {}},
      {"10", "86400", {}},
      {"\"10\"", "\" 86400 \"", {}},
      {"0", "60", {Code::invalid_max_attempts}},
      {"11", "60", {Code::invalid_max_attempts}},
      {"-1", "60", {Code::invalid_max_attempts}},
      {"2.5", "60", {Code::invalid_max_attempts}},
      {"\"three\"", "60", {Code::invalid_max_attempts}},
      {"true", "60", {Code::invalid_max_attempts}},
      {"3", "59", {Code::invalid_reattempt_wait}},
      {"3", "86401", {Code::invalid_reattempt_wait}},
      {"3", "\"5m\"", {Code::invalid_reattempt_wait}},
      {"3", "[]", {Code::invalid_reattempt_wait}},
      {"0", "0", {Code::invalid_max_attempts, Code::invalid_reattempt_wait}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.max << " / " << c.wait) {
      const auto v = with_phone(std::string(R"("max_attempts":)") + c.max + R"(,"reattempt_wait":)" + c.wait);
      BOOST_TEST(codes(v.problems) == c.expect);
      BOOST_TEST(v.ok == c.expect.empty());
      for (const auto& p : v.problems)
        BOOST_TEST(p.field == (p.code == Code::invalid_max_attempts ? "max_attempts" : "reattempt_wait"));
    }
  }
  const auto v = with_phone(R"("max_attempts":"4","reattempt_wait":120)");
  BOOST_TEST(v.request.options.max_attempts == 4u);
  BOOST_TEST(v.request.options.reattempt_wait == 120u);
  BOOST_TEST(mentions(with_phone(R"("max_attempts":11,"reattempt_wait":60)").problems, "max_attempts 11"));
}

BOOST_AUTO_TEST_CASE(attempts_and_wait_go_together) {
  const auto max_only = with_phone(R"("max_attempts":3)");
  BOOST_TEST((codes(max_only.problems) == std::vector<Code>{Code::max_attempts_requires_reattempt_wait}));
  BOOST_TEST(max_only.problems[0].field == "max_attempts");
  BOOST_TEST(mentions(max_only.problems, "reattempt_wait"));

  const auto wait_only = with_phone(R"("reattempt_wait":300,"max_attempts":"")");
  BOOST_TEST((codes(wait_only.problems) == std::vector<Code>{Code::reattempt_wait_requires_max_attempts}));
  BOOST_TEST(wait_only.problems[0].field == "reattempt_wait");

  // An invalid value is still a value given: both problems are reported.
  const auto bad_max = with_phone(R"("max_attempts":"x")");
  BOOST_TEST((codes(bad_max.problems) ==
              std::vector<Code>{Code::invalid_max_attempts, Code::max_attempts_requires_reattempt_wait}));
}

BOOST_AUTO_TEST_CASE(result_url_accepted) {
  const std::string long_path = "https://example.com/" + std::string(kMaxResultUrlChars - 20, 'a');
  BOOST_REQUIRE(long_path.size() == kMaxResultUrlChars);
  for (const std::string& url : std::vector<std::string>{
           "http://example.com", "https://example.com/fuse/result?id=7#top", "HTTPS://Example.COM/cb",
           "http://localhost:8080/cb", "https://user:secret@example.com:443/cb", "http://127.0.0.1/",
           "http://[2001:db8::1]:8080/cb", "http://[::1]/", "http://[::ffff:192.0.2.1]/",
           "http://[2001:db8:0:0:0:0:0:1]/", "http://xn--bcher-kva.example/", "http://ex%41mple.com/",
           "https://example.com/caf\xC3\xA9", long_path}) {
    BOOST_TEST_CONTEXT(url) {
      const auto v = with_phone(R"("result_url":")" + url + "\"");
      BOOST_TEST(v.ok);
      BOOST_TEST(v.problems.empty());
      BOOST_TEST(v.request.options.result_url == url);
    }
  }
}

BOOST_AUTO_TEST_CASE(result_url_rejected) {
  struct Case {
    std::string url;
    const char* says;
  } cases[] = {
      {"ftp://x", "must start with http:// or https://"},
      {"example.com/cb", "must start with http:// or https://"},
      {"example.com:8080/cb", "must start with http:// or https://"},
      {"mailto:ops@example.com", "must start with http:// or https://"},
      {"javascript:alert(1)", "must start with http:// or https://"},
      {"http:example.com", "must have // after http:"},
      {"https:/example.com", "must have // after https:"},
      {"http://", "has no host"},
      {"http:///cb", "has no host"},
      {"http://user@:80/", "has no host"},
      {"http://exa mple.com/", "contains a space at character 11"},
      {"http://example.com/a b", "contains a space"},
      {"http://example.com:abc/", "port \"abc\""},
      {"http://example.com:65536/", "port \"65536\""},
      {"http://example.com:0/", "port \"0\""},
      {"http://example.com:/", "port \"\""},
      {"http://[::1/", "without a closing ']'"},
      {"http://[1:2:3]/", "not an IPv6 address"},
      {"http://[1::2::3]/", "not an IPv6 address"},
      {"http://[::1]x/", "after its IPv6 address"},
      {"http://exa<mple.com/", "'<' in its host"},
      {"http://b\xC3\xBC" "cher.example/", "punycode"},
      {"https://example.com/" + std::string(kMaxResultUrlChars - 19, 'a'), "2,049 characters long; the limit is 2,048"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.url) {
      const auto v = with_phone(R"("result_url":")" + c.url + "\"");
      BOOST_TEST(!v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_result_url}));
      BOOST_TEST(v.problems[0].field == "result_url");
      BOOST_TEST(mentions(v.problems, c.says));
    }
  }
  // Control characters (given as JSON escapes) and other types.
  const auto tab = with_phone(R"("result_url":"http://example.com/a\tb")");
  BOOST_TEST((codes(tab.problems) == std::vector<Code>{Code::invalid_result_url}));
  BOOST_TEST(mentions(tab.problems, "control character U+0009"));
  const auto number = with_phone(R"("result_url":5)");
  BOOST_TEST((codes(number.problems) == std::vector<Code>{Code::invalid_result_url}));
  BOOST_TEST(mentions(number.problems, "got a number"));
  // The message quotes the URL.
  BOOST_TEST(mentions(with_phone(R"("result_url":"ftp://x")").problems, "result_url \"ftp://x\""));
}

BOOST_AUTO_TEST_CASE(is_pci_values) {
  struct Case {
    const char* value;
    int expect;  // 0, 1, or -1 for invalid_is_pci
  } cases[] = {
      {"0", 0},     {"1", 1},      {"\"0\"", 0},  {"\" 1 \"", 1}, {"true", 1},     {"false", 0},
      {"\"TRUE\"", 1}, {"\"false\"", 0}, {"2", -1},  {"-1", -1},     {"0.5", -1},     {"\"yes\"", -1},
      {"\"01\"", -1}, {"[]", -1},    {"{}", -1},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.value) {
      const auto v = with_phone(std::string(R"("is_pci":)") + c.value);
      if (c.expect >= 0) {
        BOOST_TEST(v.ok);
        BOOST_TEST(v.request.options.is_pci == (c.expect == 1));
      } else {
        BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_is_pci}));
        BOOST_TEST(v.problems[0].field == "is_pci");
        BOOST_TEST(mentions(v.problems, "0 or 1"));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(metadata_as_object_or_text_keeps_order_and_values) {
  const char* object = R"({"zeta":"John \"JD\" Doe","alpha":1.5,"n":-2,"big":12345678901234567890,"t":true,"f":false,"nil":null,"u":"caf\u00e9"})";
  const auto as_object = with_phone(std::string(R"("metadata":)") + object);
  std::string text = object;
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  const auto as_text = with_phone(R"("metadata":")" + escaped + "\"");
  const std::string expect =
      R"({"zeta":"John \"JD\" Doe","alpha":1.5,"n":-2,"big":12345678901234567890,"t":true,"f":false,"nil":null,"u":"café"})";
  for (const auto* v : {&as_object, &as_text}) {
    BOOST_TEST(v->ok);
    BOOST_TEST(v->problems.empty());
    BOOST_TEST(v->request.metadata == expect);
  }
  // Numbers keep their value, written as JavaScript writes them; whitespace goes.
  BOOST_TEST(with_phone(R"("metadata":" { \"a\" : 1e3 , \"b\":2.50 } ")").request.metadata == R"({"a":1000,"b":2.5})");
  // An empty object is no metadata.
  BOOST_TEST(with_phone(R"("metadata":{})").request.metadata == "");
  BOOST_TEST(with_phone(R"("metadata":"{}")").request.metadata == "");
}

BOOST_AUTO_TEST_CASE(metadata_not_an_object) {
  struct Case {
    const char* value;
    const char* says;
  } cases[] = {
      {R"("{\"name\": ")", "line 1, column"},
      {R"("name=John")", "not valid JSON"},
      {R"("{\"a\":1} x")", "not valid JSON"},
      {R"("[1,2]")", "holding an array"},
      {R"("\"text\"")", "holding a string"},
      {R"("42")", "holding a number"},
      {R"([1,2])", "got an array"},
      {R"(42)", "got a number (42)"},
      {R"(true)", "got a boolean"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.value) {
      const auto v = with_phone(std::string(R"("metadata":)") + c.value);
      BOOST_TEST(!v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_metadata}));
      BOOST_TEST(v.problems[0].field == "metadata");
      BOOST_TEST(mentions(v.problems, c.says));
    }
  }
}

BOOST_AUTO_TEST_CASE(metadata_keys) {
  for (const char* key : {"a", "_", "A_1", "_9", "customer_name"}) BOOST_TEST(is_valid_metadata_key(key));
  const std::string longest(kMaxMetadataKeyChars, 'k');
  BOOST_TEST(is_valid_metadata_key(longest));
  BOOST_TEST(with_phone(R"("metadata":{")" + longest + R"(":1})").ok);

  struct Case {
    std::string key;
    const char* says;
  } bad[] = {
      {"", "is empty"},
      {"1st", "starts with a digit"},
      {"first-name", "contains '-'"},
      {"first name", "contains a space"},
      {"na\xC3\xAFve", "contains U+00EF"},
      {std::string(kMaxMetadataKeyChars + 1, 'k'), "65 characters long"},
  };
  for (const auto& c : bad) {
    BOOST_TEST_CONTEXT(c.key) {
      BOOST_TEST(!is_valid_metadata_key(c.key));
      BOOST_TEST(!explain_invalid_metadata_key(c.key).empty());
      const auto v = with_phone(R"("metadata":{")" + c.key + R"(":"x"})");
      BOOST_TEST(!v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_metadata_key}));
      BOOST_TEST(v.problems[0].field == "metadata");
      BOOST_TEST(mentions(v.problems, c.says));
    }
  }
  BOOST_TEST(explain_invalid_metadata_key("customer_name").empty());
  BOOST_TEST(explain_invalid_metadata_key("first-name").find("first_name") != std::string::npos);

  // One problem per bad key, each naming it.
  const auto two = with_phone(R"("metadata":{"ok":1,"a b":2,"9x":3})");
  BOOST_TEST((codes(two.problems) == std::vector<Code>{Code::invalid_metadata_key, Code::invalid_metadata_key}));
  BOOST_TEST(mentions(two.problems, "\"a b\""));
  BOOST_TEST(mentions(two.problems, "\"9x\""));

  // A key given twice in JSON text.
  const auto twice = with_phone(R"("metadata":"{\"name\":\"a\",\"id\":1,\"name\":\"b\"}")");
  BOOST_TEST((codes(twice.problems) == std::vector<Code>{Code::invalid_metadata_key}));
  BOOST_TEST(mentions(twice.problems, "\"name\" is given twice"));
}

BOOST_AUTO_TEST_CASE(metadata_values) {
  const auto v = with_phone(R"("metadata":{"address":{"street":"Main"},"tags":["a"],"name":"ok"})");
  BOOST_TEST(!v.ok);
  BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_metadata_value, Code::invalid_metadata_value}));
  BOOST_TEST(v.problems[0].field == "metadata");
  BOOST_TEST(mentions(v.problems, "\"address\" is an object"));
  BOOST_TEST(mentions(v.problems, "\"tags\" is an array"));
  // Deep nesting is counted, not stored or recursed into.
  const std::string deep = std::string(30000, '[') + std::string(30000, ']');
  BOOST_TEST((codes(with_phone(R"("metadata":{"x":)" + deep + "}").problems) ==
              std::vector<Code>{Code::invalid_metadata_value}));
}

BOOST_AUTO_TEST_CASE(metadata_size_bound_is_the_compact_json) {
  // {"k":"xxx..."} is 8 bytes plus the value's length.
  const auto of_size = [](std::size_t total) {
    return with_phone(R"("metadata":{"k":")" + std::string(total - 8, 'x') + "\"}");
  };
  const auto exact = of_size(kMaxMetadataBytes);
  BOOST_TEST(exact.ok);
  BOOST_TEST(exact.request.metadata.size() == kMaxMetadataBytes);
  const auto over = of_size(kMaxMetadataBytes + 1);
  BOOST_TEST(!over.ok);
  BOOST_TEST((codes(over.problems) == std::vector<Code>{Code::metadata_too_large}));
  BOOST_TEST(over.problems[0].field == "metadata");
  BOOST_TEST(mentions(over.problems, "65,537 bytes"));

  // Measured as written, not as sent: escapes that shrink (\u0041 is "A") and whitespace do not count;
  // escapes that stay ("\n") do.
  std::string padded = R"(" {  \"k\" : \")";
  for (std::size_t i = 0; i < kMaxMetadataBytes - 8; ++i) padded += "\\\\u0041";
  padded += R"(\"  } ")";
  const auto shrunk = with_phone(R"("metadata":)" + padded);
  BOOST_TEST(shrunk.ok);
  BOOST_TEST(shrunk.request.metadata.size() == kMaxMetadataBytes);
  const auto newlines = with_phone(R"("metadata":{"k":")" + std::string("\\n") + std::string(kMaxMetadataBytes - 9, 'x') + "\"}");
  BOOST_TEST((codes(newlines.problems) == std::vector<Code>{Code::metadata_too_large}));
}

BOOST_AUTO_TEST_CASE(card_numbers_by_luhn) {
  const ValidationOptions options{kNow, false};
  const auto scan = [&](std::string_view value) {
    Problems problems;
    scan_sensitive_metadata("note", value, options, "metadata", problems);
    return problems;
  };
  for (const char* card : {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
                           "3782 822463 10005", "6011111111111117", "5555555555554444", "4222222222222",
                           "6304000000000000000", "card 4111 1111 1111 1111 exp 12/25", "x4111111111111111y",
                           "ref 1 4111111111111111"}) {
    BOOST_TEST_CONTEXT(card) {
      const auto problems = scan(card);
      BOOST_TEST((codes(problems) == std::vector<Code>{Code::possible_card_number}));
      BOOST_TEST(problems[0].severity == Severity::warning);
      BOOST_TEST(problems[0].field == "metadata");
      BOOST_TEST(mentions(problems, "\"note\""));
      // The message shows only the last four digits.
      BOOST_TEST(!mentions(problems, "411111"));
    }
  }
  for (const char* not_card : {"4111111111111112", "411111111111", "4111111111111111111", "0000000000000000",
                               "41111111111111111111", "4111  1111 1111 1111", "4111.1111.1111.1111",
                               "617-555-1234", "+1 (617) 555-1234", "John Doe", ""}) {
    BOOST_TEST_CONTEXT(not_card) { BOOST_TEST(scan(not_card).empty()); }
  }
  BOOST_TEST(mentions(scan("4111 1111 1111 1111"), "16-digit number ending 1111"));
}

BOOST_AUTO_TEST_CASE(ssn_shapes) {
  const ValidationOptions options{kNow, false};
  const auto scan = [&](std::string_view value) {
    Problems problems;
    scan_sensitive_metadata("ref", value, options, "metadata", problems);
    return problems;
  };
  for (const char* ssn : {"123-45-6789", "123 45 6789", "SSN: 078-05-1120.", "id 123-45-6789/2"}) {
    BOOST_TEST_CONTEXT(ssn) {
      const auto problems = scan(ssn);
      BOOST_TEST((codes(problems) == std::vector<Code>{Code::possible_ssn}));
      BOOST_TEST(!mentions(problems, "123-45"));
    }
  }
  for (const char* not_ssn : {"000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "123456789",
                              "1123-45-6789", "123-45-67890", "123-45-6789-1", "9 123-45-6789", "123-45 6789",
                              "12-345-6789", "617-555-1234", "2024-01-15"}) {
    BOOST_TEST_CONTEXT(not_ssn) { BOOST_TEST(scan(not_ssn).empty()); }
  }
  BOOST_TEST(mentions(scan("123-45-6789"), "ending 6789"));
}

BOOST_AUTO_TEST_CASE(sensitive_key_names) {
  for (const char* key : {"ssn", "SSN", "patient_ssn", "ssnLast4", "SSNNumber", "social_security_number", "dob", "DOB",
                          "dateOfBirth", "date_of_birth", "birth_date", "birthdate", "BirthDate", "cvv", "CVV2", "cvc",
                          "card_number", "cardNumber", "credit_card", "creditCardNumber", "cc_number", "pan", "pin",
                          "pin_code", "account_number", "acctNo", "routing_number", "bank_account", "iban", "diagnosis",
                          "medical_record_number", "mrn", "icd10", "ICD10Code"}) {
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(!sensitive_key_topic(key).empty());
      Problems problems;
      scan_sensitive_metadata(key, "x", ValidationOptions{kNow, false}, "metadata", problems);
      BOOST_TEST((codes(problems) == std::vector<Code>{Code::sensitive_key}));
      BOOST_TEST(problems[0].field == "metadata");
      BOOST_TEST(mentions(problems, std::string("metadata key \"") + key + "\""));
    }
  }
  for (const char* key : {"name", "appointment", "panel", "spin", "pinned", "opinion", "company", "pandemic",
                          "account", "card", "card_type", "birthday_greeting", "date", "cc", "code", "address",
                          "accountant", "display_name", "customer_id", "happiness", "ssnx"}) {
    BOOST_TEST_CONTEXT(key) { BOOST_TEST(sensitive_key_topic(key).empty()); }
  }
  BOOST_TEST(sensitive_key_topic("patient_dob") == "a date of birth");
}

BOOST_AUTO_TEST_CASE(sensitive_findings_field_and_strict_mode) {
  // A CSV column passes its name as the field: the message names it once.
  Problems csv;
  scan_sensitive_metadata("ssn", "123-45-6789", ValidationOptions{kNow, true}, "ssn", csv);
  BOOST_TEST((codes(csv) == std::vector<Code>{Code::sensitive_key, Code::possible_ssn}));
  for (const auto& p : csv) {
    BOOST_TEST(p.severity == Severity::error);
    BOOST_TEST(p.field == "ssn");
    BOOST_TEST(p.message.rfind("\"ssn\"", 0) == 0);
  }
  // The halves: the value scan alone reports no key.
  Problems value_only;
  scan_sensitive_value("ssn", "4111111111111111", ValidationOptions{kNow, false}, "ssn", value_only);
  BOOST_TEST((codes(value_only) == std::vector<Code>{Code::possible_card_number}));

  // Through the request: warnings, or errors that block the request when strict.
  const std::string params = R"("metadata":{"name":"John","card":4111111111111111,"dob":"1970-01-01","x":"078 05 1120"})";
  const auto lenient = with_phone(params);
  BOOST_TEST(lenient.ok);
  BOOST_TEST((codes(lenient.problems) ==
              std::vector<Code>{Code::possible_card_number, Code::sensitive_key, Code::possible_ssn}));
  for (const auto& p : lenient.problems) BOOST_TEST(p.severity == Severity::warning);
  const auto strict = with_phone(params, kNow, true);
  BOOST_TEST(!strict.ok);
  BOOST_TEST(codes(strict.problems) == codes(lenient.problems));
  for (const auto& p : strict.problems) BOOST_TEST(p.severity == Severity::error);
  // Metadata given as text is scanned the same way.
  BOOST_TEST((codes(with_phone(R"("metadata":"{\"ssn\":\"x\"}")").problems) == std::vector<Code>{Code::sensitive_key}));
}

BOOST_AUTO_TEST_CASE(unknown_parameters_are_warnings) {
  struct Case {
    const char* name;
    const char* says;
  } cases[] = {
      {"phoneNumber", "did you mean phone_number?"},
      {"max_attempt", "did you mean max_attempts?"},
      {"reattempt-wait", "did you mean reattempt_wait?"},
      {"Result_URL", "did you mean result_url?"},
      {"isPci", "did you mean is_pci?"},
      {"foo", "the parameters are phone_number, start_timestamp"},
      {"destination", "calls it phone_number"},
      {"csv", "bulk_queue"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto v = with_phone(quoted(c.name) + ":1");
      BOOST_TEST(v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::unknown_parameter}));
      BOOST_TEST(v.problems[0].severity == Severity::warning);
      BOOST_TEST(v.problems[0].field == c.name);
      BOOST_TEST(mentions(v.problems, c.says));
    }
  }
  BOOST_TEST(!mentions(with_phone(R"("foo":1)").problems, "did you mean"));
}

BOOST_AUTO_TEST_CASE(invalid_params) {
  for (const char* params : {"", "not json", "[]", "\"phone_number\"", "null", "{\"phone_number\":\"6175551234\""}) {
    BOOST_TEST_CONTEXT(params) {
      const auto v = validate(params);
      BOOST_TEST(!v.ok);
      BOOST_TEST((codes(v.problems) == std::vector<Code>{Code::invalid_params}));
    }
  }
  BOOST_TEST(mentions(validate("[]").problems, "got an array"));
  BOOST_TEST(mentions(validate("{\"a\":").problems, "line 1, column"));
  const auto twice = validate(R"({"phone_number":"6175551234","phone_number":"6175551235"})");
  BOOST_TEST((codes(twice.problems) == std::vector<Code>{Code::invalid_params}));
  BOOST_TEST(twice.problems[0].field == "phone_number");
  BOOST_TEST(mentions(twice.problems, "given twice"));
}

BOOST_AUTO_TEST_CASE(every_problem_at_once) {
  const auto v = validate(
      R"({"phone_number":"12345","start_timestamp":"soon","end_timestamp":100,"max_attempts":20,)"
      R"("result_url":"ftp://x","metadata":{"1a":[1],"dob":"x"},"is_pci":"maybe","colour":"red"})");
  BOOST_TEST(!v.ok);
  BOOST_TEST((codes(v.problems) ==
              std::vector<Code>{Code::invalid_phone_number, Code::invalid_timestamp, Code::end_in_past,
                                Code::invalid_max_attempts, Code::max_attempts_requires_reattempt_wait,
                                Code::invalid_result_url, Code::invalid_metadata_key, Code::invalid_metadata_value,
                                Code::sensitive_key, Code::invalid_is_pci, Code::unknown_parameter}));
  for (const auto& p : v.problems) BOOST_TEST(!p.message.empty());
}

BOOST_AUTO_TEST_CASE(only_new_problems_decide) {
  // Problems already in the list (e.g. from an earlier CSV row) do not make this request fail.
  Problems problems{{Code::csv_field_count, Severity::error, "destination", "earlier"}};
  QueueRequest request;
  BOOST_TEST(validate_queue_request(R"({"phone_number":"6175551234"})", ValidationOptions{kNow, false}, request, problems));
  BOOST_TEST(problems.size() == 1u);
}

BOOST_AUTO_TEST_CASE(call_options_for_bulk_uploads) {
  CallOptions options;
  Problems problems;
  BOOST_TEST(validate_call_options(
      R"({"csv":"ignored","start_timestamp":"1700000100","end_timestamp":1700090000,"max_attempts":2,)"
      R"("reattempt_wait":600,"result_url":"https://example.com/r","is_pci":"0"})",
      ValidationOptions{kNow, false}, options, problems));
  BOOST_TEST(problems.empty());
  BOOST_TEST(options.start_timestamp.value_or(-1) == 1700000100);
  BOOST_TEST(options.end_timestamp.value_or(-1) == 1700090000);
  BOOST_TEST(options.max_attempts == 2u);
  BOOST_TEST(options.reattempt_wait == 600u);
  BOOST_TEST(options.result_url == "https://example.com/r");

  // phone_number and metadata come from the file.
  problems.clear();
  BOOST_TEST(validate_call_options(R"({"phone_number":"6175551234","metadata":{"a":1}})", ValidationOptions{kNow, false},
                                   options, problems));
  BOOST_TEST((codes(problems) == std::vector<Code>{Code::unknown_parameter, Code::unknown_parameter}));
  BOOST_TEST(mentions(problems, "destination column"));
  BOOST_TEST(mentions(problems, "other columns"));

  // The same rules as a single request.
  problems.clear();
  BOOST_TEST(!validate_call_options(R"({"max_attempts":3,"end_timestamp":"x","is_pci":2,"phone_numbr":1})",
                                    ValidationOptions{kNow, false}, options, problems));
  BOOST_TEST((codes(problems) == std::vector<Code>{Code::invalid_timestamp, Code::max_attempts_requires_reattempt_wait,
                                                   Code::invalid_is_pci, Code::unknown_parameter}));
  problems.clear();
  BOOST_TEST(!validate_call_options("[1]", ValidationOptions{kNow, false}, options, problems));
  BOOST_TEST((codes(problems) == std::vector<Code>{Code::invalid_params}));
}

BOOST_AUTO_TEST_SUITE_END()
