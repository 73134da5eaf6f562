// Problems: every error and warning the package reports, as values (the core never throws).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuse {

// Every error/warning code of SPEC.md, once: the enum and code_name() (the wire spelling) are
// generated from this list.
#define FUSE_PROBLEM_CODES(X) \
  /* destinations (SPEC 2) */ \
  X(missing_phone_number) \
  X(invalid_phone_number) \
  X(invalid_ani) \
  X(invalid_postd) \
  X(fictional_number) \
  /* queue parameters (SPEC 3) */ \
  X(invalid_timestamp) \
  X(end_before_start) \
  X(end_in_past) \
  X(invalid_max_attempts) \
  X(max_attempts_requires_reattempt_wait) \
  X(invalid_reattempt_wait) \
  X(reattempt_wait_requires_max_attempts) \
  X(invalid_result_url) \
  X(invalid_metadata) \
  X(invalid_metadata_key) \
  X(invalid_metadata_value) \
  X(metadata_too_large) \
  X(invalid_is_pci) \
  X(unknown_parameter) \
  X(possible_card_number) \
  X(possible_ssn) \
  X(sensitive_key) \
  X(invalid_params) \
  /* dial-time policy (SPEC 14) */ \
  X(invalid_calling_hours) \
  X(invalid_timezone) \
  X(outside_calling_hours) \
  /* bulk CSV (SPEC 4) */ \
  X(csv_empty) \
  X(csv_missing_destination_column) \
  X(csv_duplicate_column) \
  X(csv_invalid_column_name) \
  X(csv_unterminated_quote) \
  X(csv_invalid_quote) \
  X(csv_field_count) \
  X(csv_invalid_utf8) \
  X(csv_too_many_rows) \
  X(duplicate_destination) \
  /* engine (SPEC 5) */ \
  X(invalid_option) \
  X(unknown_call) \
  X(unknown_event) \
  X(invalid_transition) \
  X(invalid_reason) \
  X(invalid_time) \
  X(invalid_snapshot) \
  /* window preview (SPEC 6) */ \
  X(invalid_preview)

enum class Code : std::uint8_t {
#define FUSE_ENUM_ENTRY(name) name,
  FUSE_PROBLEM_CODES(FUSE_ENUM_ENTRY)
#undef FUSE_ENUM_ENTRY
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
