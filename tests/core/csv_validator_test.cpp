// Bulk CSV validation (SPEC 4) through fuse/csv_validator.hpp: every error code, row and line
// numbers, all-or-nothing versus partial, the rows handed to the consumer, chunking and limits.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "fuse/csv_validator.hpp"
#include "test_support.hpp"

using namespace fuse;

namespace {

struct Delivered {
  std::uint64_t row, line;
  std::string phone_number, uri, metadata;
  bool operator==(const Delivered&) const = default;
};

struct Outcome {
  CsvSummary summary;
  Problems problems;
  std::vector<Delivered> rows;
  std::vector<bool> can_commit_after_push;

  const Problem* find(Code code) const {
    for (const auto& p : problems)
      if (p.code == code) return &p;
    return nullptr;
  }
  std::vector<Code> codes() const {
    std::vector<Code> out;
    for (const auto& p : problems) out.push_back(p.code);
    return out;
  }
  std::uint64_t count(Code code) const { return summary.counts[static_cast<std::size_t>(code)]; }
};

CsvOptions default_options() {
  CsvOptions o;
  o.validation.now = 1'700'000'000;
  return o;
}

// Validates `csv` pushed in chunks of `chunk` bytes (0: at once).
Outcome run(std::string_view csv, CsvOptions options = default_options(), std::size_t chunk = 0,
            const Problems& upload_problems = {}) {
  Outcome out;
  CallOptions call;
  call.max_attempts = 3;
  call.reattempt_wait = 600;
  CsvValidator v(call, options, [&](const CsvRow& r) {
    BOOST_TEST(r.options.max_attempts == 3u);
    out.rows.push_back({r.row, r.line, std::string(r.phone_number), r.destination.uri(), std::string(r.metadata)});
  });
  v.add_upload_problems(upload_problems);
  if (chunk == 0) chunk = csv.size() ? csv.size() : 1;
  for (std::size_t i = 0; i < csv.size(); i += chunk) {
    // A fresh buffer per push: the validator must not keep views into it.
    const std::string piece(csv.substr(i, chunk));
    v.push(piece);
    out.can_commit_after_push.push_back(v.can_commit());
  }
  out.summary = v.finish();
  out.problems = v.problems();
  return out;
}

bool same_problems(const Problems& a, const Problems& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].code != b[i].code || a[i].severity != b[i].severity || a[i].field != b[i].field ||
        a[i].message != b[i].message || a[i].row != b[i].row || a[i].line != b[i].line)
      return false;
  }
  return true;
}

bool same_summary(const CsvSummary& a, const CsvSummary& b) {
  return a.ok == b.ok && a.rows == b.rows && a.valid == b.valid && a.invalid == b.invalid &&
         a.queued == b.queued && a.errors == b.errors && a.warnings == b.warnings && a.truncated == b.truncated &&
         a.bytes == b.bytes && a.counts == b.counts;
}

bool mentions(const Problem* p, std::string_view text) { return p && p->message.find(text) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_validator)

BOOST_AUTO_TEST_CASE(every_destination_form_with_metadata) {
  const auto r = run(
      "destination,name,address\n"
      "6175551234,Ann,\"12 Main St, Boston, MA\"\n"
      "16175551235,Bob,\n"
      "tel:+16175551236,,\n"
      "16175551237;ani=8009957586,\"Say \"\"hi\"\"\",x\n"
      " tel:+16175551238;ani=8009957586;postd=2 ,Eve,y\n");
  BOOST_TEST(r.problems.empty());
  BOOST_TEST(r.summary.ok);
  BOOST_TEST(r.summary.rows == 5u);
  BOOST_TEST(r.summary.valid == 5u);
  BOOST_TEST(r.summary.invalid == 0u);
  BOOST_TEST(r.summary.queued == 5u);
  BOOST_REQUIRE(r.rows.size() == 5u);
  BOOST_TEST((r.rows[0] == Delivered{1, 2, "6175551234", "tel:+16175551234",
                                     R"({"name":"Ann","address":"12 Main St, Boston, MA"})"}));
  BOOST_TEST((r.rows[1] == Delivered{2, 3, "16175551235", "tel:+16175551235", R"({"name":"Bob"})"}));
  BOOST_TEST((r.rows[2] == Delivered{3, 4, "tel:+16175551236", "tel:+16175551236", ""}));
  BOOST_TEST(r.rows[3].metadata == R"({"name":"Say \"hi\"","address":"x"})");
  BOOST_TEST(r.rows[3].uri == "tel:+16175551237;ani=8009957586");
  BOOST_TEST(r.rows[4].phone_number == "tel:+16175551238;ani=8009957586;postd=2");  // trimmed
  BOOST_TEST(r.rows[4].uri == "tel:+16175551238;ani=8009957586;postd=2");
}

