// Time zones for calling hours (SPEC 14): which zones a number may ring in, and each zone's UTC
// offset at an instant. Both come from tables generated at development time (scripts/gen-time-zones.js)
// and committed, so the core does no I/O and every build agrees:
//   - the prefix map: libphonenumber's prefix-to-time-zone data (data/libphonenumber-timezones,
//     Apache-2.0), looked up by longest prefix of the E.164 digits;
//   - the zone rules: the POSIX TZ footer of each zone's TZif file from the system's tzdata (standard
//     offset, and for zones with daylight saving its offset and the two yearly transition rules). The
//     footer describes the current rule; past rule changes are not kept (calls are placed now or later).
//     A zone whose TZif lists changes from 2025 on that its footer does not give (Morocco's and
//     Palestine's, which follow Ramadan, listed to 2086-87) keeps that list, and its footer governs after it.
//   The rule table holds every zone and link name of tzdata.zi (e.g. "US/Eastern"), of zone.tab and
//   zone1970.tab, and every zone the map names (some are links, e.g. "Asia/Calcutta").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace fuse::tz {

using ZoneId = std::uint16_t;

// The zones of the longest prefix of `e164_digits` (country code first, digits only, no '+') in the
// prefix map, in the map's order; empty when no prefix matches.
[[nodiscard]] std::span<const ZoneId> zones_for_number(std::string_view e164_digits) noexcept;

// An IANA zone name known to the rule table (exact, case-sensitive, e.g. "America/New_York"), else nullopt.
[[nodiscard]] std::optional<ZoneId> find_zone(std::string_view iana_name) noexcept;
[[nodiscard]] std::string_view zone_name(ZoneId zone) noexcept;
[[nodiscard]] std::size_t zone_count() noexcept;

// Seconds east of UTC in effect at `utc` (Unix seconds).
[[nodiscard]] std::int32_t utc_offset(ZoneId zone, std::int64_t utc) noexcept;

// The first instant after `utc` at which the zone's offset changes; nullopt when it never changes again
// (a zone without daylight saving and no listed changes after `utc`).
[[nodiscard]] std::optional<std::int64_t> next_transition(ZoneId zone, std::int64_t utc) noexcept;

}  // namespace fuse::tz
