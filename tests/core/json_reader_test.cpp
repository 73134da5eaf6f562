// The core's one JSON reader (core/src/json_reader.hpp): the tree's rules, whole(), write_value and
// the snapshot's pull reader.
#include <boost/test/unit_test.hpp>
#include <string>

#include "json_reader.hpp"

namespace json = fuse::json;

namespace {
json::Node must_read(const std::string& text, json::ReadLimits limits = {}) {
  json::Node n;
  json::ReadError error;
  BOOST_REQUIRE_MESSAGE(json::read(text, limits, n, error), error.message);
  return n;
}
std::string written(const json::Node& n) {
  std::string out;
  json::write_value(out, n);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_reader)

BOOST_AUTO_TEST_CASE(a_key_given_twice_keeps_its_first_place_and_its_last_value) {
  const json::Node n = must_read(R"({"a":1,"b":2,"a":3,"a":4})");
  BOOST_TEST(n.members.size() == 4u);
  BOOST_TEST(!n.members[0].duplicate);
  BOOST_TEST(n.members[2].duplicate);
  BOOST_TEST(n.members[3].duplicate);
  BOOST_TEST(json::find(n, "a")->integer == 4);
  BOOST_TEST(written(n) == R"({"a":4,"b":2})");
}

BOOST_AUTO_TEST_CASE(arrays_keep_their_elements_only_when_asked_and_within_the_levels) {
  const std::string text = R"({"list":[1,"x",{"k":[true,null]}],"o":{"p":{"q":1}}})";
  const json::Node counted = must_read(text, {2, false});
  const json::Node* list = json::find(counted, "list");
  BOOST_TEST(list->count == 3u);
  BOOST_TEST(list->elements.empty());
  BOOST_TEST(list->compact_bytes == std::string(R"([1,"x",{"k":[true,null]}])").size());
  const json::Node kept = must_read(text, {5, true});
  BOOST_TEST(json::find(kept, "list")->elements.size() == 3u);
  BOOST_TEST(written(kept) == text);
  // Past the levels only kind, count and size are kept.
  const json::Node shallow = must_read(text, {2, true});
  BOOST_TEST(json::find(*json::find(shallow, "o"), "p")->members.empty());
  BOOST_TEST(json::find(*json::find(shallow, "o"), "p")->count == 1u);
}

BOOST_AUTO_TEST_CASE(hostile_nesting_is_counted_without_being_stored) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const json::Node n = must_read(deep, {3, true});
  BOOST_TEST(n.elements.size() == 1u);
  const json::Node& third = n.elements[0].elements[0];  // level 3: the last kept
  BOOST_TEST(third.elements.size() == 1u);
  BOOST_TEST(third.elements[0].elements.empty());  // level 4: counted only
  BOOST_TEST(third.elements[0].count == 1u);
  BOOST_TEST(third.elements[0].compact_bytes == deep.size() - 6);
  BOOST_TEST(n.compact_bytes == deep.size());
  BOOST_TEST(json::max_nesting(deep) == 100000u);
}

BOOST_AUTO_TEST_CASE(whole_reads_numbers_of_whole_value_and_digit_strings) {
  const auto status = [](const std::string& text) { return json::whole(must_read(text)).status; };
  BOOST_TEST(json::whole(must_read("42")).value == 42);
  BOOST_TEST(json::whole(must_read("4.2e1")).value == 42);  // one number type: judged by value
  BOOST_TEST(json::whole(must_read(R"(" 17 ")")).value == 17);
  BOOST_TEST((status("-3") == json::Whole::negative));
  BOOST_TEST(json::whole(must_read(R"("-3")")).value == -3);
  BOOST_TEST((status("1.5") == json::Whole::not_whole));
  BOOST_TEST((status(R"("1e3")") == json::Whole::not_whole));
  BOOST_TEST((status("1e300") == json::Whole::too_large));
  BOOST_TEST((status(R"("99999999999999999999")") == json::Whole::too_large));
  BOOST_TEST((status("true") == json::Whole::wrong_type));
  BOOST_TEST((status(R"("")") == json::Whole::not_whole));
}

BOOST_AUTO_TEST_CASE(numbers_keep_their_output_form_and_invalid_text_says_where) {
  BOOST_TEST(written(must_read("[1.50,1e2,-0,100000000000000000000]", {1, true})) == "[1.5,100,0,100000000000000000000]");
  json::Node n;
  json::ReadError error;
  BOOST_TEST(!json::read("{\"a\":}", {}, n, error));
  BOOST_TEST(error.message.find("line 1, column 6") != std::string::npos, error.message);
}

BOOST_AUTO_TEST_CASE(the_pull_reader_follows_a_fixed_layout_and_names_the_byte_of_a_deviation) {
  json::PullReader r(R"({"n":12,"s":"a\u00e9\ud83d\ude00","l":[1,2]})");
  std::int64_t v = 0;
  std::string s;
  BOOST_TEST(r.expect('{'));
  BOOST_TEST(r.key("n"));
  BOOST_TEST(r.integer(v, 0, 100, "n"));
  BOOST_TEST(v == 12);
  BOOST_TEST(r.expect(','));
  BOOST_TEST(r.key("s"));
  BOOST_TEST(r.string(s, "s"));
  BOOST_TEST(s == "a\xC3\xA9\xF0\x9F\x98\x80");
  BOOST_TEST(r.expect(','));
  BOOST_TEST(r.key("l"));
  BOOST_TEST(r.expect('['));
  bool first = true;
  int count = 0;
  while (r.next_element(first)) count += r.integer(v, 0, 9, "element") ? 1 : 0;
  BOOST_TEST(count == 2);
  BOOST_TEST(r.expect('}'));
  BOOST_TEST(r.at_end());

  json::PullReader bad(R"({"n":012})");
  BOOST_TEST(bad.expect('{'));
  BOOST_TEST(bad.key("n"));
  BOOST_TEST(!bad.integer(v, 0, 100, "n"));
  BOOST_TEST(bad.error() == "n: leading zero (at byte 5)");
  json::PullReader lone(R"("\ud83d")");
  BOOST_TEST(!lone.string(s, "s"));
  BOOST_TEST(lone.error().find("lone surrogate") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