BOOST_AUTO_TEST_CASE(header_is_trimmed_and_case_insensitive_for_destination) {
  const auto r = run(" Destination , first_name\t\n6175551234,Ann\n");
  BOOST_TEST(r.problems.empty());
  BOOST_REQUIRE(r.rows.size() == 1u);
  BOOST_TEST(r.rows[0].metadata == R"({"first_name":"Ann"})");
}

BOOST_AUTO_TEST_CASE(csv_empty_distinguishes_an_empty_file_from_a_header_without_rows) {
  for (const char* input : {"", "\n\n  \r\n", "\xEF\xBB\xBF"}) {
    const auto r = run(input);
    BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_empty}));
    BOOST_TEST(mentions(r.find(Code::csv_empty), "The file is empty"));
    BOOST_TEST(r.problems[0].row == 0u);
    BOOST_TEST(!r.summary.ok);
  }
  const auto header_only = run("destination,name\r\n\r\n");
  BOOST_TEST((header_only.codes() == std::vector<Code>{Code::csv_empty}));
  BOOST_TEST(mentions(header_only.find(Code::csv_empty), "header row (line 1) but no data rows"));
  // Even with partial, an empty upload is an error.
  CsvOptions partial = default_options();
  partial.partial = true;
  BOOST_TEST(!run("destination\n", partial).summary.ok);
}

BOOST_AUTO_TEST_CASE(csv_missing_destination_column) {
  const auto r = run("phone,name\n6175551234,Ann\n6175551235,Bob\n");
  BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_missing_destination_column}));
  const Problem* p = r.find(Code::csv_missing_destination_column);
  BOOST_TEST(p->row == 0u);
  BOOST_TEST(p->field == "destination");
  BOOST_TEST(mentions(p, "\"phone\""));
  BOOST_TEST(r.summary.rows == 2u);  // still counted
  BOOST_TEST(r.rows.empty());
  BOOST_TEST(!r.summary.ok);
}

BOOST_AUTO_TEST_CASE(csv_duplicate_column) {
  const auto r = run("destination,name,DESTINATION,name,Name\n6175551234,a,b,c,d\n");
  BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_duplicate_column, Code::csv_duplicate_column}));
  BOOST_TEST(r.problems[0].field == "destination");
  BOOST_TEST(mentions(&r.problems[0], "column 3"));
  BOOST_TEST(mentions(&r.problems[0], "column 1"));
  BOOST_TEST(r.problems[1].field == "name");
  BOOST_TEST(mentions(&r.problems[1], "column 4"));
  BOOST_TEST(mentions(&r.problems[1], "column 2"));
  BOOST_TEST(r.problems[1].row == 0u);
  BOOST_TEST(!r.summary.ok);
  // Rows are still checked so that every problem is reported at once.
  BOOST_TEST(r.summary.valid == 1u);
}

BOOST_AUTO_TEST_CASE(csv_invalid_column_name) {
  const auto r = run("destination,first name,,9lives,ok_name\n6175551234,a,b,c,d\n");
  BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_invalid_column_name, Code::csv_invalid_column_name,
                                             Code::csv_invalid_column_name}));
  BOOST_TEST(r.problems[0].field == "first name");
  BOOST_TEST(mentions(&r.problems[0], "column 2 (\"first name\")"));
  BOOST_TEST(mentions(&r.problems[0], "first_name"));  // the suggested fix
  BOOST_TEST(mentions(&r.problems[1], "column 3 has no name"));
  BOOST_TEST(mentions(&r.problems[2], "column 4 (\"9lives\")"));
  BOOST_TEST(!r.summary.ok);
  const std::string long_name(65, 'k');
  BOOST_TEST(run("destination," + long_name + "\n6175551234,x\n").count(Code::csv_invalid_column_name) == 1u);
  BOOST_TEST(run("destination," + long_name.substr(1) + "\n6175551234,x\n").problems.empty());
}

