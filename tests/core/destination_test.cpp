// Destination parsing (SPEC 2) through fuse/destination.hpp.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "fuse/bridge_destination.hpp"
#include "fuse/destination.hpp"
#include "test_support.hpp"

using namespace fuse;
using fuse::test::codes;
using fuse::test::mentions;

namespace {

struct Parsed {
  bool ok;
  Destination d;
  Problems problems;
};

Parsed parse(std::string_view input, std::string_view field = "phone_number") {
  Parsed p;
  p.ok = parse_destination(input, p.d, p.problems, field);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(destination)

BOOST_AUTO_TEST_CASE(every_form_in_the_platform_doc) {
  struct Case {
    const char* input;
    const char* uri;
  } cases[] = {
      {"6175551234", "tel:+16175551234"},
      {"16175551234", "tel:+16175551234"},
      {"tel:+16175551234", "tel:+16175551234"},
      {"16175551234;ani=8009957586", "tel:+16175551234;ani=8009957586"},
      {"16175551234;postd=2", "tel:+16175551234;postd=2"},
      {"tel:+16175551234;ani=8009957586;postd=2", "tel:+16175551234;ani=8009957586;postd=2"},
      {"tel:+12125551234;ani=8009957586", "tel:+12125551234;ani=8009957586"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      const auto p = parse(c.input);
      BOOST_TEST(p.ok);
      BOOST_TEST(p.problems.empty());
      BOOST_TEST(p.d.uri() == c.uri);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_count_of_digits_reads_in_the_singular_for_one) {
  const Parsed one = parse("5");
  BOOST_REQUIRE(!one.ok);
  BOOST_TEST(one.problems[0].message.find("has 1 digit, so its country is unclear") != std::string::npos,
             one.problems[0].message);
  const Parsed nine = parse("617555123");
  BOOST_TEST(nine.problems[0].message.find("has 9 digits, so its country is unclear") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(normalised_fields) {
  const auto p = parse("  TEL:+1 (617) 555-1234;ANI=800.995.7586;PostD=1w2p#*a  ");
  BOOST_REQUIRE(p.ok);
  BOOST_TEST(p.d.number.e164() == "+16175551234");
  BOOST_TEST(p.d.number.country_code == 1);
  BOOST_TEST(p.d.number.national_number() == "6175551234");
  BOOST_TEST(p.d.has_ani);
  BOOST_TEST(p.d.ani.e164() == "+18009957586");
  BOOST_TEST(p.d.postd_view() == "1w2p#*A");
  BOOST_TEST(p.d.uri() == "tel:+16175551234;ani=8009957586;postd=1w2p#*A");
}

BOOST_AUTO_TEST_CASE(international_forms) {
  BOOST_TEST(parse("+44 20 7946 0958").d.uri() == "tel:+442079460958");
  BOOST_TEST(parse("011 44 20 7946 0958").d.uri() == "tel:+442079460958");
  BOOST_TEST(parse("01144 20 7946 0958").d.number.country_code == 44);
  // A non-NANP caller ID is written as +E.164 in the URI.
  BOOST_TEST(parse("6175551234;ani=+442079460958").d.uri() == "tel:+16175551234;ani=+442079460958");
  // Three-digit country codes and non-geographic codes.
  BOOST_TEST(parse("+353 1 234 5678").d.number.country_code == 353);
  BOOST_TEST(parse("+800 1234 5678").d.number.country_code == 800);
}

BOOST_AUTO_TEST_CASE(country_table_is_prefix_free_and_bounded) {
  // Country calling codes never prefix each other: the parser relies on it.
  for (auto a = country_calling_codes_begin(); a != country_calling_codes_end(); ++a) {
    BOOST_TEST(a->national_lengths != 0u);
    for (unsigned c = a->code; c < 100; c = c * 10)
      for (unsigned d = 0; d < 10; ++d)
        if (c * 10 + d != a->code) BOOST_TEST(find_country_calling_code(c * 10 + d) == nullptr);
  }
  BOOST_TEST(find_country_calling_code(1) != nullptr);
  BOOST_TEST(find_country_calling_code(999) == nullptr);
  BOOST_TEST(find_country_calling_code(100000) == nullptr);
}

BOOST_AUTO_TEST_CASE(per_country_possible_lengths) {
  // GB (+44) national numbers have 7, 9 or 10 digits.
  BOOST_TEST(parse("+44 2079460958").ok);
  BOOST_TEST(parse("+44 800 1111").ok);
  const auto eight = parse("+44 20794609");
  BOOST_TEST(!eight.ok);
  BOOST_TEST(mentions(eight.problems, "7, 9 or 10 digits"));
  BOOST_TEST(mentions(eight.problems, "this one has 8"));
  // More than 15 digits in all is never E.164.
  BOOST_TEST(!parse("+49 1234567890123456").ok);
}

BOOST_AUTO_TEST_CASE(ambiguous_without_plus) {
  for (const char* input : {"12345", "617555123", "26175551234", "442079460958", "+", "()"}) {
    BOOST_TEST_CONTEXT(input) {
      const auto p = parse(input);
      BOOST_TEST(!p.ok);
      BOOST_TEST((codes(p.problems) == std::vector<Code>{Code::invalid_phone_number}));
    }
  }
  BOOST_TEST(mentions(parse("26175551234").problems, "country is unclear"));
  BOOST_TEST(!parse("011").ok);
  BOOST_TEST(mentions(parse("011").problems, "must be followed by a country code"));
}

BOOST_AUTO_TEST_CASE(nanp_area_code_and_exchange_rules) {
  struct Case {
    const char* input;
    bool ok;
    const char* says;
  } cases[] = {
      {"1175551234", false, "area code 117"},  // area code starts 0/1
      {"0175551234", false, "area code 017"},
      {"6915551234", false, "middle digit"},   // x9x area codes are reserved
      {"4115551234", false, "service code"},   // N11
      {"6171551234", false, "exchange 155"},   // exchange starts 0/1
      {"6174111234", false, "exchange 411"},   // N11 exchange
      {"+1 911 211 1234", false, "service code"},
      {"2125551234", true, ""},
      {"8009957586", true, ""},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      const auto p = parse(c.input);
      BOOST_TEST(p.ok == c.ok);
      if (!c.ok) BOOST_TEST(mentions(p.problems, c.says));
    }
  }
  // Area code and exchange both wrong: both reported.
  const auto both = parse("9111111234");
  BOOST_TEST(both.problems.size() == 2u);
}

BOOST_AUTO_TEST_CASE(fictional_range_is_a_warning) {
  const auto p = parse("617-555-0123");
  BOOST_TEST(p.ok);
  BOOST_TEST((codes(p.problems) == std::vector<Code>{Code::fictional_number}));
  BOOST_TEST(p.problems[0].severity == Severity::warning);
  BOOST_TEST(parse("617-555-0200").problems.empty());
  BOOST_TEST(parse("617-555-0099").problems.empty());
  // The caller ID gets the same warning.
  const auto ani = parse("6175551234;ani=2125550150");
  BOOST_TEST(ani.ok);
  BOOST_TEST(mentions(ani.problems, "caller ID"));
}

BOOST_AUTO_TEST_CASE(ani_rules) {
  BOOST_TEST((codes(parse("6175551234;ani=123").problems) == std::vector<Code>{Code::invalid_ani}));
  BOOST_TEST((codes(parse("6175551234;ani=").problems) == std::vector<Code>{Code::invalid_ani}));
  BOOST_TEST((codes(parse("6175551234;ani").problems) == std::vector<Code>{Code::invalid_ani}));
  BOOST_TEST((codes(parse("6175551234;ani=8009957586;ani=8009957586").problems) ==
              std::vector<Code>{Code::invalid_ani}));
  BOOST_TEST(parse("6175551234;ani=011442079460958").d.ani.e164() == "+442079460958");
}

BOOST_AUTO_TEST_CASE(postd_rules) {
  BOOST_TEST(parse("6175551234;postd=ww123#").d.postd_view() == "ww123#");
  BOOST_TEST(parse("6175551234;postd=(1) 2-3").d.postd_view() == "123");
  BOOST_TEST(parse("6175551234;postd=PWabcd").d.postd_view() == "pwABCD");
  BOOST_TEST(parse("6175551234;postd=" + std::string(32, '1')).ok);
  const auto too_long = parse("6175551234;postd=" + std::string(33, '1'));
  BOOST_TEST((codes(too_long.problems) == std::vector<Code>{Code::invalid_postd}));
  BOOST_TEST(mentions(too_long.problems, "33 characters"));
  BOOST_TEST((codes(parse("6175551234;postd=12e").problems) == std::vector<Code>{Code::invalid_postd}));
  BOOST_TEST((codes(parse("6175551234;postd=").problems) == std::vector<Code>{Code::invalid_postd}));
  BOOST_TEST((codes(parse("6175551234;postd=--").problems) == std::vector<Code>{Code::invalid_postd}));
}

BOOST_AUTO_TEST_CASE(other_parameters_are_errors) {
  for (const char* input : {"6175551234;ext=12", "6175551234;isub=1", "tel:6175551234;phone-context=+1",
                            "6175551234;foo=bar", "6175551234;", "6175551234;;postd=1", ";ani=8009957586"}) {
    BOOST_TEST_CONTEXT(input) {
      const auto p = parse(input);
      BOOST_TEST(!p.ok);
      BOOST_TEST(!p.problems.empty());
      BOOST_TEST(p.problems[0].code == Code::invalid_phone_number);
    }
  }
  BOOST_TEST(mentions(parse("6175551234;ext=12").problems, "postd="));
}

BOOST_AUTO_TEST_CASE(several_problems_are_all_reported) {
  const auto p = parse("tel:+1911555;ext=1;ani=12;postd=xx");
  BOOST_TEST(!p.ok);
  BOOST_TEST((codes(p.problems) == std::vector<Code>{Code::invalid_phone_number, Code::invalid_phone_number,
                                                      Code::invalid_ani, Code::invalid_postd}));
}

BOOST_AUTO_TEST_CASE(bad_characters_and_lengths) {
  const auto letters = parse("1-800-FLOWERS");
  BOOST_TEST(!letters.ok);
  BOOST_TEST(mentions(letters.problems, "'F'"));
  BOOST_TEST(mentions(parse("617\xC2\xA0" "5551234").problems, "U+00A0"));
  BOOST_TEST(mentions(parse("617\xFF").problems, "0xFF"));
  BOOST_TEST(mentions(parse("+1+6175551234").problems, "'+' may only appear once"));
  BOOST_TEST((codes(parse("").problems) == std::vector<Code>{Code::missing_phone_number}));
  BOOST_TEST((codes(parse(" \t\r\n").problems) == std::vector<Code>{Code::missing_phone_number}));
  const std::string long_input = "6175551234;postd=" + std::string(250, '1');
  BOOST_TEST(mentions(parse(long_input).problems, "the limit is 256"));
  // 256 characters (spaces are separators) is still accepted.
  BOOST_TEST(parse(std::string(246, ' ') + "6175551234" + std::string(5, ' ') + "x").problems.size() == 1u);
}

BOOST_AUTO_TEST_CASE(field_name_is_used_in_problems) {
  const auto p = parse("12", "destination");
  BOOST_REQUIRE(!p.problems.empty());
  BOOST_TEST(p.problems[0].field == "destination");
  BOOST_TEST(mentions(p.problems, "destination \"12\""));
}

BOOST_AUTO_TEST_CASE(key_is_the_e164_digits) {
  BOOST_TEST(parse("6175551234").d.number.key() == 16175551234ull);
  BOOST_TEST(parse("+442079460958").d.number.key() == 442079460958ull);
  BOOST_TEST(parse("tel:+16175551234;postd=1").d.number.key() == parse("617 555 1234").d.number.key());
}

BOOST_AUTO_TEST_SUITE_END()

// The batch's text columns grow with what they hold, not with the worst case per entry (the uri
// column of 1M inputs once reserved 81 MB up front); the entries still come out whole.
BOOST_AUTO_TEST_CASE(batch_columns_grow_with_their_contents) {
  std::string utf8;
  std::vector<std::uint32_t> lengths;
  for (int i = 0; i < 20000; ++i) {
    const std::string input = "617" + std::to_string(2000000 + i);
    utf8 += input;
    lengths.push_back(static_cast<std::uint32_t>(input.size()));
  }
  const auto cols = fuse::bridge::parse_destinations(utf8, lengths.data(), lengths.size(),
                                                     fuse::bridge::kFieldUri | fuse::bridge::kFieldE164);
  // Doubling: at most twice what it holds plus one longest entry (and the small first block).
  BOOST_TEST(cols.uri.capacity() <= 2 * (cols.uri.size() + fuse::kMaxUriLength + 1) + 16384);
  BOOST_TEST(cols.uri.capacity() < lengths.size() * (fuse::kMaxUriLength + 1) / 2);
  BOOST_TEST(cols.uri.substr(0, 17) == "tel:+16172000000\n");
  BOOST_TEST(cols.uri.substr(cols.uri.size() - 16) == "tel:+16172019999");
  BOOST_TEST(static_cast<std::size_t>(std::count(cols.e164.begin(), cols.e164.end(), '\n')) == lengths.size() - 1);
}
