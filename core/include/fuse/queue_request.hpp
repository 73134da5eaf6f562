// Queue parameters (SPEC 3): what one `queue` call, or every row of a `bulk_queue` upload, asks for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuse/calling_hours.hpp"
#include "fuse/destination.hpp"
#include "fuse/problem.hpp"

namespace fuse {

struct ValidationOptions {
  std::int64_t now = 0;  // Unix seconds; the core has no clock (end_in_past compares with this)
  bool strict = false;   // sensitive-data findings are errors instead of warnings
};

// Everything about a call except its destination and metadata: one value is shared by all rows of
// a CSV upload.
struct CallOptions {
  std::optional<std::int64_t> start_timestamp;  // nothing is dialed before it
  std::optional<std::int64_t> end_timestamp;    // still waiting then: canceled
  std::uint32_t max_attempts = 1;               // 1..10
  std::uint32_t reattempt_wait = 0;             // seconds, 60..86400 when set
  std::string result_url;                       // "" when none
  bool is_pci = false;
  // SPEC 14: the call's own calling hours (else its deployment's), and its zone (else its number's).
  std::optional<CallingHours> calling_hours;
  std::optional<tz::ZoneId> timezone;
};

// A validated, normalised request: what the engine queues.
struct QueueRequest {
  std::string phone_number;  // the destination as given, trimmed (the result payload quotes it)
  Destination destination;
  std::string metadata;      // compact JSON object text, "" when none
  CallOptions options;
};

inline constexpr std::size_t kMaxMetadataBytes = 64 * 1024;  // metadata as compact JSON
inline constexpr std::size_t kMaxMetadataKeyChars = 64;
inline constexpr std::size_t kMaxResultUrlChars = 2048;
inline constexpr std::int64_t kMaxTimestamp = 253402300799;  // 9999-12-31T23:59:59Z

// Validates API parameters given as a JSON object text (numbers as JSON numbers or decimal strings,
// metadata as a JSON object or as JSON text). Appends every problem (unknown parameters and
// sensitive-data findings are warnings unless strict); returns true, with `out` set, when there
// is no error. An optional parameter that is null or an empty string counts as not given (form
// posts send empty fields). `out.metadata` is "" for no metadata and for an empty object.
// Reads the validation options the JS API passes as JSON: "now" (Unix seconds; a fraction is rounded
// down) and "strict" (true or false). Other keys are ignored; missing or malformed ones keep the defaults.
ValidationOptions read_validation_options(std::string_view options_json);

[[nodiscard]] bool validate_queue_request(std::string_view params_json, const ValidationOptions& options, QueueRequest& out,
                            Problems& problems);

// The shared half of a bulk upload: every parameter except phone_number, metadata and csv, which
// come from the file's rows. Same rules and problems as validate_queue_request; `csv` is accepted
// and ignored, phone_number and metadata are reported as unknown_parameter warnings.
[[nodiscard]] bool validate_call_options(std::string_view params_json, const ValidationOptions& options, CallOptions& out,
                           Problems& problems);

// SPEC 14 preflight: the outside_calling_hours warning (naming `field`, `row`) when the call has its
// own calling hours and its window (from its start, or `now`, to its end, or a week) holds no
// minute inside them in every zone of its number (or its `timezone`).
void warn_outside_calling_hours(const CallOptions& options, std::uint64_t e164_key, std::int64_t now,
                                std::string_view field, std::uint64_t row, Problems& problems);

// Metadata rules, shared by the `metadata` parameter and CSV columns.
// A valid key: [A-Za-z_][A-Za-z0-9_]{0,63}.
bool is_valid_metadata_key(std::string_view key) noexcept;
// Why `key` is not valid, as the end of a sentence that starts with the key: "starts with a digit; a
// key starts with a letter or _ (e.g. _1st_name)." ("" when it is valid).
std::string explain_invalid_metadata_key(std::string_view key);
// Reports sensitive data in one metadata entry (SPEC 3): a key naming sensitive data
// (sensitive_key), a 13-19 digit run passing Luhn (possible_card_number), an SSN-shaped value
// (possible_ssn). `value` is the value's text (a string's characters, a number's digits).
// Warnings, or errors when options.strict. `field` names the parameter or CSV column; messages
// name the key (and the field when it differs from the key) and never repeat the sensitive digits
// beyond the last four. One pass over `value`; allocates only when it reports something.
void scan_sensitive_metadata(std::string_view key, std::string_view value, const ValidationOptions& options,
                             std::string_view field, Problems& problems);
// The halves of scan_sensitive_metadata, for callers that judge a key once (a CSV column) and its
// values many times: what sensitive data `key` names ("a Social Security number", "" when none),
// and the value scan alone (possible_card_number, possible_ssn).
std::string_view sensitive_key_topic(std::string_view key) noexcept;
void scan_sensitive_value(std::string_view key, std::string_view value, const ValidationOptions& options,
                          std::string_view field, Problems& problems);

}  // namespace fuse
