// The bridge for bulk CSV validation (SPEC 4, JS API validateCsv / createCsvValidator): bytes in,
// JSON text out, so the Node and wasm bindings stay marshalling only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fuse::bridge {

// A streaming validation of one upload.
//   params_json:  the upload's parameters as a JSON object (start_timestamp, end_timestamp,
//                 max_attempts, reattempt_wait, result_url, is_pci), checked by
//                 validate_call_options; its problems are part of the result.
//   options_json: {"now":unix_s,"strict":bool,"maxRows":n,"partial":bool,"maxProblems":n,
//                  "sizeHint":bytes,"includeRequests":bool}, every member optional; now and strict are read as
//                  validateQueueRequest reads them, a bad value of another is an invalid_option
//                  error in the result.
// finish() returns the result (CsvSummary, fuse/csv_validator.hpp):
//   {"ok":bool,"rows":n,"valid":n,"invalid":n,"queued":n,"errorCount":n,"warningCount":n,
//    "errors":[...],"warnings":[...],"counts":{"code":n,...},"truncated":bool[,"requests":[...]]}
// ok: the upload is accepted and `queued` rows are queued (no error at all; or partial, no
// file-level error and at least one valid row). Problems are {code, field, message[, row, line]};
// errorCount, warningCount and counts (every code that occurred) stay exact when maxProblems cuts
// the lists (truncated). With includeRequests, requests lists the queued rows (exactly `queued` of
// them, in file order; [] when nothing is queued), each the request validateQueueRequest returns
// with "row" and "line" first.
class CsvValidation {
 public:
  CsvValidation(std::string_view params_json, std::string_view options_json);
  ~CsvValidation();
  CsvValidation(const CsvValidation&) = delete;
  CsvValidation& operator=(const CsvValidation&) = delete;

  // The next bytes of the file, split anywhere. Ignored after finish().
  void push(std::string_view bytes);
  // Data rows and bytes seen so far.
  std::uint64_t rows() const noexcept;
  std::uint64_t bytes() const noexcept;
  // A file-level problem decides the verdict already (see CsvValidator::has_file_error).
  bool has_file_error() const noexcept;
  // The result JSON. A second call returns the same text.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// validateCsv in one call: the same result as a CsvValidation fed `csv` at once.
std::string validate_csv(std::string_view csv, std::string_view params_json, std::string_view options_json);

}  // namespace fuse::bridge