BOOST_AUTO_TEST_CASE(csv_unterminated_quote_is_file_level_and_names_its_line) {
  const auto r = run("destination,note\n6175551234,ok\n6175551235,\"multi\nline\"\n6175551236,\"oops\n6175551237,x\n");
  const Problem* p = r.find(Code::csv_unterminated_quote);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->row == 0u);
  BOOST_TEST(p->line == 0u);
  BOOST_TEST(mentions(p, "line 5"));
  BOOST_TEST(r.summary.rows == 2u);
  BOOST_TEST(!r.summary.ok);
  CsvOptions partial = default_options();
  partial.partial = true;
  BOOST_TEST(!run("destination\n6175551234\n\"6175551235\n", partial).summary.ok);
}

BOOST_AUTO_TEST_CASE(csv_invalid_quote_is_a_row_error) {
  const auto r = run("destination,size\n6175551234,5\" screen\n6175551235,\"a\"b\n6175551236,ok\n");
  BOOST_TEST(r.count(Code::csv_invalid_quote) == 2u);
  BOOST_TEST(r.problems[0].row == 1u);
  BOOST_TEST(r.problems[0].line == 2u);
  BOOST_TEST(r.problems[0].field == "size");
  BOOST_TEST(mentions(&r.problems[0], "Row 1 (line 2)"));
  BOOST_TEST(mentions(&r.problems[0], "column 2 (\"size\") has a quote inside an unquoted value: 5\" screen."));
  BOOST_TEST(mentions(&r.problems[0], ": \"5\"\" screen\"."));  // the fix
  BOOST_TEST(mentions(&r.problems[1], "text after its closing quote: \"a\"b."));
  BOOST_TEST(r.problems[1].row == 2u);
  BOOST_TEST(r.summary.valid == 1u);
  BOOST_TEST(r.summary.invalid == 2u);
}

BOOST_AUTO_TEST_CASE(csv_field_count_says_expected_and_found) {
  const auto r = run("destination,name,city\n6175551234,Ann,Boston, MA\n6175551235,Bob\n6175551236,Cy,NYC\n");
  BOOST_TEST(r.count(Code::csv_field_count) == 2u);
  BOOST_TEST(mentions(&r.problems[0], "has 4 fields but the header has 3 columns"));
  BOOST_TEST(mentions(&r.problems[0], "quotes"));
  BOOST_TEST(mentions(&r.problems[1], "has 2 fields but the header has 3 columns"));
  BOOST_TEST(r.problems[1].row == 2u);
  BOOST_TEST(r.problems[1].line == 3u);
  BOOST_TEST(r.rows.empty());  // all-or-nothing: nothing reaches the consumer after an error
  BOOST_TEST(!r.summary.ok);
  BOOST_TEST(r.summary.queued == 0u);
}

BOOST_AUTO_TEST_CASE(csv_invalid_utf8) {
  const auto r = run("destination,name\n6175551234,Zo\xEB\n6175551235,Zo\xC3\xAB\n");
  BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_invalid_utf8}));
  BOOST_TEST(r.problems[0].row == 1u);
  BOOST_TEST(r.problems[0].field == "name");
  BOOST_TEST(mentions(&r.problems[0], "0xEB"));
  BOOST_TEST(mentions(&r.problems[0], "UTF-8"));
  BOOST_TEST(r.summary.valid == 1u);
  // A UTF-16 file is one file-level problem.
  const std::string utf16("\xFF\xFE" "d\0e\0s\0t\0\n\0", 12);
  const auto wide = run(utf16);
  BOOST_TEST((wide.codes() == std::vector<Code>{Code::csv_invalid_utf8}));
  BOOST_TEST(wide.problems[0].row == 0u);
  BOOST_TEST(mentions(&wide.problems[0], "UTF-16"));
  BOOST_TEST(!wide.can_commit_after_push.back());
}

