// Queue parameters (SPEC 3): what one `queue` call, or every row of a `bulk_queue` upload, asks for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
};

// A validated, normalised request: what the engine queues.
struct QueueRequest {
  std::string phone_number;  // the destination as given, trimmed (the result payload quotes it)
  Destination destination;
  std::string metadata;      // compact JSON object text, "" when none
  CallOptions options;
};

inline constexpr std::size_t kMaxMetadataBytes = 64 * 1024;
inline constexpr std::size_t kMaxResultUrlChars = 2048;

// Validates API parameters given as a JSON object text (numbers as JSON numbers or decimal strings,
// metadata as a JSON object or as JSON text). Appends every problem (unknown parameters and
// sensitive-data findings are warnings unless strict); returns true, with `out` set, when there
// is no error.
bool validate_queue_request(std::string_view params_json, const ValidationOptions& options, QueueRequest& out,
                            Problems& problems);

// The shared half of a bulk upload: every parameter except phone_number, metadata and csv, which
// come from the file's rows. Same rules and problems as validate_queue_request.
bool validate_call_options(std::string_view params_json, const ValidationOptions& options, CallOptions& out,
                           Problems& problems);

// Metadata rules, shared by the `metadata` parameter and CSV columns.
// A valid key: [A-Za-z_][A-Za-z0-9_]{0,63}.
bool is_valid_metadata_key(std::string_view key) noexcept;
// Reports sensitive data in one metadata entry (SPEC 3): a key naming sensitive data
// (sensitive_key), a 13-19 digit run passing Luhn (possible_card_number), an SSN-shaped value
// (possible_ssn). `value` is the value's text (a string's characters, a number's digits).
// Warnings, or errors when options.strict. `field` names the parameter or CSV column.
void scan_sensitive_metadata(std::string_view key, std::string_view value, const ValidationOptions& options,
                             std::string_view field, Problems& problems);

}  // namespace fuse
