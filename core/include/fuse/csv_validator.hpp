// Bulk CSV validation (SPEC 4): a `bulk_queue` upload checked as it streams in, one chunk at a
// time. Memory is bounded by the chunk size, the stored problems (see max_problems) and the
// duplicate table (8-byte slots for numbers of up to 13 digits, at most 85% full: about 10 MB for
// a million numbers; bounded by max_rows), never by the file size.
//
// The file: a header row with a `destination` column (case-insensitive, trimmed); every other
// column is a metadata variable named by its header (a valid key, fuse/queue_request.hpp). Each
// data row gives one call: its destination cell (SPEC 2) and its non-empty other cells as string
// metadata values, with the upload's other parameters (CallOptions) applying to every row.
//
// Problems: file-level ones (header, csv_empty, csv_too_many_rows, csv_unterminated_quote, a
// UTF-16 file, errors in the upload's parameters) have row == 0; every other carries `row`
// (1-based data row: the header and blank lines do not count) and `line` (1-based physical line
// where the record starts). Messages start with "Row N (line L): ".
//
// How a consumer (e.g. the engine's enqueueCsv) honours all-or-nothing:
//   std::vector<Pending> pending;
//   CsvValidator v(call, options, [&](const CsvRow& r) { pending.push_back(copy_of(r)); });
//   for (each chunk) { v.push(chunk); if (!v.can_commit()) pending.clear(); }  // optional early drop
//   const CsvSummary s = v.finish();
//   if (s.ok) queue every entry of `pending`, in order; else queue nothing.
// Only error-free rows reach the sink, in file order, each exactly once. A row handed to the sink
// is NOT yet accepted: a later row's error (without `partial`) or a file-level error found later
// (too many rows, an unterminated quote at the end) rejects the whole upload, so the consumer must
// hold the rows until finish() and queue them only when CsvSummary::ok is true; then exactly
// CsvSummary::queued rows were delivered. Once can_commit() is false the sink receives no more rows.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "fuse/csv_reader.hpp"
#include "fuse/destination.hpp"
#include "fuse/problem.hpp"
#include "fuse/queue_request.hpp"

namespace fuse {

inline constexpr std::uint64_t kDefaultCsvMaxRows = 1'000'000;

struct CsvOptions {
  ValidationOptions validation;          // now, strict (sensitive data in cells: error instead of warning)
  std::uint64_t max_rows = kDefaultCsvMaxRows;  // more data rows: csv_too_many_rows, nothing is queued
  bool partial = false;                  // queue the valid rows even when other rows have errors
  // Stored problems (counts stay exact, `truncated` says when some were not stored): bounded by
  // default, so that memory follows the file size and not the number of bad cells.
  std::size_t max_problems = 1000;
  std::size_t max_record_bytes = kDefaultMaxCsvRecordBytes;            // a longer row is an error, never buffered
  // The upload's total size in bytes when known (0: unknown). Once 64 KiB have been read, the row
  // count is estimated from it and the duplicate table sized once, so memory never holds both the
  // table and its grown copy. Only memory use depends on it, never a result.
  std::uint64_t size_hint = 0;
};

// One valid data row, as handed to the row sink. Views are valid only during the call.
struct CsvRow {
  std::uint64_t row;               // 1-based data row
  std::uint64_t line;              // physical line where the record starts
  std::string_view phone_number;   // the destination cell as given, trimmed (QueueRequest::phone_number)
  const Destination& destination;  // parsed and normalised
  std::string_view metadata;       // compact JSON object of the row's non-empty cells, "" when none
  const CallOptions& options;      // the upload's shared parameters
  // SPEC 14: the row's own calling hours and time zone (the calling_hours and timezone columns),
  // nullptr when it has none (the shared parameters' apply).
  const CallingHours* calling_hours = nullptr;
  const tz::ZoneId* timezone = nullptr;
};

using CsvRowSink = std::function<void(const CsvRow&)>;

struct CsvSummary {
  // The upload is accepted: the delivered rows are to be queued. True when there is no error at
  // all (warnings allowed), or with `partial` when there is no file-level error and at least one
  // valid row. False: queue nothing.
  bool ok = false;
  std::uint64_t rows = 0;    // data rows in the file (all of them, also beyond max_rows)
  std::uint64_t valid = 0;   // rows without error (among the rows checked: at most max_rows)
  std::uint64_t invalid = 0; // rows with at least one error
  std::uint64_t queued = 0;  // rows to queue: valid when ok, else 0
  std::uint64_t errors = 0, warnings = 0;  // all of them, stored or not
  bool truncated = false;    // problems beyond max_problems were counted but not stored
  std::uint64_t bytes = 0;   // bytes pushed
  std::array<std::uint64_t, static_cast<std::size_t>(Code::count_)> counts{};  // problems by code
};

class CsvValidator {
 public:
  // `call`: the upload's shared parameters, already validated (validate_call_options); its problems
  // go to add_upload_problems(). `sink` (may be empty) receives each valid row.
  CsvValidator(const CallOptions& call, const CsvOptions& options, CsvRowSink sink = {});
  ~CsvValidator();
  CsvValidator(const CsvValidator&) = delete;
  CsvValidator& operator=(const CsvValidator&) = delete;

  // Problems found in the upload's parameters (validate_call_options): reported first, without a
  // row; an error among them rejects the whole upload.
  void add_upload_problems(const Problems& problems);
  // The next bytes of the file, split anywhere. The chunk need not outlive the call.
  void push(std::string_view chunk);
  // End of file: end-of-file checks, then the summary. Call once; push() is not allowed after it.
  CsvSummary finish();

  // Progress so far.
  std::uint64_t rows() const noexcept;
  std::uint64_t bytes() const noexcept;
  // False once the upload is certain to be rejected (then no more rows reach the sink); true does
  // not promise acceptance.
  bool can_commit() const noexcept;
  // True once a file-level problem (not UTF-8 text, a broken header, too many rows, ...) decides
  // the verdict: reading further cannot change it, so a caller may stop and finish().
  bool has_file_error() const noexcept;
  // Every stored problem so far, in file order (at most max_problems).
  const Problems& problems() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: the whole file at once.
CsvSummary validate_csv(std::string_view csv, const CallOptions& call, const CsvOptions& options, Problems& problems,
                        CsvRowSink sink = {});

// The options object of a CSV upload as the JS API passes it (JSON), read and checked. validateCsv / createCsvValidator take now,
// strict, maxRows, partial, maxProblems, sizeHint and includeRequests; enqueueCsv takes strict,
// maxRows, partial, maxProblems and sizeHint (its time is an argument). Every member is optional (null counts as
// absent); a value of the wrong type or range, or an unknown name, is an invalid_option problem.
enum class CsvCaller { validate_csv, enqueue_csv };
struct CsvSettings {
  CsvOptions csv;
  bool include_requests = false;
  bool queue_as_read = false;  // enqueueCsv: see EngineCsvUpload's queue_as_read
  Problems problems;  // invalid_option errors
};
[[nodiscard]] CsvSettings read_csv_settings(std::string_view options_json, CsvCaller caller);

}  // namespace fuse