BOOST_AUTO_TEST_CASE(csv_too_many_rows_is_reported_once_with_the_total) {
  CsvOptions o = default_options();
  o.max_rows = 3;
  o.partial = true;
  std::string csv = "destination\n";
  for (int i = 0; i < 7; ++i) csv += "61755512" + std::to_string(30 + i) + "\n";
  const auto r = run(csv, o, 20);
  BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_too_many_rows}));
  BOOST_TEST(mentions(&r.problems[0], "7 data rows"));
  BOOST_TEST(mentions(&r.problems[0], "at most 3"));
  BOOST_TEST(r.problems[0].row == 0u);
  BOOST_TEST(r.summary.rows == 7u);
  BOOST_TEST(r.summary.valid == 3u);  // only the rows within the limit are checked
  BOOST_TEST(!r.summary.ok);      // a file-level error: nothing is queued, even with partial
  BOOST_TEST(r.summary.queued == 0u);
  BOOST_TEST(r.rows.size() <= 3u);
  BOOST_TEST(!r.can_commit_after_push.back());
  o.max_rows = 7;
  BOOST_TEST(run(csv, o).summary.ok);
}

BOOST_AUTO_TEST_CASE(duplicate_destination_names_the_first_row) {
  const auto r = run("destination\n6175551234\n6175551299\ntel:+16175551234;ani=8009957586\n617-555-1234\n");
  BOOST_TEST(r.count(Code::duplicate_destination) == 2u);
  BOOST_TEST(r.problems[0].severity == Severity::warning);
  BOOST_TEST(r.problems[0].row == 3u);
  BOOST_TEST(r.problems[0].line == 4u);
  BOOST_TEST(r.problems[0].field == "destination");
  BOOST_TEST(mentions(&r.problems[0], "+16175551234 is also on row 1"));
  BOOST_TEST(mentions(&r.problems[1], "also on row 1"));
  BOOST_TEST(r.summary.ok);  // warnings only
  BOOST_TEST(r.summary.queued == 4u);
}

BOOST_AUTO_TEST_CASE(many_duplicates_and_distinct_numbers) {
  // Enough numbers to make the table grow several times; every second row repeats an earlier one.
  std::string csv = "destination\n";
  const int distinct = 5000;
  for (int i = 0; i < distinct; ++i) csv += "+4420" + std::to_string(70000000 + i * 7) + "\n";
  for (int i = 0; i < distinct; i += 2) csv += "+4420" + std::to_string(70000000 + i * 7) + "\n";
  const auto r = run(csv);
  BOOST_TEST(r.count(Code::duplicate_destination) == std::uint64_t(distinct / 2));
  BOOST_TEST(mentions(r.find(Code::duplicate_destination), "is also on row 1;"));
  BOOST_TEST(r.summary.valid == std::uint64_t(distinct + distinct / 2));
}

BOOST_AUTO_TEST_CASE(row_errors_name_row_and_line_after_multiline_records) {
  const std::string csv =
      "destination,note\r\n"
      "6175551234,\"line one\r\nline two\r\nline three\"\r\n"
      "\r\n"
      "12345,x\r\n"
      "6175551235,\"a\nb\"\r\n"
      "  \r\n"
      "tel:+16175551236;ext=12,y\r\n";
  const auto r = run(csv);
  BOOST_REQUIRE(r.problems.size() == 2u);
  BOOST_TEST(r.problems[0].code == Code::invalid_phone_number);
  BOOST_TEST(r.problems[0].row == 2u);
  BOOST_TEST(r.problems[0].line == 6u);
  BOOST_TEST(r.problems[0].field == "destination");
  BOOST_TEST(mentions(&r.problems[0], "Row 2 (line 6): "));
  BOOST_TEST(mentions(&r.problems[0], "12345"));
  BOOST_TEST(r.problems[1].row == 4u);
  BOOST_TEST(r.problems[1].line == 10u);
  // The same file with CR-only line ends.
  std::string cr = csv;
  for (std::size_t i = 0; (i = cr.find("\r\n", i)) != std::string::npos;) cr.erase(i + 1, 1);
  const auto r2 = run(cr);
  BOOST_REQUIRE(r2.problems.size() == 2u);
  BOOST_TEST(r2.problems[0].line == 6u);
  BOOST_TEST(r2.problems[1].line == 10u);
  // And with a byte order mark.
  const auto r3 = run("\xEF\xBB\xBF" + csv);
  BOOST_TEST(r3.problems.size() == 2u);
  BOOST_TEST(r3.problems[1].line == 10u);
}

