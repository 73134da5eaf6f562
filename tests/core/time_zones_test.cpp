// Time zones for calling hours (SPEC 14) through fuse/time_zones.hpp: the prefix map, and offsets and
// transitions from the generated POSIX rules (and the listed changes of Morocco and Palestine).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fuse/time_zones.hpp"

using namespace fuse::tz;

namespace {

ZoneId zone(std::string_view name) {
  const auto id = find_zone(name);
  BOOST_TEST_REQUIRE(id.has_value(), name);
  return *id;
}

std::vector<std::string> names_for(std::string_view digits) {
  std::vector<std::string> out;
  for (const ZoneId z : zones_for_number(digits)) out.emplace_back(zone_name(z));
  return out;
}

std::int64_t next(std::string_view name, std::int64_t utc) { return next_transition(zone(name), utc).value_or(-1); }

// Unix seconds of 2026-01-01T00:00:00Z.
constexpr std::int64_t k2026 = 1767225600;

// Offsets in minutes east of UTC, as node 20.20.2's Intl (ICU 78.2, tz 2025c) gives them: for each zone
// and instant, new Intl.DateTimeFormat('en-US', {timeZone, timeZoneName: 'longOffset'}) formatting the
// instant, its "GMT+hh:mm" read as minutes. The instants are 2026-01-01T00:00:00Z + k * (91 days + 3607 s)
// for k = 0..19, then the seconds either side of the 2026 transitions of the US (03-08, 11-01), the EU
// (03-29, 10-25) and Sydney (04-04, 10-03), then 2028-12-31T23:59:59Z and 2030-12-31T12:00:00Z.
struct Expected {
  const char* zone;
  std::int16_t minutes[34];
};
constexpr std::int64_t kInstants[] = {
    1767225600, 1775091607, 1782957614, 1790823621, 1798689628, 1806555635,
    1814421642, 1822287649, 1830153656, 1838019663, 1845885670, 1853751677,
    1861617684, 1869483691, 1877349698, 1885215705, 1893081712, 1900947719,
    1908813726, 1916679733, 1772953199, 1772953200, 1774745999, 1774746000,
    1775318399, 1775318400, 1791043199, 1791043200, 1792889999, 1792890000,
    1793512799, 1793512800, 1861919999, 1924948800,
};
const Expected kExpected[] = {
    {"America/New_York", {-300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -240, -240, -240, -240, -240, -240, -240, -300, -300, -300}},
    {"America/Chicago", {-360, -300, -300, -300, -360, -300, -300, -300, -360, -300, -300, -300, -360, -300, -300, -300, -360, -300, -300, -300, -360, -360, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -360, -360}},
    {"America/Denver", {-420, -360, -360, -360, -420, -360, -360, -360, -420, -360, -360, -360, -420, -360, -360, -360, -420, -360, -360, -360, -420, -420, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -420, -420}},
    {"America/Los_Angeles", {-480, -420, -420, -420, -480, -420, -420, -420, -480, -420, -420, -420, -480, -420, -420, -420, -480, -420, -420, -420, -480, -480, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -480, -480}},
    {"America/Phoenix", {-420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420}},
    {"America/Anchorage", {-540, -480, -480, -480, -540, -480, -480, -480, -540, -480, -480, -480, -540, -480, -480, -480, -540, -480, -480, -480, -540, -540, -480, -480, -480, -480, -480, -480, -480, -480, -480, -480, -540, -540}},
    {"America/Adak", {-600, -540, -540, -540, -600, -540, -540, -540, -600, -540, -540, -540, -600, -540, -540, -540, -600, -540, -540, -540, -600, -600, -540, -540, -540, -540, -540, -540, -540, -540, -540, -540, -600, -600}},
    {"Pacific/Honolulu", {-600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600, -600}},
    {"America/St_Johns", {-210, -150, -150, -150, -210, -150, -150, -150, -210, -150, -150, -150, -210, -150, -150, -150, -210, -150, -150, -150, -150, -150, -150, -150, -150, -150, -150, -150, -150, -150, -210, -210, -210, -210}},
    {"America/Halifax", {-240, -180, -180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -240, -240, -240, -240}},
    {"America/Regina", {-360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360}},
    {"America/Havana", {-300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -240, -240, -240, -240, -240, -240, -240, -240, -240, -240, -300, -300, -300, -300}},
    {"America/Mexico_City", {-360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360}},
    {"America/Tijuana", {-480, -420, -420, -420, -480, -420, -420, -420, -480, -420, -420, -420, -480, -420, -420, -420, -480, -420, -420, -420, -480, -480, -420, -420, -420, -420, -420, -420, -420, -420, -420, -420, -480, -480}},
    {"America/Ciudad_Juarez", {-420, -360, -360, -360, -420, -360, -360, -360, -420, -360, -360, -360, -420, -360, -360, -360, -420, -360, -360, -360, -420, -420, -360, -360, -360, -360, -360, -360, -360, -360, -360, -360, -420, -420}},
    {"America/Santiago", {-180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -240, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180}},
    {"America/Asuncion", {-180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180}},
    {"America/Sao_Paulo", {-180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180}},
    {"America/Argentina/Buenos_Aires", {-180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180, -180}},
    {"America/Nuuk", {-120, -60, -60, -60, -120, -60, -60, -60, -120, -60, -60, -60, -120, -60, -60, -60, -120, -120, -60, -60, -120, -120, -120, -60, -60, -60, -60, -60, -60, -120, -120, -120, -120, -120}},
    {"America/Scoresbysund", {-120, -60, -60, -60, -120, -60, -60, -60, -120, -60, -60, -60, -120, -60, -60, -60, -120, -120, -60, -60, -120, -120, -120, -60, -60, -60, -60, -60, -60, -120, -120, -120, -120, -120}},
    {"Atlantic/Azores", {-60, 0, 0, 0, -60, 0, 0, 0, -60, 0, 0, 0, -60, 0, 0, 0, -60, -60, 0, 0, -60, -60, -60, 0, 0, 0, 0, 0, 0, -60, -60, -60, -60, -60}},
    {"Europe/London", {0, 60, 60, 60, 0, 60, 60, 60, 0, 60, 60, 60, 0, 60, 60, 60, 0, 0, 60, 60, 0, 0, 0, 60, 60, 60, 60, 60, 60, 0, 0, 0, 0, 0}},
    {"Europe/Dublin", {0, 60, 60, 60, 0, 60, 60, 60, 0, 60, 60, 60, 0, 60, 60, 60, 0, 0, 60, 60, 0, 0, 0, 60, 60, 60, 60, 60, 60, 0, 0, 0, 0, 0}},
    {"Europe/Lisbon", {0, 60, 60, 60, 0, 60, 60, 60, 0, 60, 60, 60, 0, 60, 60, 60, 0, 0, 60, 60, 0, 0, 0, 60, 60, 60, 60, 60, 60, 0, 0, 0, 0, 0}},
    {"Europe/Paris", {60, 120, 120, 120, 60, 120, 120, 120, 60, 120, 120, 120, 60, 120, 120, 120, 60, 60, 120, 120, 60, 60, 60, 120, 120, 120, 120, 120, 120, 60, 60, 60, 60, 60}},
    {"Europe/Athens", {120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 120, 180, 180, 120, 120, 120, 180, 180, 180, 180, 180, 180, 120, 120, 120, 120, 120}},
    {"Europe/Chisinau", {120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 180, 180, 180, 180, 120, 120, 120, 120, 120, 120}},
    {"Europe/Moscow", {180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180}},
    {"Europe/Istanbul", {180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180, 180}},
    {"Africa/Casablanca", {60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 0, 0, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 0}},
    {"Africa/El_Aaiun", {60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 0, 0, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 0}},
    {"Africa/Cairo", {120, 120, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 120, 120, 120, 120, 120, 120, 180, 180, 180, 180, 120, 120, 120, 120}},
    {"Africa/Johannesburg", {120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120}},
    {"Asia/Gaza", {120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 180, 180, 180, 180, 120, 120, 120, 120, 120, 120}},
    {"Asia/Jerusalem", {120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 180, 180, 180, 180, 120, 120, 120, 120, 120, 120}},
    {"Asia/Beirut", {120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 180, 180, 180, 120, 120, 180, 180, 120, 120, 180, 180, 180, 180, 180, 180, 120, 120, 120, 120, 120, 120}},
    {"Asia/Tehran", {210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210, 210}},
    {"Asia/Kolkata", {330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330}},
    {"Asia/Calcutta", {330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330, 330}},
    {"Asia/Kathmandu", {345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345, 345}},
    {"Asia/Yangon", {390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390, 390}},
    {"Asia/Shanghai", {480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480, 480}},
    {"Asia/Tokyo", {540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540, 540}},
    {"Australia/Sydney", {660, 660, 600, 600, 660, 660, 600, 600, 660, 660, 600, 600, 660, 660, 600, 600, 660, 660, 600, 600, 660, 660, 660, 660, 660, 600, 600, 660, 660, 660, 660, 660, 660, 660}},
    {"Australia/Adelaide", {630, 630, 570, 570, 630, 630, 570, 570, 630, 630, 570, 570, 630, 630, 570, 570, 630, 630, 570, 570, 630, 630, 630, 630, 630, 630, 570, 570, 630, 630, 630, 630, 630, 630}},
    {"Australia/Lord_Howe", {660, 660, 630, 630, 660, 660, 630, 630, 660, 660, 630, 630, 660, 660, 630, 630, 660, 660, 630, 630, 660, 660, 660, 660, 630, 630, 660, 660, 660, 660, 660, 660, 660, 660}},
    {"Australia/Eucla", {525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525, 525}},
    {"Australia/Brisbane", {600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600}},
    {"Pacific/Auckland", {780, 780, 720, 780, 780, 780, 720, 780, 780, 780, 720, 780, 780, 780, 720, 720, 780, 780, 720, 720, 780, 780, 780, 780, 720, 720, 780, 780, 780, 780, 780, 780, 780, 780}},
    {"Pacific/Chatham", {825, 825, 765, 825, 825, 825, 765, 825, 825, 825, 765, 825, 825, 825, 765, 765, 825, 825, 765, 765, 825, 825, 825, 825, 765, 765, 825, 825, 825, 825, 825, 825, 825, 825}},
    {"Pacific/Kiritimati", {840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840, 840}},
    {"Pacific/Pago_Pago", {-660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660, -660}},
    {"Antarctica/Troll", {0, 120, 120, 120, 0, 120, 120, 120, 0, 120, 120, 120, 0, 120, 120, 120, 0, 0, 120, 120, 0, 0, 0, 120, 120, 120, 120, 120, 120, 0, 0, 0, 0, 0}},
    {"US/Eastern", {-300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -300, -240, -240, -240, -240, -240, -240, -240, -240, -240, -240, -300, -300, -300}},
    {"Etc/GMT+5", {-300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300, -300}},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(time_zones)

BOOST_AUTO_TEST_CASE(names_are_sorted_exact_and_round_trip) {
  BOOST_TEST(zone_count() > 500u);  // every zone and link of tzdata
  for (std::size_t i = 0; i < zone_count(); ++i) {
    const auto id = static_cast<ZoneId>(i);
    BOOST_TEST(find_zone(zone_name(id)).value_or(65535) == id, zone_name(id));
    if (i > 0) BOOST_TEST((zone_name(static_cast<ZoneId>(i - 1)) < zone_name(id)), zone_name(id));  // (( )): Boost.Test orders strings by length first
  }
  BOOST_TEST(zone_name(zone("America/New_York")) == "America/New_York");
  BOOST_TEST(find_zone("US/Eastern").has_value());    // backward-compatible link names
  BOOST_TEST(find_zone("Asia/Calcutta").has_value());  // named by the prefix map
  BOOST_TEST(!find_zone("america/new_york").has_value());
  BOOST_TEST(!find_zone("America/New_Yor").has_value());
  BOOST_TEST(!find_zone("").has_value());
  BOOST_TEST(!find_zone("Mars/Olympus_Mons").has_value());
  BOOST_TEST(zone_name(static_cast<ZoneId>(zone_count())).empty());
  BOOST_TEST(utc_offset(static_cast<ZoneId>(zone_count()), k2026) == 0);
  BOOST_TEST(!next_transition(static_cast<ZoneId>(zone_count()), k2026).has_value());
}

BOOST_AUTO_TEST_CASE(us_transitions_of_2026_to_the_second) {
  struct Case {
    const char* zone;
    std::int32_t standard, daylight;
    std::int64_t spring, fall;  // 2026-03-08 and 2026-11-01 at 02:00 local
  } cases[] = {
      {"America/New_York", -18000, -14400, 1772953200, 1793512800},  // 07:00Z, 06:00Z
      {"America/Chicago", -21600, -18000, 1772956800, 1793516400},   // 08:00Z, 07:00Z
      {"America/Denver", -25200, -21600, 1772960400, 1793520000},    // 09:00Z, 08:00Z
      {"America/Los_Angeles", -28800, -25200, 1772964000, 1793523600},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.zone) {
      const ZoneId z = zone(c.zone);
      BOOST_TEST(utc_offset(z, k2026) == c.standard);
      BOOST_TEST(utc_offset(z, c.spring - 1) == c.standard);
      BOOST_TEST(utc_offset(z, c.spring) == c.daylight);
      BOOST_TEST(utc_offset(z, c.fall - 1) == c.daylight);
      BOOST_TEST(utc_offset(z, c.fall) == c.standard);
      BOOST_TEST(next(c.zone, k2026) == c.spring);
      BOOST_TEST(next(c.zone, c.spring - 1) == c.spring);
      BOOST_TEST(next(c.zone, c.spring) == c.fall);  // the first instant after
      BOOST_TEST(next(c.zone, c.fall) == c.spring + 371 * 86400);  // 2027-03-14
    }
  }
}

BOOST_AUTO_TEST_CASE(zones_without_daylight_saving) {
  BOOST_TEST(utc_offset(zone("America/Phoenix"), k2026) == -25200);
  BOOST_TEST(utc_offset(zone("America/Phoenix"), 1783000000) == -25200);  // July 2026
  BOOST_TEST(!next_transition(zone("America/Phoenix"), k2026).has_value());
  BOOST_TEST(utc_offset(zone("Pacific/Honolulu"), 1783000000) == -36000);
  BOOST_TEST(!next_transition(zone("Pacific/Honolulu"), k2026).has_value());
  BOOST_TEST(utc_offset(zone("Asia/Kathmandu"), k2026) == 20700);  // +05:45
  BOOST_TEST(utc_offset(zone("Etc/GMT+5"), k2026) == -18000);     // POSIX sign: GMT+5 is west
}

BOOST_AUTO_TEST_CASE(europe_and_the_southern_hemisphere) {
  // London: 2026-03-29T01:00Z to 2026-10-25T01:00Z at +01:00.
  BOOST_TEST(utc_offset(zone("Europe/London"), 1774745999) == 0);
  BOOST_TEST(utc_offset(zone("Europe/London"), 1774746000) == 3600);
  BOOST_TEST(utc_offset(zone("Europe/London"), 1792889999) == 3600);
  BOOST_TEST(utc_offset(zone("Europe/London"), 1792890000) == 0);
  BOOST_TEST(next("Europe/London", k2026) == 1774746000);
  // Dublin's rule is "negative" daylight saving (IST-1GMT0,M10.5.0,M3.5.0/1): the same offsets.
  BOOST_TEST(utc_offset(zone("Europe/Dublin"), k2026) == 0);
  BOOST_TEST(utc_offset(zone("Europe/Dublin"), 1783000000) == 3600);
  BOOST_TEST(next("Europe/Dublin", k2026) == 1774746000);
  // Sydney: daylight saving spans the new year; it ends 2026-04-05 03:00 local (04-04T16:00Z) and
  // starts 2026-10-04 02:00 local (10-03T16:00Z).
  const ZoneId sydney = zone("Australia/Sydney");
  BOOST_TEST(utc_offset(sydney, k2026) == 39600);
  BOOST_TEST(utc_offset(sydney, k2026 - 1) == 39600);
  BOOST_TEST(utc_offset(sydney, 1775318399) == 39600);
  BOOST_TEST(utc_offset(sydney, 1775318400) == 36000);
  BOOST_TEST(utc_offset(sydney, 1791043199) == 36000);
  BOOST_TEST(utc_offset(sydney, 1791043200) == 39600);
  BOOST_TEST(next("Australia/Sydney", k2026) == 1775318400);
  BOOST_TEST(next("Australia/Sydney", 1775318400) == 1791043200);
  // Lord Howe: +10:30 and a half-hour of daylight saving, both transitions at 02:00 local.
  const ZoneId lord_howe = zone("Australia/Lord_Howe");
  BOOST_TEST(utc_offset(lord_howe, k2026) == 39600);
  BOOST_TEST(next("Australia/Lord_Howe", k2026) == 1775314800);  // 2026-04-04T15:00Z
  BOOST_TEST(utc_offset(lord_howe, 1775314800) == 37800);
  BOOST_TEST(next("Australia/Lord_Howe", 1775314800) == 1791041400);  // 2026-10-03T15:30Z
  BOOST_TEST(utc_offset(lord_howe, 1791041400) == 39600);
}

BOOST_AUTO_TEST_CASE(listed_changes_govern_before_the_rule) {
  // Morocco is at +01 except during Ramadan (listed one by one in its TZif; its rule is plain <+01>-1).
  const ZoneId casablanca = zone("Africa/Casablanca");
  BOOST_TEST(utc_offset(casablanca, k2026) == 3600);
  BOOST_TEST(next("Africa/Casablanca", k2026) == 1771120800);  // 2026-02-15T02:00Z
  BOOST_TEST(utc_offset(casablanca, 1771120800) == 0);
  BOOST_TEST(next("Africa/Casablanca", 1771120800) == 1774144800);  // 2026-03-22T02:00Z
  BOOST_TEST(utc_offset(casablanca, 1774144800) == 3600);
  // After the last listed change (2087) the rule governs: +01 with no transitions.
  BOOST_TEST(utc_offset(casablanca, 4102444800) == 3600);  // 2100
  BOOST_TEST(!next_transition(casablanca, 4102444800).has_value());
}

BOOST_AUTO_TEST_CASE(offsets_match_intl_for_many_zones_and_instants) {
  for (const auto& e : kExpected) {
    const ZoneId z = zone(e.zone);
    for (std::size_t i = 0; i < std::size(kInstants); ++i)
      BOOST_TEST(utc_offset(z, kInstants[i]) == e.minutes[i] * 60, e.zone << " at " << kInstants[i]);
  }
}

BOOST_AUTO_TEST_CASE(transitions_are_where_the_offset_changes) {
  // From 2026 to 2031 in every zone: the offset is constant between consecutive transitions (checked
  // every 3 hours) and differs across each one.
  constexpr std::int64_t end = 1924992000;  // 2031-01-01
  for (std::size_t i = 0; i < zone_count(); ++i) {
    const auto z = static_cast<ZoneId>(i);
    std::int64_t t = k2026;
    int changes = 0;
    while (t < end) {
      const std::int64_t n = next_transition(z, t).value_or(end);
      BOOST_TEST_REQUIRE(n > t, zone_name(z));
      const std::int32_t offset = utc_offset(z, t);
      bool constant = true;
      for (std::int64_t u = t; u < std::min(n, end); u += 3 * 3600) constant = constant && utc_offset(z, u) == offset;
      BOOST_TEST(constant, zone_name(z) << " from " << t);
      if (n < end) {
        BOOST_TEST(utc_offset(z, n) != utc_offset(z, n - 1), zone_name(z) << " at " << n);
        ++changes;
      }
      t = n;
    }
    BOOST_TEST(changes <= 30, zone_name(z));
  }
}

BOOST_AUTO_TEST_CASE(extreme_instants_do_not_overflow) {
  for (const std::int64_t t : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                               std::numeric_limits<std::int64_t>::max()}) {
    const std::int32_t o = utc_offset(zone("America/New_York"), t);
    BOOST_TEST((o == -18000 || o == -14400));
    BOOST_TEST((utc_offset(zone("Australia/Sydney"), t) == 36000 || utc_offset(zone("Australia/Sydney"), t) == 39600));
  }
  BOOST_TEST(!next_transition(zone("America/New_York"), std::numeric_limits<std::int64_t>::max()).has_value());
  BOOST_TEST(next_transition(zone("America/New_York"), std::numeric_limits<std::int64_t>::min()).has_value());
}

