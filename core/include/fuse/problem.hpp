// Problems: every error and warning the package reports, as values (the core never throws).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuse {

// One enumerator per error/warning code of SPEC.md; code_name() gives the wire spelling.
enum class Code : std::uint8_t {
  // destinations (SPEC 2)
  missing_phone_number,
  invalid_phone_number,
  invalid_ani,
  invalid_postd,
  fictional_number,
  // queue parameters (SPEC 3)
  invalid_timestamp,
  end_before_start,
  end_in_past,
  invalid_max_attempts,
  max_attempts_requires_reattempt_wait,
  invalid_reattempt_wait,
  reattempt_wait_requires_max_attempts,
  invalid_result_url,
  invalid_metadata,
  invalid_metadata_key,
  invalid_metadata_value,
  metadata_too_large,
  invalid_is_pci,
  unknown_parameter,
  possible_card_number,
  possible_ssn,
  sensitive_key,
  invalid_params,
  // bulk CSV (SPEC 4)
  csv_empty,
  csv_missing_destination_column,
  csv_duplicate_column,
  csv_invalid_column_name,
  csv_unterminated_quote,
  csv_invalid_quote,
  csv_field_count,
  csv_invalid_utf8,
  csv_too_many_rows,
  duplicate_destination,
  // engine (SPEC 5)
  invalid_option,
  unknown_call,
  unknown_event,
  invalid_transition,
  invalid_reason,
  invalid_time,
  invalid_snapshot,
  // window preview (SPEC 6)
  invalid_preview,
  count_
};

std::string_view code_name(Code code) noexcept;

enum class Severity : std::uint8_t { error, warning };

struct Problem {
  Code code;
  Severity severity;
  std::string field;    // request field or CSV column the problem is about ("" when none)
  std::string message;  // a sentence a person can act on
  std::uint64_t row = 0;   // CSV: 1-based data row (0 = not a row problem)
  std::uint64_t line = 0;  // CSV: 1-based physical line where the record starts
};

using Problems = std::vector<Problem>;

// Whether problems[first..] holds an error (the problems one step added, with `first` its start).
inline bool has_error(const Problems& problems, std::size_t first = 0) noexcept {
  for (std::size_t i = first; i < problems.size(); ++i)
    if (problems[i].severity == Severity::error) return true;
  return false;
}

}  // namespace fuse
