// The CSV tokenizer (SPEC 4) through fuse/csv_reader.hpp: records, line numbers, errors, and the same
// answer for every way of splitting the input into chunks.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "fuse/csv_reader.hpp"
#include "test_support.hpp"

using namespace fuse;

namespace fuse {
inline std::ostream& operator<<(std::ostream& os, CsvRecordError e) {
  constexpr const char* names[] = {"none", "invalid_quote", "invalid_utf8", "too_large"};
  return os << names[static_cast<int>(e)];
}
inline std::ostream& operator<<(std::ostream& os, CsvFileError e) {
  constexpr const char* names[] = {"none", "wide_encoding", "unterminated_quote"};
  return os << names[static_cast<int>(e)];
}
}  // namespace fuse

namespace {

struct Rec {
  std::uint64_t line, end_line, bytes;
  std::size_t field_count;
  std::vector<std::string> fields;
  CsvRecordError error;
  std::size_t error_field, error_offset;
  bool operator==(const Rec&) const = default;
};

struct Read {
  std::vector<Rec> records;
  CsvFileError file_error = CsvFileError::none;
  std::uint64_t quote_line = 0;
  bool bom = false;
  bool operator==(const Read&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Read& r) {
  os << "file_error=" << r.file_error << " quote_line=" << r.quote_line << " records:";
  for (const auto& rec : r.records) {
    os << "\n  line " << rec.line << "-" << rec.end_line << " bytes " << rec.bytes << " err " << rec.error << "@"
       << rec.error_field << ":" << rec.error_offset << " [";
    for (const auto& f : rec.fields) os << '<' << f << '>';
    os << "] n=" << rec.field_count;
  }
  return os;
}

void drain(CsvReader& reader, Read& out) {
  CsvRecord r;
  while (reader.next(r)) {
    Rec rec{r.line, r.end_line, r.bytes, r.field_count, {}, r.error, r.error_field, r.error_offset};
    for (auto f : r.fields) rec.fields.emplace_back(f);
    out.records.push_back(std::move(rec));
  }
}

// Feeds `input` in chunks of the given sizes (cycled; 0 = everything at once).
Read read(std::string_view input, std::vector<std::size_t> sizes = {0}, std::size_t max_record = kDefaultMaxCsvRecordBytes) {
  CsvReader reader(max_record);
  Read out;
  std::size_t k = 0;
  while (!input.empty()) {
    std::size_t n = sizes[k++ % sizes.size()];
    if (n == 0 || n > input.size()) n = input.size();
    // Each chunk lives in its own buffer, which is destroyed after use, as with a network read.
    std::string chunk(input.substr(0, n));
    input.remove_prefix(n);
    reader.feed(chunk);
    drain(reader, out);
  }
  reader.finish();
  drain(reader, out);
  out.file_error = reader.file_error();
  out.quote_line = reader.quote_line();
  out.bom = reader.had_utf8_bom();
  return out;
}

std::vector<std::vector<std::string>> fields_of(const Read& r) {
  std::vector<std::vector<std::string>> out;
  for (const auto& rec : r.records) out.push_back(rec.fields);
  return out;
}

std::vector<std::uint64_t> lines_of(const Read& r) {
  std::vector<std::uint64_t> out;
  for (const auto& rec : r.records) out.push_back(rec.line);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;
using Lines = std::vector<std::uint64_t>;

// Every split of the input into two chunks, into three, and byte by byte gives the same result as
// reading it at once.
void check_every_split(std::string_view input, std::size_t max_record = kDefaultMaxCsvRecordBytes) {
  const Read whole = read(input, {0}, max_record);
  BOOST_TEST_CONTEXT("input " << input.size() << " bytes") {
    BOOST_TEST(read(input, {1}, max_record) == whole);
    BOOST_TEST(read(input, {2, 3, 1}, max_record) == whole);
    for (std::size_t i = 1; i < input.size(); ++i) {
      BOOST_TEST_CONTEXT("split at " << i) {
        BOOST_TEST(read(input, {i, 0}, max_record) == whole);
        for (std::size_t j = 1; i + j < input.size(); j += 3)
          BOOST_TEST(read(input, {i, j, 0}, max_record) == whole);
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_reader)

BOOST_AUTO_TEST_CASE(plain_records) {
  const auto r = read("destination,name\n6175551234,Ann\n16175551234,Bob\n");
  BOOST_TEST((fields_of(r) == Rows{{"destination", "name"}, {"6175551234", "Ann"}, {"16175551234", "Bob"}}));
  BOOST_TEST((lines_of(r) == Lines{1, 2, 3}));
  BOOST_TEST(r.records[1].bytes == 14u);
  BOOST_TEST(r.file_error == CsvFileError::none);
}

BOOST_AUTO_TEST_CASE(last_record_without_line_break_and_empty_fields) {
  const auto r = read("a,,b\n,\n,x,");
  BOOST_TEST((fields_of(r) == Rows{{"a", "", "b"}, {"", ""}, {"", "x", ""}}));
  BOOST_TEST(r.records[2].field_count == 3u);
}

BOOST_AUTO_TEST_CASE(every_line_end) {
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    BOOST_TEST_CONTEXT("line end " << (eol[0] == '\n' ? "LF" : eol[1] ? "CRLF" : "CR")) {
      const std::string input = std::string("h1,h2") + eol + "a,b" + eol + "c,d" + eol;
      const auto r = read(input);
      BOOST_TEST((fields_of(r) == Rows{{"h1", "h2"}, {"a", "b"}, {"c", "d"}}));
      BOOST_TEST((lines_of(r) == Lines{1, 2, 3}));
    }
  }
  // Mixed in one file; CR CR LF is two line breaks (an empty line in between).
  const auto r = read("a\r\nb\nc\rd\r\r\ne");
  BOOST_TEST((fields_of(r) == Rows{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}}));
  BOOST_TEST((lines_of(r) == Lines{1, 2, 3, 4, 6}));
}

BOOST_AUTO_TEST_CASE(quoted_fields) {
  const auto r = read("\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\",x\n");
  BOOST_TEST((fields_of(r) == Rows{{"a,b", "say \"hi\"", ""}, {"\"", "x"}}));
  BOOST_TEST(r.records[0].error == CsvRecordError::none);
}

BOOST_AUTO_TEST_CASE(line_breaks_inside_quotes_count_as_lines) {
  const std::string input = "h,note\n1,\"two\nlines\"\n2,\"cr\rand\r\ncrlf\"\n3,x\n";
  const auto r = read(input);
  BOOST_TEST((fields_of(r) == Rows{{"h", "note"}, {"1", "two\nlines"}, {"2", "cr\rand\r\ncrlf"}, {"3", "x"}}));
  BOOST_TEST((lines_of(r) == Lines{1, 2, 4, 7}));
  BOOST_TEST(r.records[1].end_line == 3u);
  BOOST_TEST(r.records[2].end_line == 6u);
  check_every_split(input);
}

BOOST_AUTO_TEST_CASE(spaces_around_quoted_fields_are_dropped) {
  const auto r = read("  \"a, b\"  ,\t\"c\"\t\n x ,y\n");
  BOOST_TEST((fields_of(r) == Rows{{"a, b", "c"}, {" x ", "y"}}));
  BOOST_TEST(r.records[0].error == CsvRecordError::none);
}

BOOST_AUTO_TEST_CASE(blank_lines_are_skipped_but_counted) {
  const auto r = read("\n\nh\n  \n\t\r\n\r\na\n\n");
  BOOST_TEST((fields_of(r) == Rows{{"h"}, {"a"}}));
  BOOST_TEST((lines_of(r) == Lines{3, 7}));
  // A quoted empty field is not a blank line.
  BOOST_TEST((fields_of(read("h\n\"\"\n")) == Rows{{"h"}, {""}}));
  // Nor is a line of commas.
  BOOST_TEST((fields_of(read("h\n,\n")) == Rows{{"h"}, {"", ""}}));
}

BOOST_AUTO_TEST_CASE(empty_input) {
  BOOST_TEST(read("").records.empty());
  BOOST_TEST(read("\n\r\n  \n").records.empty());
  BOOST_TEST(read("\xEF\xBB\xBF").records.empty());
  BOOST_TEST(read("").file_error == CsvFileError::none);
}

BOOST_AUTO_TEST_CASE(utf8_bom_is_skipped) {
  const auto r = read("\xEF\xBB\xBF" "destination\n1\n");
  BOOST_TEST(r.bom);
  BOOST_TEST((fields_of(r) == Rows{{"destination"}, {"1"}}));
  BOOST_TEST(read("\xEF\xBB\xBF" "a", {1}).bom);
  BOOST_TEST((fields_of(read("\xEF\xBB\xBF" "a", {1})) == Rows{{"a"}}));
  // Only at the start.
  const auto later = read("a\n\xEF\xBB\xBF" "b\n");
  BOOST_TEST(!later.bom);
  BOOST_TEST(later.records[1].fields[0] == "\xEF\xBB\xBF" "b");
}

BOOST_AUTO_TEST_CASE(wide_encodings_are_a_file_error) {
  const std::string utf16le("\xFF\xFE" "d\0e\0s\0t\0", 10);
  const std::string utf16be("\xFE\xFF" "\0d\0e\0s\0t", 10);
  const std::string no_bom("d\0e\0s\0t\0\n\0", 10);
  for (const auto& input : {utf16le, utf16be, no_bom}) {
    const auto r = read(input);
    BOOST_TEST(r.file_error == CsvFileError::wide_encoding);
    BOOST_TEST(r.records.empty());
    BOOST_TEST(read(input, {1}) == r);
  }
}

BOOST_AUTO_TEST_CASE(stray_quotes) {
  // A quote inside an unquoted field.
  auto r = read("h1,h2\n5\" screen,x\nok,y\n");
  BOOST_REQUIRE(r.records.size() == 3u);
  BOOST_TEST(r.records[1].error == CsvRecordError::invalid_quote);
  BOOST_TEST(r.records[1].error_field == 0u);
  BOOST_TEST(r.records[1].fields[0] == "5\" screen");
  BOOST_TEST(r.records[2].error == CsvRecordError::none);  // the next line reads normally
  // Text after a closing quote: the field is given raw.
  r = read("a,\"b\"c,\"d\"\"\"e\n");
  BOOST_TEST(r.records[0].error == CsvRecordError::invalid_quote);
  BOOST_TEST(r.records[0].error_field == 1u);
  BOOST_TEST((r.records[0].fields == std::vector<std::string>{"a", "\"b\"c", "\"d\"\"\"e"}));
  BOOST_TEST(r.records[0].field_count == 3u);
}

BOOST_AUTO_TEST_CASE(unterminated_quote_names_the_line_it_opened_on) {
  const std::string input = "h,n\n1,ok\n2,\"never\nclosed\n3,x\n";
  const auto r = read(input);
  BOOST_TEST(r.file_error == CsvFileError::unterminated_quote);
  BOOST_TEST(r.quote_line == 3u);
  BOOST_TEST((fields_of(r) == Rows{{"h", "n"}, {"1", "ok"}}));
  check_every_split(input);
  // A quote closed by the very last byte is fine.
  const auto closed = read("a,\"b\nc\"");
  BOOST_TEST(closed.file_error == CsvFileError::none);
  BOOST_TEST((fields_of(closed) == Rows{{"a", "b\nc"}}));
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_found_per_record) {
  const std::string input = "h,name\n1,Zo\xC3\xAB\n2,Zo\xEB\n3,\"\xF0\x9F\x93\x9E ok\"\n4,\xED\xA0\x80\n";
  const auto r = read(input);
  BOOST_REQUIRE(r.records.size() == 5u);
  BOOST_TEST(r.records[1].error == CsvRecordError::none);
  BOOST_TEST(r.records[2].error == CsvRecordError::invalid_utf8);
  BOOST_TEST(r.records[2].error_field == 1u);
  BOOST_TEST(r.records[2].error_offset == 2u);
  BOOST_TEST(r.records[3].error == CsvRecordError::none);
  BOOST_TEST(r.records[4].error == CsvRecordError::invalid_utf8);  // an encoded surrogate
  check_every_split(input);
  // A sequence cut by the end of its field (or the file).
  BOOST_TEST(read("a,\xE2\x82\n").records[0].error == CsvRecordError::invalid_utf8);
  BOOST_TEST(read("a,\xE2\x82").records[0].error == CsvRecordError::invalid_utf8);
}

BOOST_AUTO_TEST_CASE(records_over_the_cap_are_not_kept) {
  const std::string big(100, 'x');
  const std::string input = "h,v\n1," + big + "\n2,\"" + big + "\n" + big + "\"\n3,ok\n";
  const auto r = read(input, {0}, 64);
  BOOST_REQUIRE(r.records.size() == 4u);
  BOOST_TEST(r.records[1].error == CsvRecordError::too_large);
  BOOST_TEST(r.records[1].fields.empty());
  BOOST_TEST(r.records[1].field_count == 2u);
  BOOST_TEST(r.records[1].bytes == 102u);
  BOOST_TEST(r.records[2].error == CsvRecordError::too_large);
  BOOST_TEST(r.records[2].line == 3u);
  BOOST_TEST(r.records[3].line == 5u);  // line counting continues through the dropped record
  BOOST_TEST((r.records[3].fields == std::vector<std::string>{"3", "ok"}));
  // At the cap exactly is fine.
  const auto at_cap = read(std::string(64, 'y') + "\n", {0}, 64);
  BOOST_TEST(at_cap.records[0].error == CsvRecordError::none);
  check_every_split(input, 64);
}

BOOST_AUTO_TEST_CASE(a_huge_record_fed_in_small_chunks_is_scanned_not_buffered) {
  // 8 MiB in one field, fed 4 KiB at a time with a 1 MiB cap: read in linear time, reported once.
  std::string input = "h\n\"";
  input.append(8u << 20, 'z');
  input += "\"\nnext\n";
  const auto r = read(input, {4096});
  BOOST_REQUIRE(r.records.size() == 3u);
  BOOST_TEST(r.records[1].error == CsvRecordError::too_large);
  BOOST_TEST(r.records[1].bytes == (8u << 20) + 2);
  BOOST_TEST(r.records[2].fields[0] == "next");
}

BOOST_AUTO_TEST_CASE(every_split_of_a_tricky_file) {
  const std::string input =
      "\xEF\xBB\xBF" "destination , note,city\r\n"
      "6175551234,\"multi\r\nline \"\"quoted\"\"\",Z\xC3\xBCrich\r\n"
      "\r\n"
      "  \t \r"
      "tel:+16175551234,\"a,b\",\"\xE2\x82\xAC\"\r"
      "16175551234;ani=8009957586,x\"y,z\n"
      "1,\"\",\n"
      "2,bad\xFF,\"ok\"  \n"
      "3,\"c\"d,e";
  const auto whole = read(input);
  BOOST_TEST(whole.records.size() == 7u);
  BOOST_TEST((lines_of(whole) == Lines{1, 2, 6, 7, 8, 9, 10}));
  check_every_split(input);
}

BOOST_AUTO_TEST_SUITE_END()