BOOST_AUTO_TEST_CASE(all_or_nothing_versus_partial) {
  const std::string csv = "destination,name\n6175551234,Ann\nnot a number,Bob\n6175551236,Cy\n";
  const auto strict = run(csv);
  BOOST_TEST(!strict.summary.ok);
  BOOST_TEST(strict.summary.errors == 1u);
  BOOST_TEST(strict.summary.valid == 2u);
  BOOST_TEST(strict.summary.invalid == 1u);
  BOOST_TEST(strict.summary.queued == 0u);
  BOOST_TEST(strict.rows.size() == 1u);  // delivered before the error was known; must not be queued

  CsvOptions o = default_options();
  o.partial = true;
  const auto partial = run(csv, o);
  BOOST_TEST(partial.summary.ok);  // accepted: the valid rows are queued, the error is reported
  BOOST_TEST(partial.summary.errors == 1u);
  BOOST_TEST(partial.summary.queued == 2u);
  BOOST_REQUIRE(partial.rows.size() == 2u);
  BOOST_TEST(partial.rows[0].row == 1u);
  BOOST_TEST(partial.rows[1].row == 3u);
  BOOST_TEST(partial.find(Code::invalid_phone_number)->row == 2u);

  // Errors in the upload's own parameters reject everything, partial or not.
  const Problems params{{Code::invalid_max_attempts, Severity::error, "max_attempts", "max_attempts must be 1..10"}};
  const auto bad_params = run(csv, o, 0, params);
  BOOST_TEST(!bad_params.summary.ok);
  BOOST_TEST(bad_params.problems[0].code == Code::invalid_max_attempts);
  BOOST_TEST(bad_params.problems[0].row == 0u);
  BOOST_TEST(bad_params.rows.empty());

  // Partial with no valid row: nothing to queue, not accepted.
  const auto none = run("destination\nbad\nworse\n", o);
  BOOST_TEST(!none.summary.ok);
  BOOST_TEST(none.summary.queued == 0u);
  BOOST_TEST(none.summary.invalid == 2u);
}

BOOST_AUTO_TEST_CASE(sensitive_data) {
  const std::string csv = "destination,ssn,note\n6175551234,,card 4111111111111111\n6175551235,x,\n6175551236,,\n";
  const auto r = run(csv);
  BOOST_TEST(r.count(Code::sensitive_key) == 1u);  // the column, once: not once per row
  BOOST_TEST(r.find(Code::sensitive_key)->row == 0u);
  BOOST_TEST(r.find(Code::sensitive_key)->field == "ssn");
  BOOST_TEST(r.count(Code::possible_card_number) == 1u);
  BOOST_TEST(r.find(Code::possible_card_number)->row == 1u);
  BOOST_TEST(r.find(Code::possible_card_number)->field == "note");
  BOOST_TEST(r.summary.ok);
  CsvOptions strict = default_options();
  strict.validation.strict = true;
  const auto s = run(csv, strict);
  BOOST_TEST(!s.summary.ok);
  BOOST_TEST(s.find(Code::possible_card_number)->severity == Severity::error);
}

BOOST_AUTO_TEST_CASE(metadata_limits) {
  const std::string big(40 * 1024, 'x');
  const auto r = run("destination,a,b\n6175551234," + big + "," + big + "\n6175551235," + big + ",\n");
  BOOST_TEST(r.count(Code::metadata_too_large) == 1u);
  BOOST_TEST(r.find(Code::metadata_too_large)->row == 1u);
  BOOST_TEST(r.find(Code::metadata_too_large)->field == "metadata");
  BOOST_TEST(mentions(r.find(Code::metadata_too_large), "65,536"));
  BOOST_TEST(r.summary.valid == 1u);
}

