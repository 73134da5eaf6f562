// Bridge functions for destinations (SPEC 2, JS API parseDestination / parseDestinations).
#include <algorithm>
#include <cstring>

#include "bridge_common.hpp"
#include "fuse/bridge_destination.hpp"
#include "fuse/destination.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse::bridge {
namespace {

// Splits off the next input: `units` UTF-16 code units from the front of `rest`. A surrogate pair
// split across two inputs was a lone surrogate in each, which JS encodes as U+FFFD; `scratch` then
// holds that re-encoding so the item reads exactly as parseDestination(item) would see it.
std::string_view next_item(std::string_view& rest, std::uint32_t units, bool& carry_low_half,
                           std::string& scratch) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  scratch.clear();
  bool patched = false;
  std::size_t i = 0;
  if (carry_low_half && units > 0) {
    // The previous item took the high half of the 4-byte character at the front.
    scratch = kReplacement;
    patched = true;
    carry_low_half = false;
    i = std::min<std::size_t>(4, rest.size());
    --units;
  }
  while (units > 0 && i < rest.size()) {
    const unsigned char c = static_cast<unsigned char>(rest[i]);
    const std::size_t n = std::min<std::size_t>(c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, rest.size() - i);
    const std::uint32_t u = n == 4 ? 2 : 1;
    if (u > units) {  // only the high surrogate belongs here; the character stays for the next item
      if (!patched) scratch.assign(rest.data(), i);
      scratch += kReplacement;
      patched = true;
      carry_low_half = true;
      break;
    }
    if (patched) scratch.append(rest.data() + i, n);
    i += n;
    units -= u;
  }
  const std::string_view item = patched ? std::string_view(scratch) : rest.substr(0, i);
  rest.remove_prefix(i);
  return item;
}

}  // namespace

bool is_ascii(std::string_view text) noexcept { return text::is_ascii(text); }

std::string parse_destination(std::string_view input) {
  Destination d;
  Problems problems;
  const bool ok = fuse::parse_destination(input, d, problems);
  std::string out;
  out.reserve(256);
  json::ObjectWriter w(out);
  w.field_bool("ok", ok);
  if (ok) {
    write_destination(w.key("destination"), d);
  } else {
    json::write_problems(w.key("errors"), problems, Severity::error);
  }
  json::write_problems(w.key("warnings"), problems, Severity::warning);
  w.close();
  return out;
}

DestinationColumns parse_destinations(std::string_view utf8, const std::uint32_t* utf16_lengths, std::size_t count,
                                      unsigned fields) {
  DestinationColumns cols;
  cols.status.resize(count);
  cols.country_code.resize(count);
  // Each column is written through a raw cursor. Before each entry the column makes room for its
  // longest possible entry, growing by doubling: the space zero-filled stays proportional to what
  // is written (a worst-case reservation was 81 MB for the uri column of 1M inputs).
  struct Column {
    std::string* text = nullptr;
    char* cursor = nullptr;
    std::size_t max_entry = 0;
    void open(std::string* t, std::size_t count, std::size_t longest) {
      text = t;
      max_entry = longest + 1;  // + the separator
      t->resize(std::min<std::size_t>(count, 1024) * 16);
      cursor = t->data();
    }
    void separate(bool first) {
      const std::size_t used = static_cast<std::size_t>(cursor - text->data());
      if (text->size() - used < max_entry) {
        text->resize(std::max(text->size() * 2, used + max_entry));
        cursor = text->data() + used;
      }
      if (!first) *cursor++ = '\n';
    }
    void put(std::string_view s) {
      std::memcpy(cursor, s.data(), s.size());
      cursor += s.size();
    }
    void close() { text->resize(static_cast<std::size_t>(cursor - text->data())); }
  };
  Column e164, national, uri, ani, postd;
  const bool want_e164 = fields & kFieldE164, want_national = fields & kFieldNational, want_uri = fields & kFieldUri,
             want_ani = fields & kFieldAni, want_postd = fields & kFieldPostd, want_problems = fields & kFieldProblems;
  if (want_e164) e164.open(&cols.e164, count, kMaxE164Digits + 1);
  if (want_national) national.open(&cols.national, count, kMaxE164Digits);
  if (want_uri) uri.open(&cols.uri, count, kMaxUriLength);
  if (want_ani) ani.open(&cols.ani, count, kMaxE164Digits + 1);
  if (want_postd) postd.open(&cols.postd, count, kMaxPostdChars);
  if (want_problems) cols.problems = "[";

  // Bytes equal to UTF-16 units means every character is ASCII: items split by length directly.
  std::uint64_t units = 0;
  for (std::size_t i = 0; i < count; ++i) units += utf16_lengths[i];
  const bool ascii = units == utf8.size();
  std::string_view rest = utf8;
  std::string scratch;
  bool carry = false;
  Problems problems;
  Destination d;
  for (std::size_t i = 0; i < count; ++i) {
    const bool first = i == 0;
    if (want_e164) e164.separate(first);
    if (want_national) national.separate(first);
    if (want_uri) uri.separate(first);
    if (want_ani) ani.separate(first);
    if (want_postd) postd.separate(first);
    std::string_view item;
    if (ascii) {
      item = rest.substr(0, utf16_lengths[i]);
      rest.remove_prefix(item.size());
    } else {
      item = next_item(rest, utf16_lengths[i], carry, scratch);
    }
    problems.clear();
    if (fuse::parse_destination(item, d, problems)) {
      ++cols.valid;
      cols.status[i] = problems.empty() ? 0 : 1;
      cols.country_code[i] = d.number.country_code;
      if (want_e164) e164.cursor += d.number.write_e164(e164.cursor);
      if (want_national) national.put(d.number.national_number());
      if (want_uri) uri.cursor += d.write_uri(uri.cursor);
      if (want_ani && d.has_ani) ani.cursor += d.ani.write_e164(ani.cursor);
      if (want_postd) postd.put(d.postd_view());
    } else {
      ++cols.invalid;
      cols.status[i] = 2;
    }
    if (!want_problems) continue;
    for (const auto& p : problems) {
      if (cols.problems.size() > 1) cols.problems += ',';
      json::ObjectWriter w(cols.problems);
      w.field_int("index", static_cast<std::int64_t>(i));
      w.field("severity", p.severity == Severity::error ? "error" : "warning");
      w.field("code", code_name(p.code));
      w.field("field", p.field);
      w.field("message", p.message);
      w.close();
    }
  }
  if (want_e164) e164.close();
  if (want_national) national.close();
  if (want_uri) uri.close();
  if (want_ani) ani.close();
  if (want_postd) postd.close();
  if (want_problems) cols.problems += ']';
  return cols;
}

}  // namespace fuse::bridge
