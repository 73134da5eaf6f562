// Bridge functions for destinations (SPEC 2, JS API parseDestination / parseDestinations).
#include <algorithm>

#include "bridge_common.hpp"
#include "fuse/bridge.hpp"
#include "fuse/destination.hpp"
#include "json_writer.hpp"

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

DestinationColumns parse_destinations(std::string_view utf8, const std::uint32_t* utf16_lengths,
                                      std::size_t count) {
  DestinationColumns cols;
  cols.status.resize(count);
  cols.country_code.resize(count);
  cols.e164.reserve(count * 13);
  cols.national.reserve(count * 11);
  cols.uri.reserve(count * 18);
  cols.ani.reserve(count);
  cols.postd.reserve(count);
  cols.problems = "[";

  std::string_view rest = utf8;
  std::string scratch;
  bool carry = false;
  Problems problems;
  Destination d;
  char buf[kMaxUriLength];
  for (std::size_t i = 0; i < count; ++i) {
    if (i) {
      cols.e164 += '\n';
      cols.national += '\n';
      cols.uri += '\n';
      cols.ani += '\n';
      cols.postd += '\n';
    }
    const std::string_view item = next_item(rest, utf16_lengths[i], carry, scratch);
    problems.clear();
    const bool ok = fuse::parse_destination(item, d, problems);
    if (ok) {
      ++cols.valid;
      cols.status[i] = problems.empty() ? 0 : 1;
      cols.country_code[i] = d.number.country_code;
      cols.e164.append(buf, d.number.write_e164(buf));
      cols.national.append(d.number.national_number());
      cols.uri.append(buf, d.write_uri(buf));
      if (d.has_ani) cols.ani.append(buf, d.ani.write_e164(buf));
      if (d.has_postd()) cols.postd.append(d.postd_view());
    } else {
      ++cols.invalid;
      cols.status[i] = 2;
    }
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
  cols.problems += ']';
  return cols;
}

}  // namespace fuse::bridge
