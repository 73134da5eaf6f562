// Call statuses, call events and the result payload (`call_details`, SPEC 5): the JSON text the
// platform POSTs to result_url when a call reaches a final status, byte for byte as the doc's sample.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fuse/problem.hpp"

namespace fuse {

// Each name list once (SPEC 5's names): the enums, the name tables and the counts come from these.
#define FUSE_CALL_STATUSES(X) X(queued) X(dialing) X(connected) X(completed) X(failed) X(canceled)
// `rejected` (SPEC 13) and `suppressed` (SPEC 14) are last so that the other events keep their values.
#define FUSE_CALL_EVENTS(X) \
  X(queued) X(dialing) X(connected) X(disconnected) X(busy) X(noanswer) X(informationtone) X(canceled) X(rejected) \
  X(suppressed)

#define FUSE_ENUM_ENTRY(name) name,
#define FUSE_COUNT_ENTRY(name) +1
enum class CallStatus : std::uint8_t { FUSE_CALL_STATUSES(FUSE_ENUM_ENTRY) };
enum class CallEvent : std::uint8_t { FUSE_CALL_EVENTS(FUSE_ENUM_ENTRY) };
inline constexpr std::size_t kCallStatusCount = 0 FUSE_CALL_STATUSES(FUSE_COUNT_ENTRY);
inline constexpr std::size_t kCallEventCount = 0 FUSE_CALL_EVENTS(FUSE_COUNT_ENTRY);
#undef FUSE_ENUM_ENTRY
#undef FUSE_COUNT_ENTRY
// A rejected event's reason ("503 Service Unavailable"): 1 to this many bytes of UTF-8, no control
// characters (a SIP status line or a Q.850 cause fits; it is one line of a payload).
inline constexpr std::size_t kMaxEventReason = 256;

std::string_view status_name(CallStatus status) noexcept;
std::string_view event_name(CallEvent event) noexcept;
[[nodiscard]] std::optional<CallStatus> parse_status_name(std::string_view name) noexcept;
[[nodiscard]] std::optional<CallEvent> parse_event_name(std::string_view name) noexcept;
inline bool is_final(CallStatus s) noexcept {
  return s == CallStatus::completed || s == CallStatus::failed || s == CallStatus::canceled;
}
// busy, noanswer, informationtone, rejected: an attempt that did not connect.
inline bool is_failed_attempt(CallEvent e) noexcept {
  return e == CallEvent::busy || e == CallEvent::noanswer || e == CallEvent::informationtone ||
         e == CallEvent::rejected;
}
// Whether `reason` may be a rejected event's reason (see kMaxEventReason); `why` says what is wrong.
bool valid_event_reason(std::string_view reason, std::string* why = nullptr);

struct EventRecord {
  CallEvent event;
  std::int64_t timestamp;    // Unix seconds
  std::string_view reason = {};  // rejected only: why the carrier refused the call
};

// Everything the payload says about one call.
struct CallDetails {
  std::string_view phone_number;  // as given; trimmed and single-quoted in the payload
  std::uint32_t max_attempts = 1;
  std::uint32_t reattempt_wait = 0;
  std::span<const EventRecord> events;  // in order, starting with `queued`
  CallStatus status = CallStatus::queued;
  std::string_view call_id;        // omitted from the payload when empty
  std::string_view metadata_json;  // compact JSON object text, written verbatim; omitted when empty
};

// Appends the payload: {"max_attempts":"1","attempts":"1","events":[{"event":"queued","timestamp":n},...],
// a rejected event as {"event":"rejected","timestamp":n,"reason":".."},
// "phone_number":"'6173720293'","status":"completed","queued_timestamp":"n","start_timestamp":"n",
// "end_timestamp":"n","reattempt_wait":"300","duration":3[,"call_id":".."][,"metadata":{..}]}
// attempts = dialing events; queued_timestamp = the first queued event ("" if none);
// start/end_timestamp = the connected / disconnected event ("" if none); duration = end - start
// when both exist, else 0.
void write_call_details(std::string& out, const CallDetails& call);
std::string call_details_json(const CallDetails& call);

// The status a list of events implies: canceled if any canceled event; completed after
// disconnected; connected / dialing / queued after those events; after a failed attempt: failed
// when the attempts (dialing events) reached max_attempts, else queued (waiting to re-attempt).
CallStatus derive_status(std::span<const EventRecord> events, std::uint32_t max_attempts) noexcept;

// buildResultPayload(call) of the JS API: `call_json` is
// {phone_number, max_attempts?, reattempt_wait?, events:[{event,timestamp,reason?}], status?, call_id?,
// metadata?} (reason: required on rejected events, refused on others)
// (numbers as JSON numbers or decimal strings; metadata an object or its JSON text). On success
// appends the payload to `out` and returns true; otherwise appends every problem and returns false.
[[nodiscard]] bool build_result_payload(std::string_view call_json, std::string& out, Problems& problems);

}  // namespace fuse
