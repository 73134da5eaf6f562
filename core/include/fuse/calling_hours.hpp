// Calling hours in the recipient's local time (SPEC 14): when a call may ring, by weekday and time
// of day, in every time zone its number may be in.
//
// Written as text, in one of these forms (times HH:MM, 00:00 to 24:00, each span open < close):
//   "tcpa"                                  08:00-21:00 every day (47 CFR 64.1200(c)(1))
//   "08:00-21:00"                           every day; several spans: "08:00-12:00,13:00-20:00"
//   "mon-fri 08:00-21:00; sat 09:00-17:00"  per weekday (days not named: no calls that day)
//   {"mon-fri": "08:00-21:00", "sat": "09:00-17:00"}   the same as a JSON object
// Days: sun mon tue wed thu fri sat, ranges like mon-fri (sat-sun wraps), lists like "sat,sun".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fuse/problem.hpp"
#include "fuse/time_zones.hpp"

namespace fuse {

struct CallingHours {
  static constexpr std::size_t kMaxSpans = 4;  // per day
  struct Span {
    std::uint16_t open = 0, close = 0;  // minutes of the local day, [open, close)
    bool operator==(const Span&) const = default;
  };
  std::array<std::array<Span, kMaxSpans>, 7> days{};  // 0 = Sunday
  std::array<std::uint8_t, 7> count{};

  bool operator==(const CallingHours&) const = default;
  bool empty() const noexcept;  // no minute of the week
  bool inside(int weekday, int minute) const noexcept;
};

// Reads one of the forms above (`text` is the text or a JSON object's text); problems name `field`
// (invalid_calling_hours). True when valid.
[[nodiscard]] bool read_calling_hours(std::string_view text, std::string_view field, CallingHours& out,
                                      Problems& problems);
// The canonical text: "08:00-21:00" when every day is the same, else "mon-fri 08:00-21:00; sat 09:00-17:00";
// read_calling_hours reads it back to the same value.
std::string calling_hours_text(const CallingHours& hours);

// A call's zones: at most this many are kept (the NANP-wide prefix "1" has 42; see zones_for_call).
inline constexpr std::size_t kMaxCallZones = 64;

// Reads an IANA zone name (a per-call `timezone`): invalid_timezone naming `field` when unknown.
[[nodiscard]] bool read_time_zone(std::string_view name, std::string_view field, tz::ZoneId& out, Problems& problems);

// The zones a number rings in: its longest prefix in the prefix map (E.164 key as PhoneNumber::key()).
std::span<const tz::ZoneId> zones_for_key(std::uint64_t e164_key) noexcept;

// Whether `utc` is inside the hours in every one of `zones` (no zones: always).
bool inside_calling_hours(const CallingHours& hours, std::span<const tz::ZoneId> zones, std::int64_t utc) noexcept;

// The first instant in [from, until) inside the hours in every zone, looking at most 8 days ahead of
// `from` (the hours repeat weekly); nullopt when there is none.
std::optional<std::int64_t> next_calling_time(const CallingHours& hours, std::span<const tz::ZoneId> zones,
                                              std::int64_t from, std::int64_t until) noexcept;

// The first instant after `from` (inside the hours) that is outside them in some zone, looking at
// most 8 days ahead; nullopt when the hours never close (every minute of every day).
std::optional<std::int64_t> calling_hours_close(const CallingHours& hours, std::span<const tz::ZoneId> zones,
                                                std::int64_t from) noexcept;

}  // namespace fuse
