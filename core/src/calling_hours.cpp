// Calling hours (SPEC 14): reading the forms, the canonical text, and the search for the next
// instant inside the hours in every zone of a number.
#include "fuse/calling_hours.hpp"

#include <algorithm>
#include <charconv>

#include "json_reader.hpp"
#include "text.hpp"

namespace fuse {

namespace {

constexpr std::string_view kDayNames[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::string_view kForms =
    "e.g. \"08:00-21:00\", \"tcpa\", \"mon-fri 08:00-21:00; sat 09:00-17:00\" or {\"mon-fri\": \"08:00-21:00\"}";

bool fail(Problems& problems, std::string_view field, std::string message) {
  problems.push_back({Code::invalid_calling_hours, Severity::error, std::string(field), std::move(message)});
  return false;
}

int day_index(std::string_view name) {
  for (int d = 0; d < 7; ++d)
    if (text::iequals(name, kDayNames[d])) return d;
  return -1;
}

// "mon-fri", "sat,sun", "mon": the days, as a bit per weekday.
bool read_days(std::string_view spec, std::string_view field, unsigned& days, Problems& problems) {
  days = 0;
  spec = text::trim(spec);
  if (spec.empty()) return fail(problems, field, "Calling hours name an empty list of days; " + std::string(kForms) + ".");
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = text::trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    const std::size_t dash = item.find('-');
    const int first = day_index(text::trim(item.substr(0, dash)));
    const int last = dash == std::string_view::npos ? first : day_index(text::trim(item.substr(dash + 1)));
    if (first < 0 || last < 0)
      return fail(problems, field,
                  "Calling hours name an unknown day " + text::quote(item) + "; days are sun mon tue wed thu fri sat, ranges like mon-fri.");
    for (int d = first;; d = (d + 1) % 7) {
      days |= 1u << d;
      if (d == last) break;
    }
  }
  return true;
}

// "08:00" to minutes (00:00 to 24:00).
bool read_clock(std::string_view s, int& minutes) {
  s = text::trim(s);
  if (s.size() != 5 || s[2] != ':' || !text::is_digit(s[0]) || !text::is_digit(s[1]) || !text::is_digit(s[3]) ||
      !text::is_digit(s[4]))
    return false;
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
  minutes = h * 60 + m;
  return true;
}

// "08:00-12:00,13:00-20:00" (or "tcpa") into one day's spans, sorted, not overlapping.
bool read_spans(std::string_view spec, std::string_view field, std::array<CallingHours::Span, CallingHours::kMaxSpans>& spans,
                std::uint8_t& count, Problems& problems) {
  spec = text::trim(spec);
  count = 0;
  if (text::iequals(spec, "tcpa")) {
    spans[0] = {8 * 60, 21 * 60};
    count = 1;
    return true;
  }
  if (spec.empty()) return fail(problems, field, "Calling hours are empty; " + std::string(kForms) + ".");
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = text::trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    const std::size_t dash = item.find('-');
    int open = 0, close = 0;
    if (dash == std::string_view::npos || !read_clock(item.substr(0, dash), open) || !read_clock(item.substr(dash + 1), close))
      return fail(problems, field,
                  "Calling hours " + text::quote(item) + " are not a span of HH:MM-HH:MM (00:00 to 24:00); " + std::string(kForms) + ".");
    if (close <= open)
      return fail(problems, field,
                  "Calling hours " + text::quote(item) +
                      " close before they open; a span ends later the same day (split one across midnight as 21:00-24:00,00:00-02:00).");
    if (count == CallingHours::kMaxSpans)
      return fail(problems, field, "Calling hours have more than 4 spans in one day; join the spans that touch.");
    spans[count++] = {static_cast<std::uint16_t>(open), static_cast<std::uint16_t>(close)};
  }
  std::sort(spans.begin(), spans.begin() + count, [](const auto& a, const auto& b) { return a.open < b.open; });
  for (std::uint8_t i = 1; i < count; ++i)
    if (spans[i].open < spans[i - 1].close)
      return fail(problems, field, "Calling hours have overlapping spans on one day; give each minute once.");
  return true;
}

bool add_days(CallingHours& out, unsigned days, const std::array<CallingHours::Span, CallingHours::kMaxSpans>& spans,
              std::uint8_t count, std::string_view field, Problems& problems) {
  for (int d = 0; d < 7; ++d) {
    if (!(days & (1u << d))) continue;
    if (out.count[d]) return fail(problems, field, "Calling hours name " + std::string(kDayNames[d]) + " twice; name each day once.");
    out.days[d] = spans;
    out.count[d] = count;
  }
  return true;
}

void write_clock(std::string& out, int minutes) {
  const int h = minutes / 60, m = minutes % 60;
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
}

void write_spans(std::string& out, const CallingHours& h, int d) {
  for (std::uint8_t i = 0; i < h.count[d]; ++i) {
    if (i) out += ',';
    write_clock(out, h.days[d][i].open);
    out += '-';
    write_clock(out, h.days[d][i].close);
  }
}

bool same_day(const CallingHours& h, int a, int b) {
  return h.count[a] == h.count[b] && std::equal(h.days[a].begin(), h.days[a].begin() + h.count[a], h.days[b].begin());
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The weekday (0 = Sunday) and minute of the local day of a local time in seconds since the epoch.
void local_parts(std::int64_t local, int& weekday, int& minute) {
  const std::int64_t day = floor_div(local, 86400);
  weekday = static_cast<int>(((day % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  minute = static_cast<int>((local - day * 86400) / 60);
}

// The UTC instant of a local wall time in `zone` (the later reading of an ambiguous hour is not
// needed: inside_calling_hours judges each candidate again).
std::int64_t utc_of_local(tz::ZoneId zone, std::int64_t local) {
  const std::int64_t guess = local - tz::utc_offset(zone, local);
  return local - tz::utc_offset(zone, guess);
}

}  // namespace

bool CallingHours::empty() const noexcept {
  return std::all_of(count.begin(), count.end(), [](std::uint8_t n) { return n == 0; });
}

bool CallingHours::inside(int weekday, int minute) const noexcept {
  for (std::uint8_t i = 0; i < count[weekday]; ++i)
    if (minute >= days[weekday][i].open && minute < days[weekday][i].close) return true;
  return false;
}

bool read_calling_hours(std::string_view input, std::string_view field, CallingHours& out, Problems& problems) {
  out = CallingHours{};
  const std::string_view spec = text::trim(input);
  if (spec.size() > 1024) return fail(problems, field, "Calling hours are longer than 1024 characters; " + std::string(kForms) + ".");
  if (!spec.empty() && spec.front() == '{') {
    json::Node root;
    json::ReadError error;
    if (!json::read(spec, 1, root, error) || root.kind != json::Kind::object)
      return fail(problems, field, "Calling hours given as an object are not a JSON object of day: hours; " + std::string(kForms) + ".");
    for (const json::Member& m : root.members) {
      if (m.duplicate) continue;
      if (m.value.kind != json::Kind::string)
        return fail(problems, field, "Calling hours for " + text::quote(m.key) + " must be a string like \"08:00-21:00\", got " +
                                         json::given_kind(m.value) + ".");
      unsigned days = 0;
      std::array<CallingHours::Span, CallingHours::kMaxSpans> spans{};
      std::uint8_t count = 0;
      if (!read_days(m.key, field, days, problems) || !read_spans(m.value.text, field, spans, count, problems) ||
          !add_days(out, days, spans, count, field, problems))
        return false;
    }
  } else {
    // "08:00-21:00" or "mon-fri 08:00-21:00; sat 09:00-17:00".
    std::string_view rest = spec;
    bool any = false;
    while (!rest.empty() || !any) {
      const std::size_t semi = rest.find(';');
      const std::string_view part = text::trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      any = true;
      const std::size_t space = part.find(' ');
      const bool has_days = !part.empty() && !text::is_digit(part.front()) && !text::iequals(part, "tcpa");
      unsigned days = 0x7F;
      std::string_view spans_text = part;
      if (has_days) {
        if (space == std::string_view::npos)
          return fail(problems, field, "Calling hours " + text::quote(part) + " name days without hours; " + std::string(kForms) + ".");
        if (!read_days(part.substr(0, space), field, days, problems)) return false;
        spans_text = part.substr(space + 1);
      }
      std::array<CallingHours::Span, CallingHours::kMaxSpans> spans{};
      std::uint8_t count = 0;
      if (!read_spans(spans_text, field, spans, count, problems) || !add_days(out, days, spans, count, field, problems))
        return false;
    }
  }
  if (out.empty()) return fail(problems, field, "Calling hours name no day; " + std::string(kForms) + ".");
  return true;
}

std::string calling_hours_text(const CallingHours& h) {
  std::string out;
  bool all_same = true;
  for (int d = 1; d < 7; ++d) all_same = all_same && same_day(h, 0, d);
  if (all_same) {
    write_spans(out, h, 0);
    return out;
  }
  // Runs of equal days, from Monday (so "mon-fri" reads as people write it), Sunday last.
  constexpr int order[7] = {1, 2, 3, 4, 5, 6, 0};
  for (int i = 0; i < 7;) {
    const int d = order[i];
    int j = i + 1;
    while (j < 7 && same_day(h, d, order[j])) ++j;
    if (h.count[d]) {
      if (!out.empty()) out += "; ";
      out += kDayNames[d];
      if (j - i > 1) {
        out += '-';
        out += kDayNames[order[j - 1]];
      }
      out += ' ';
      write_spans(out, h, d);
    }
    i = j;
  }
  return out;
}

bool read_time_zone(std::string_view name, std::string_view field, tz::ZoneId& out, Problems& problems) {
  const auto zone = tz::find_zone(text::trim(name));
  if (!zone) {
    problems.push_back({Code::invalid_timezone, Severity::error, std::string(field),
                        "Unknown time zone " + text::quote(name) +
                            "; give an IANA name such as \"America/New_York\" (case matters)."});
    return false;
  }
  out = *zone;
  return true;
}

std::span<const tz::ZoneId> zones_for_key(std::uint64_t e164_key) noexcept {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, e164_key);
  return tz::zones_for_number(std::string_view(digits, static_cast<std::size_t>(r.ptr - digits)));
}

bool inside_calling_hours(const CallingHours& hours, std::span<const tz::ZoneId> zones, std::int64_t utc) noexcept {
  for (const tz::ZoneId z : zones) {
    int weekday = 0, minute = 0;
    local_parts(utc + tz::utc_offset(z, utc), weekday, minute);
    if (!hours.inside(weekday, minute)) return false;
  }
  return true;
}

namespace {

// The instants in (from, horizon) where being inside the hours can change: each zone's span opens
// (or closes) and offset changes, sorted. At most 64 zones x (10 days x 4 spans + 4 transitions).
constexpr std::size_t kMaxCandidates = kMaxCallZones * 44;
std::size_t change_candidates(const CallingHours& hours, std::span<const tz::ZoneId> zones, std::int64_t from,
                              std::int64_t horizon, bool opens, std::int64_t* candidates) noexcept {
  std::size_t n = 0;
  for (const tz::ZoneId z : zones.first(std::min(zones.size(), kMaxCallZones))) {
    const std::int64_t first_day = floor_div(from + tz::utc_offset(z, from), 86400) - 1;
    for (std::int64_t day = first_day; day <= first_day + 9; ++day) {
      int weekday = 0, minute = 0;
      local_parts(day * 86400, weekday, minute);
      for (std::uint8_t i = 0; i < hours.count[weekday] && n < kMaxCandidates; ++i) {
        const auto& span = hours.days[weekday][i];
        const std::int64_t t = utc_of_local(z, day * 86400 + (opens ? span.open : span.close) * 60);
        if (t > from && t < horizon) candidates[n++] = t;
      }
    }
    std::int64_t t = from;
    for (int k = 0; k < 4 && n < kMaxCandidates; ++k) {
      const auto next = tz::next_transition(z, t);
      if (!next || *next >= horizon) break;
      candidates[n++] = t = *next;
    }
  }
  std::sort(candidates, candidates + n);
  return n;
}

}  // namespace

std::optional<std::int64_t> next_calling_time(const CallingHours& hours, std::span<const tz::ZoneId> zones,
                                              std::int64_t from, std::int64_t until) noexcept {
  if (from >= until || hours.empty()) return std::nullopt;
  if (inside_calling_hours(hours, zones, from)) return from;
  if (zones.empty()) return std::nullopt;  // cannot happen: no zones is always inside
  // Inside every zone starts where some zone's span opens or its offset changes.
  std::int64_t candidates[kMaxCandidates];
  const std::size_t n = change_candidates(hours, zones, from, std::min(until, from + 8 * 86400), true, candidates);
  for (std::size_t i = 0; i < n; ++i)
    if (inside_calling_hours(hours, zones, candidates[i])) return candidates[i];
  return std::nullopt;
}

std::optional<std::int64_t> calling_hours_close(const CallingHours& hours, std::span<const tz::ZoneId> zones,
                                                std::int64_t from) noexcept {
  if (zones.empty()) return std::nullopt;
  // Leaving one zone's hours ends where its span closes or its offset changes.
  std::int64_t candidates[kMaxCandidates];
  const std::size_t n = change_candidates(hours, zones, from, from + 8 * 86400, false, candidates);
  for (std::size_t i = 0; i < n; ++i)
    if (!inside_calling_hours(hours, zones, candidates[i])) return candidates[i];
  return std::nullopt;
}

}  // namespace fuse
