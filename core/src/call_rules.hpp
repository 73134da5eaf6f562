// The window and attempt rules of the queue parameters (SPEC 3), shared (internal): by
// validate_queue_request and validate_call_options, whose fields are the parameters
// (start_timestamp, ...), and by the preview, whose options name them start, end, maxAttempts,
// reattemptWait (under a prefix such as "competing[2]."). One reading, one set of messages; each
// caller names the fields from kCallRuleNames.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fuse/problem.hpp"
#include "fuse/queue_request.hpp"
#include "json_reader.hpp"

namespace fuse {

enum class CallRuleNaming : std::uint8_t { queue_params, preview };

// Start, end, max attempts, reattempt wait: as the queue parameters and as the preview name them.
inline constexpr std::string_view kCallRuleNames[2][4] = {
    {"start_timestamp", "end_timestamp", "max_attempts", "reattempt_wait"},
    {"start", "end", "maxAttempts", "reattemptWait"},
};

struct CallRuleFields {
  std::string start, end, max_attempts, reattempt_wait;
};
CallRuleFields call_rule_fields(CallRuleNaming naming, std::string_view prefix = {});

// The values as given: nullptr, null or blank text is not given.
struct CallRuleValues {
  const json::Node* start = nullptr;
  const json::Node* end = nullptr;
  const json::Node* max_attempts = nullptr;
  const json::Node* reattempt_wait = nullptr;
};

// Reads and checks the four values (whole numbers, ranges, the window's order, end after `now`,
// max_attempts and reattempt_wait together), setting what is valid in `out`. False on an error.
bool check_call_rules(const CallRuleValues& given, const CallRuleFields& fields, std::int64_t now, CallOptions& out,
                      Problems& problems);

// A whole number as a node, for callers holding values rather than JSON (the preview's structs).
json::Node integer_node(std::int64_t value);

}  // namespace fuse
