// libFuzzer target for the CSV reader (fuse/csv.hpp).
// Oracle: reading the input in fuzzer-chosen chunks must give exactly the records and errors of
// reading it at once; plus the reader's own invariants. The first bytes choose the record cap and
// the chunk sizes; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuse/csv.hpp"

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

Read read(std::string_view input, std::size_t cap, std::uint32_t seed, bool split) {
  fuse::CsvReader reader(cap);
  Read out{};
  std::uint32_t state = seed | 1;
  while (!input.empty()) {
    std::size_t n = input.size();
    if (split) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      // Mostly tiny chunks (splits inside CRLF, quotes and UTF-8 sequences), sometimes larger.
      n = (state & 3) ? 1 + (state >> 8) % 4 : 1 + (state >> 8) % 64;
      if (n > input.size()) n = input.size();
    }
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
  return 0;
}
