// CSV reading (SPEC 4): an incremental RFC 4180 tokenizer for uploads that arrive in chunks of any
// size. It holds only the record in progress (at most max_record_bytes of it), so memory does not
// grow with the file. Record and file problems are reported as values; turning them into Problems
// with row numbers is the validator's job (fuse/csv_validator.hpp).
//
// What it accepts, beyond RFC 4180, because real files contain it:
// - a UTF-8 byte order mark (skipped); a UTF-16/UTF-32 file (BOM, or a NUL byte among the first
//   two) is a file error, since nothing in it can be read as UTF-8;
// - CRLF, LF and lone CR line ends, mixed freely; a line break inside a quoted field is data;
// - spaces and tabs around a quoted field (` "a, b" `), which are dropped;
// - blank lines (empty, or only spaces/tabs outside quotes), which are skipped.
// What it reports per record (the record is still returned, so the caller can name its row):
// - invalid_quote: a quote inside an unquoted field (`5"`), or text after a closing quote (`"a"b`);
// - invalid_utf8: a byte sequence that is not UTF-8;
// - too_large: the record is longer than max_record_bytes; its fields are not kept.
// At the end of input, a quoted field still open is a file error (unterminated_quote), naming the
// line where the quote opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fuse {

inline constexpr std::size_t kDefaultMaxCsvRecordBytes = 1024 * 1024;

enum class CsvRecordError : std::uint8_t {
  none,
  invalid_quote,  // error_field: the first field with a stray quote; that field is given raw
  invalid_utf8,   // error_field, error_offset: the first invalid byte
  too_large,      // fields is empty; field_count and bytes are still exact
};

enum class CsvFileError : std::uint8_t {
  none,
  wide_encoding,       // UTF-16 or UTF-32: nothing is read
  binary,              // starts with NUL bytes (no text encoding does): nothing is read
  unterminated_quote,  // quote_line(): where the open quote is; the record holding it is not returned
};

// One record (a row of the file, header included; blank lines are never returned).
struct CsvRecord {
  std::uint64_t line = 0;       // 1-based physical line where the record starts (every line break
                                // counts, including those inside quoted fields)
  std::uint64_t end_line = 0;   // line of the record's last character (> line when a quoted field
                                // holds line breaks)
  std::uint64_t bytes = 0;      // raw length, quotes included, line break excluded
  std::size_t field_count = 0;  // exact, even when too_large
  // The fields' text: quotes removed and "" unescaped (a field with a stray quote is given raw).
  // Views into the chunk being read or into the reader's buffers: valid until the next call to
  // next() or feed(). Empty when error == too_large.
  std::span<const std::string_view> fields;
  CsvRecordError error = CsvRecordError::none;
  std::size_t error_field = 0;   // 0-based field index of the error (invalid_quote, invalid_utf8)
  std::size_t error_offset = 0;  // invalid_utf8: byte offset of the first invalid byte in that field
};

// Usage: for each chunk { reader.feed(chunk); while (reader.next(record)) use(record); }
//        then reader.finish(); while (reader.next(record)) use(record); check file_error().
// Chunks may split the input anywhere (inside a line break, a quoted field or a UTF-8 sequence):
// the records and errors are the same for every split. A chunk must stay valid (and unchanged)
// until next() has returned false for it.
class CsvReader {
 public:
  explicit CsvReader(std::size_t max_record_bytes = kDefaultMaxCsvRecordBytes);

  // Hands over the next chunk. Call only after next() returned false for the previous one.
  void feed(std::string_view chunk);
  // Marks the end of input: next() then returns the last record if the input did not end with a
  // line break, and sets file_error() for an open quote.
  void finish();
  // The next complete record; false when the chunks fed so far hold no further complete record.
  bool next(CsvRecord& out);

  CsvFileError file_error() const noexcept { return file_error_; }
  // unterminated_quote: 1-based line where the quote that is never closed opened.
  std::uint64_t quote_line() const noexcept { return quote_line_; }
  // The record that holds that quote starts on this line.
  std::uint64_t open_record_line() const noexcept { return record_line_; }
  bool had_utf8_bom() const noexcept { return bom_; }
  // Bytes fed so far.
  std::uint64_t bytes_fed() const noexcept { return bytes_fed_; }
  std::size_t max_record_bytes() const noexcept { return max_record_bytes_; }

 private:
  enum class State : std::uint8_t { field_start, unquoted, quoted, quote_in_quoted, after_close };
  struct Span {
    std::uint32_t begin, end;  // record-relative; the content, or the raw field when bad
    std::uint8_t flags;
  };

  void start_input();
  bool scan(const char*& p, const char* end);
  void begin_field(const char* p) noexcept;
  void end_field(const char* p);
  void mark_bad_quote() noexcept;
  void start_record(const char* p) noexcept;
  void carry_segment(const char* end);
  bool build_record(const char* end, CsvRecord& out);
  std::uint64_t rel(const char* p) const noexcept {
    return rel_base_ + static_cast<std::uint64_t>(p - seg_record_begin_);
  }

  std::size_t max_record_bytes_;
  // Input: the first bytes wait in head_ until the BOM can be decided; then segments are head_ and
  // the chunk.
  std::string head_;
  bool started_ = false, bom_ = false, finishing_ = false, finished_ = false;
  std::string_view segs_[2];
  int seg_count_ = 0, seg_index_ = 0;
  const char* p_ = nullptr;

  // Scanner state, kept across chunks.
  State state_ = State::field_start;
  bool in_record_ = false;        // some byte of the current record has been seen
  bool pending_lf_ = false;       // a record ended with CR at a chunk end: skip a following LF
  bool cr_in_quote_ = false;      // a CR inside quotes ended a chunk: a following LF is the same break
  std::uint64_t line_ = 1;
  std::uint64_t bytes_fed_ = 0;

  // The record in progress.
  std::uint64_t record_line_ = 1;
  std::uint64_t quote_line_ = 0;
  std::uint64_t rel_base_ = 0;            // record bytes in earlier segments
  const char* seg_record_begin_ = nullptr;  // where the record's part in this segment begins
  std::uint64_t field_begin_ = 0;         // record-relative start of the current field
  std::uint64_t quote_begin_ = 0;         // after its opening quote
  std::uint64_t quote_end_ = 0;           // at its closing quote
  std::uint8_t field_flags_ = 0;
  bool non_ascii_ = false;
  bool too_large_ = false;
  std::size_t field_count_ = 0;
  std::size_t bad_quote_field_ = 0;
  bool bad_quote_ = false;
  std::vector<Span> spans_;
  std::string carry_;    // the record's bytes from earlier segments (at most max_record_bytes)
  std::string scratch_;  // unescaped fields
  std::vector<std::string_view> fields_;

  CsvFileError file_error_ = CsvFileError::none;
};

}  // namespace fuse
