// libFuzzer target for the CSV reader (fuse/csv_reader.hpp) and validator (fuse/csv_validator.hpp).
// Oracle: feeding the input in fuzzer-chosen chunks must give exactly the records and errors (and,
// for the validator, the summary, problems and delivered rows) of feeding it at once; plus the
// reader's and the summary's own invariants. The first bytes choose the record cap, the options
// and the chunk sizes; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuse/csv_reader.hpp"
#include "fuse/csv_validator.hpp"

namespace {

struct Rec {
  std::uint64_t line, end_line, bytes;
  std::size_t field_count;
  std::vector<std::string> fields;
  fuse::CsvRecordError error;
  std::size_t error_field, error_offset;
  bool operator==(const Rec&) const = default;
};

struct Read {
  std::vector<Rec> records;
  fuse::CsvFileError file_error;
  std::uint64_t quote_line;
  bool bom;
  bool operator==(const Read&) const = default;
};

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "csv_fuzzer: %s\n", what);
    std::abort();
  }
}

void drain(fuse::CsvReader& reader, Read& out, std::size_t cap) {
  fuse::CsvRecord r;
  while (reader.next(r)) {
    check(r.line <= r.end_line, "record ends before it starts");
    check(out.records.empty() || r.line > out.records.back().end_line, "records overlap or go backwards");
    check((r.error == fuse::CsvRecordError::too_large) == (r.bytes > cap), "too_large iff over the cap");
    if (r.error != fuse::CsvRecordError::too_large) {
      check(r.fields.size() == r.field_count, "field count");
      std::size_t total = 0;
      for (auto f : r.fields) total += f.size();
      check(total <= r.bytes, "fields longer than the record");
    }
    if (r.error == fuse::CsvRecordError::invalid_utf8 || r.error == fuse::CsvRecordError::invalid_quote)
      check(r.error_field < r.field_count, "error field out of range");
    Rec rec{r.line, r.end_line, r.bytes, r.field_count, {}, r.error, r.error_field, r.error_offset};
    for (auto f : r.fields) rec.fields.emplace_back(f);
    out.records.push_back(std::move(rec));
  }
}

// Chunk sizes from a xorshift sequence: mostly tiny (splits inside CRLF, quotes and UTF-8
// sequences), sometimes larger.
struct Splitter {
  std::uint32_t state;
  std::size_t next(std::size_t left) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const std::size_t n = (state & 3) ? 1 + (state >> 8) % 4 : 1 + (state >> 8) % 64;
    return n < left ? n : left;
  }
};

struct Validated {
  fuse::CsvSummary summary;
  std::vector<std::string> problems;  // every field of each problem, joined
  std::vector<std::string> rows;      // every field of each delivered row, joined
  bool operator==(const Validated& o) const {
    const auto& a = summary;
    const auto& b = o.summary;
    return a.ok == b.ok && a.rows == b.rows && a.valid == b.valid &&
           a.invalid == b.invalid && a.queued == b.queued && a.errors == b.errors && a.warnings == b.warnings &&
           a.truncated == b.truncated && a.bytes == b.bytes && a.counts == b.counts && problems == o.problems &&
           rows == o.rows;
  }
};

Validated validate(std::string_view input, const fuse::CsvOptions& options, std::uint32_t seed, bool split) {
  Validated out;
  fuse::CsvValidator v(fuse::CallOptions{}, options, [&](const fuse::CsvRow& r) {
    out.rows.push_back(std::to_string(r.row) + "|" + std::to_string(r.line) + "|" + std::string(r.phone_number) +
                       "|" + r.destination.uri() + "|" + std::string(r.metadata));
  });
  Splitter splitter{seed | 1};
  while (!input.empty()) {
    const std::size_t n = split ? splitter.next(input.size()) : input.size();
    std::string chunk(input.substr(0, n));
    input.remove_prefix(n);
    v.push(chunk);
  }
  out.summary = v.finish();
  for (const auto& p : v.problems()) {
    check((p.row == 0) == (p.line == 0), "row and line come together");
    out.problems.push_back(std::string(fuse::code_name(p.code)) + "|" + p.field + "|" + p.message + "|" +
                           std::to_string(p.row) + "|" + std::to_string(p.line));
  }
  const auto& s = out.summary;
  check(s.valid + s.invalid <= s.rows, "valid + invalid <= rows");
  check(s.valid + s.invalid == (s.rows < options.max_rows ? s.rows : options.max_rows) || s.valid + s.invalid == 0,
        "every row within the limit is judged (or none, without a usable header)");
  if (!options.partial) check(s.ok == (s.errors == 0), "without partial: ok iff no error");
  check(!s.ok || s.valid > 0, "an accepted upload has rows to queue");
  check(s.queued == (s.ok ? s.valid : 0), "queued");
  check(!s.ok || out.rows.size() == s.queued, "an accepted upload delivered exactly the queued rows");
  check(v.problems().size() == (s.truncated ? options.max_problems : s.errors + s.warnings), "stored problems");
  return out;
}

Read read(std::string_view input, std::size_t cap, std::uint32_t seed, bool split) {
  fuse::CsvReader reader(cap);
  Read out{};
  Splitter splitter{seed | 1};
  while (!input.empty()) {
    const std::size_t n = split ? splitter.next(input.size()) : input.size();
    // A fresh buffer per chunk, freed after use: a view kept past its chunk would be caught by ASan.
    std::string chunk(input.substr(0, n));
    input.remove_prefix(n);
    reader.feed(chunk);
    drain(reader, out, reader.max_record_bytes());
  }
  reader.finish();
  drain(reader, out, reader.max_record_bytes());
  out.file_error = reader.file_error();
  out.quote_line = reader.quote_line();
  out.bom = reader.had_utf8_bom();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::size_t caps[] = {1 << 20, 8, 32, 100};
  const std::size_t cap = caps[data[0] & 3];
  const std::uint32_t seed = static_cast<std::uint32_t>(data[1]) << 8 | data[2];
  const std::string_view input(reinterpret_cast<const char*>(data) + 3, size - 3);

  const Read whole = read(input, cap, seed, false);
  const Read split = read(input, cap, seed, true);
  check(whole == split, "chunked reading differs from reading at once");

  fuse::CsvOptions options;
  options.validation.now = 1'700'000'000;
  options.max_record_bytes = cap;
  options.validation.strict = data[0] & 4;
  options.partial = data[0] & 8;
  options.max_rows = (data[0] & 16) ? 1 + (data[0] >> 5) : fuse::kDefaultCsvMaxRows;
  options.max_problems = (data[1] & 1) ? data[1] >> 4 : static_cast<std::size_t>(-1);
  check(validate(input, options, seed, false) == validate(input, options, seed, true),
        "chunked validation differs from validating at once");
  return 0;
}