BOOST_AUTO_TEST_CASE(a_huge_record_is_a_row_error_and_not_buffered) {
  CsvOptions o = default_options();
  o.partial = true;
  std::string csv = "destination,blob\n6175551234,\"";
  csv.append(3u << 20, 'q');
  csv += "\"\n6175551235,ok\n";
  const auto r = run(csv, o, 64 * 1024);
  BOOST_TEST((r.codes() == std::vector<Code>{Code::metadata_too_large}));
  BOOST_TEST(r.problems[0].row == 1u);
  BOOST_TEST(r.problems[0].line == 2u);
  BOOST_TEST(mentions(&r.problems[0], "1,048,576"));
  BOOST_REQUIRE(r.rows.size() == 1u);
  BOOST_TEST(r.rows[0].row == 2u);
}

BOOST_AUTO_TEST_CASE(max_problems_keeps_counts_exact) {
  CsvOptions o = default_options();
  o.max_problems = 2;
  std::string csv = "destination\n";
  for (int i = 0; i < 10; ++i) csv += "bad" + std::to_string(i) + "\n";
  const auto r = run(csv, o);
  BOOST_TEST(r.problems.size() == 2u);
  BOOST_TEST(r.summary.truncated);
  BOOST_TEST(r.summary.errors == 10u);
  BOOST_TEST(r.summary.invalid == 10u);
  BOOST_TEST(r.count(Code::invalid_phone_number) == 10u);
  BOOST_TEST(!run(csv).summary.truncated);
}

// Once the stored list is full, later problems are only counted (their messages are never built):
// the stored ones are still the first in file order, duplicates and row errors alike.
BOOST_AUTO_TEST_CASE(max_problems_counts_duplicates_it_does_not_store) {
  CsvOptions o = default_options();
  o.max_problems = 3;
  std::string csv = "destination\n6175551234\n";
  for (int i = 0; i < 50; ++i) csv += i % 10 == 5 ? "bad\n" : "6175551234\n";
  const auto r = run(csv, o);
  BOOST_REQUIRE(r.problems.size() == 3u);
  BOOST_TEST(r.summary.truncated);
  BOOST_TEST(r.count(Code::duplicate_destination) == 45u);
  BOOST_TEST(r.count(Code::invalid_phone_number) == 5u);
  BOOST_TEST(r.summary.warnings == 45u);
  BOOST_TEST(r.summary.errors == 5u);
  BOOST_TEST(r.problems[0].row == 2u);
  BOOST_TEST(r.problems[2].row == 4u);
  BOOST_TEST(r.problems[0].message.find("also on row 1") != std::string::npos);
  CsvOptions all = default_options();
  const auto full = run(csv, all);
  BOOST_TEST(full.problems.size() == 50u);
  BOOST_TEST(full.problems[2].message == r.problems[2].message);
}

