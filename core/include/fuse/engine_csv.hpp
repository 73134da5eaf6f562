// enqueueCsv (SPEC 4, 5, 7): a bulk_queue upload validated as it streams in (CsvValidator) and
// queued into one deployment of an engine with Engine::enqueue_many: every row or none (with the
// `partial` option: the valid rows), all sharing one stored copy of the upload's CallOptions.
//
// The validator hands over each error-free row as it goes, but the upload is only known to be
// accepted at the end (csv_validator.hpp), so the rows are held (their number as given and their
// metadata, packed in blocks) until finish(); once the validator knows the upload will be refused
// they are dropped and no more are held. Memory: the validator's, plus the held rows' text and
// ~48 bytes a row until finish().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuse/csv_validator.hpp"
#include "fuse/engine.hpp"

namespace fuse {

struct EngineCsvResult {
  // As the validator's, except that an engine refusing the accepted rows (see enqueue_problems())
  // turns ok to false and queued to 0 and counts its problems.
  CsvSummary summary;
  // When summary.queued > 0: the first row's call; the queued rows are first, first + 1, ... in
  // row order (ids call_id(first + i)), so they dial in row order.
  CallRef first = 0;
};

class EngineCsvUpload {
 public:
  // Queues into `deployment` of `engine`, which must outlive the upload, at options.validation.now.
  // The deployment name and the time are checked at once, as Engine::enqueue_many checks them: a
  // problem there rejects the upload like an error in its parameters. `shared` are the upload's
  // parameters, validated by validate_call_options (their problems go to add_upload_problems()).
  //
  // queue_as_read: for a file the caller has already validated with the same parameters, options
  // and time (validate_csv said ok): rows are queued as they are read, in batches, and none are
  // held, so memory is the validator's plus the engine's own. Were the file refused after all, the
  // rows queued until then stay queued (summary.queued and first say which).
  EngineCsvUpload(Engine& engine, std::string_view deployment, const CallOptions& shared, const CsvOptions& options,
                  bool queue_as_read = false);
  ~EngineCsvUpload();
  EngineCsvUpload(const EngineCsvUpload&) = delete;
  EngineCsvUpload& operator=(const EngineCsvUpload&) = delete;

  // As CsvValidator's: problems of the upload's parameters (or options), without a row.
  void add_upload_problems(const Problems& problems);
  // The next bytes of the file, split anywhere.
  void push(std::string_view chunk);
  // End of file: the summary, and when it is ok the held rows are queued. Call once.
  EngineCsvResult finish();

  std::uint64_t rows() const noexcept;
  std::uint64_t bytes() const noexcept;
  // The validator's stored problems, in file order (at most max_problems).
  const Problems& problems() const noexcept;
  // After finish(): why the engine refused rows the validator accepted (each with the row and line
  // of the file when it concerns one). Empty unless the engine is at its limit of calls: every
  // other check it makes has been made by then.
  const Problems& enqueue_problems() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fuse
