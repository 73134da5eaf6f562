#include "fuse/problem.hpp"

#include <array>

namespace fuse {

namespace {
// Keep in the order of enum class Code.
constexpr std::array<std::string_view, static_cast<std::size_t>(Code::count_)> kNames = {
    "missing_phone_number", "invalid_phone_number", "invalid_ani", "invalid_postd", "fictional_number",
    "invalid_timestamp", "end_before_start", "end_in_past", "invalid_max_attempts",
    "max_attempts_requires_reattempt_wait", "invalid_reattempt_wait", "reattempt_wait_requires_max_attempts",
    "invalid_result_url", "invalid_metadata", "invalid_metadata_key", "invalid_metadata_value",
    "metadata_too_large", "invalid_is_pci", "unknown_parameter", "possible_card_number", "possible_ssn",
    "sensitive_key", "invalid_params", "csv_empty", "csv_missing_destination_column", "csv_duplicate_column",
    "csv_invalid_column_name", "csv_unterminated_quote", "csv_invalid_quote", "csv_field_count",
    "csv_invalid_utf8", "csv_too_many_rows", "duplicate_destination", "invalid_option", "unknown_call",
    "unknown_event", "invalid_transition", "invalid_reason", "invalid_time", "invalid_snapshot", "invalid_preview",
};
}  // namespace

std::string_view code_name(Code code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

}  // namespace fuse