BOOST_AUTO_TEST_CASE(every_chunk_split_gives_the_same_result) {
  const std::string csv =
      "\xEF\xBB\xBF" "Destination , name,note\r\n"
      "6175551234,\"Zo\xC3\xAB\",\"multi\r\nline, with \"\"quotes\"\"\"\r\n"
      "\r\n"
      "16175551234,dup,\r"
      "tel:+16175551235;ani=8009957586;postd=2,\"a\"b,x\n"
      "bad,\xFF,y\n"
      "6175551236,too,many,fields\n"
      "16175551237;ani=8009957586,\"\xF0\x9F\x93\x9E\",\"4111111111111111\"\n"
      "6175551238,\"open";
  CsvOptions o = default_options();
  o.partial = true;
  const auto whole = run(csv, o);
  BOOST_TEST(whole.problems.size() >= 6u);
  for (std::size_t chunk = 1; chunk < csv.size(); ++chunk) {
    BOOST_TEST_CONTEXT("chunks of " << chunk) {
      const auto r = run(csv, o, chunk);
      BOOST_TEST(same_summary(r.summary, whole.summary));
      BOOST_TEST(same_problems(r.problems, whole.problems));
      BOOST_TEST((r.rows == whole.rows));
    }
  }
  // Two chunks split at every byte position.
  for (std::size_t at = 1; at < csv.size(); ++at) {
    BOOST_TEST_CONTEXT("split at " << at) {
      Outcome r;
      CsvValidator v(CallOptions{}, o, [&](const CsvRow& row) {
        r.rows.push_back({row.row, row.line, std::string(row.phone_number), row.destination.uri(),
                          std::string(row.metadata)});
      });
      v.push(std::string(csv.substr(0, at)));
      v.push(std::string(csv.substr(at)));
      r.summary = v.finish();
      BOOST_TEST(same_summary(r.summary, whole.summary));
      BOOST_TEST(same_problems(v.problems(), whole.problems));
      BOOST_TEST((r.rows == whole.rows));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_unreadable_header_is_a_file_level_error) {
  const auto quote = run("destination,\"na\"me\n6175551234,x\n");
  BOOST_TEST((quote.codes() == std::vector<Code>{Code::csv_invalid_quote}));
  BOOST_TEST(quote.problems[0].row == 0u);
  BOOST_TEST(mentions(&quote.problems[0], "header row (line 1), column 2"));
  BOOST_TEST(quote.summary.rows == 1u);
  BOOST_TEST(quote.summary.valid == 0u);  // without usable columns no row is judged
  const auto utf8 = run("destination,n\xE4me\n6175551234,x\n");
  BOOST_TEST((utf8.codes() == std::vector<Code>{Code::csv_invalid_utf8}));
  BOOST_TEST(utf8.problems[0].row == 0u);
  CsvOptions small = default_options();
  small.max_record_bytes = 16;
  const auto big = run("destination,a_rather_long_name\n6175551234,x\n", small);
  BOOST_TEST((big.codes() == std::vector<Code>{Code::csv_invalid_column_name}));
  BOOST_TEST(mentions(&big.problems[0], "bytes long"));
}

BOOST_AUTO_TEST_CASE(an_open_quote_without_rows_is_not_also_csv_empty) {
  const auto r = run("destination,note\n\"6175551234,x\n");
  BOOST_TEST((r.codes() == std::vector<Code>{Code::csv_unterminated_quote}));
  BOOST_TEST(mentions(&r.problems[0], "line 2"));
}

BOOST_AUTO_TEST_CASE(metadata_values_are_json_strings) {
  const auto r = run("destination,a,b,c,d\n6175551234,\"tab\there\",\"two\nlines\",back\\slash,Zo\xC3\xAB \xF0\x9F\x93\x9E\n");
  BOOST_REQUIRE(r.rows.size() == 1u);
  BOOST_TEST(r.rows[0].metadata ==
             "{\"a\":\"tab\\there\",\"b\":\"two\\nlines\",\"c\":\"back\\\\slash\",\"d\":\"Zo\xC3\xAB \xF0\x9F\x93\x9E\"}");
  // Long plain values (the fast path) and values that need escaping after eight plain bytes.
  const auto long_values = run("destination,a,b\n6175551234,abcdefghijklmnopqrstuvwxyz,\"abcdefghij\"\"k\"\n");
  BOOST_REQUIRE(long_values.rows.size() == 1u);
  BOOST_TEST(long_values.rows[0].metadata == R"({"a":"abcdefghijklmnopqrstuvwxyz","b":"abcdefghij\"k"})");
}

BOOST_AUTO_TEST_CASE(a_sensitive_column_in_strict_mode_rejects_the_upload) {
  CsvOptions o = default_options();
  o.validation.strict = true;
  o.partial = true;
  const auto r = run("destination,date_of_birth\n6175551234,1990-01-01\n", o);
  BOOST_TEST(r.count(Code::sensitive_key) == 1u);
  BOOST_TEST(r.find(Code::sensitive_key)->severity == Severity::error);
  BOOST_TEST(r.find(Code::sensitive_key)->row == 0u);
  BOOST_TEST(mentions(r.find(Code::sensitive_key), "column 2"));
  BOOST_TEST(!r.summary.ok);
  BOOST_TEST(r.rows.empty());
}

BOOST_AUTO_TEST_CASE(validate_csv_at_once) {
  Problems problems;
  std::vector<std::string> numbers;
  CsvOptions o = default_options();
  const auto s = validate_csv("destination\n6175551234\n6175551234\n", CallOptions{}, o, problems,
                              [&](const CsvRow& r) { numbers.emplace_back(r.phone_number); });
  BOOST_TEST(s.ok);
  BOOST_TEST(s.rows == 2u);
  BOOST_TEST(s.warnings == 1u);
  BOOST_TEST(problems.size() == 1u);
  BOOST_TEST(numbers.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