BOOST_AUTO_TEST_CASE(zones_of_a_number_by_longest_prefix) {
  using V = std::vector<std::string>;
  BOOST_TEST(names_for("12125551234") == V{"America/New_York"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("16025551234") == V{"America/Phoenix"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("18085551234") == V{"Pacific/Honolulu"}, boost::test_tools::per_element());
  // Idaho's 208 is split: 12082... may be Boise or Los Angeles, finer prefixes pick one.
  BOOST_TEST(names_for("12082001234") == (V{"America/Boise", "America/Los_Angeles"}), boost::test_tools::per_element());
  BOOST_TEST(names_for("12082011234") == V{"America/Denver"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("12082151234") == V{"America/Los_Angeles"}, boost::test_tools::per_element());
  // Florida's 850: New York by default, Chicago for the panhandle's exchanges.
  BOOST_TEST(names_for("18505551234") == V{"America/New_York"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("18502001234") == V{"America/Chicago"}, boost::test_tools::per_element());
  // Alaska's 907 spans two zones.
  BOOST_TEST(names_for("19075551234") == (V{"America/Adak", "America/Anchorage"}), boost::test_tools::per_element());
  // A number of an area code the map does not list (200) falls back to "1": every NANP zone.
  BOOST_TEST(names_for("12005551234").size() > 30u);
  BOOST_TEST(names_for("1") == names_for("12005551234"), boost::test_tools::per_element());
  // Outside NANP.
  BOOST_TEST(names_for("442071234567") == V{"Europe/London"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("441481123456") == V{"Europe/Guernsey"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("447700900123") == (V{"Europe/Guernsey", "Europe/Isle_of_Man", "Europe/London"}),
             boost::test_tools::per_element());
  BOOST_TEST(names_for("61212345678") == V{"Australia/Sydney"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("61255053123") == V{"Australia/Lord_Howe"}, boost::test_tools::per_element());
  const V australia{"Australia/Adelaide", "Australia/Brisbane", "Australia/Eucla", "Australia/Lord_Howe",
                    "Australia/Perth",    "Australia/Sydney",   "Indian/Christmas", "Indian/Cocos"};
  BOOST_TEST(names_for("61912345678") == australia, boost::test_tools::per_element());
  // No prefix matches.
  BOOST_TEST(zones_for_number("").empty());
  BOOST_TEST(zones_for_number("0123").empty());
  BOOST_TEST(zones_for_number("999123456").empty());
  // Digits stop at the first non-digit, and a prefix longer than the input is not matched.
  BOOST_TEST(names_for("1212") == V{"America/New_York"}, boost::test_tools::per_element());
  BOOST_TEST(names_for("121") == names_for("1"), boost::test_tools::per_element());
  BOOST_TEST(names_for("1212;ext") == V{"America/New_York"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_zone_of_the_map_has_a_rule) {
  // Any prefix up to 4 digits: the zone ids it gives are all in the rule table.
  for (int p = 0; p < 10000; ++p) {
    const std::string digits = std::to_string(p);
    for (const ZoneId z : zones_for_number(digits)) BOOST_TEST(z < zone_count(), digits);
  }
}

BOOST_AUTO_TEST_SUITE_END()
