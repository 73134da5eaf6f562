#include "json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "text.hpp"

namespace fuse::json {

namespace {
// True when `s` has a byte JSON must escape or check: a control character, '"', '\\' or non-ASCII.
// Eight bytes at a time: strings are short, but CSV cells and payload fields come by the million.
bool needs_escape(std::string_view s) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t control = (w - ones * 0x20) & ~w & highs;  // a byte < 0x20
    if ((w & highs) | control | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) return true;
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return true;
  }
  return false;
}
}  // namespace

void write_string(std::string& out, std::string_view s) {
  if (!needs_escape(s)) {  // the common case: printable ASCII without " or \ is copied as it is
    out += '"';
    out.append(s);
    out += '"';
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = text::utf8_sequence_length(s, i);
      if (n) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += "\xEF\xBF\xBD";  // invalid UTF-8 byte
        }
    }
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void write_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void write_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void write_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    write_int(out, static_cast<std::int64_t>(v));  // -0 too: JavaScript prints it as 0
    return;
  }
  // The shortest digits that read back as v, from printf's exponent form "-d.ddde+XX".
  char buf[40];
  for (int precision = 0; precision <= 16; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string_view s(buf);
  if (s.front() == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  const std::size_t e = s.find('e');
  std::string digits;
  for (const char c : s.substr(0, e))
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int k = static_cast<int>(digits.size());
  const int n = std::atoi(s.data() + e + 1) + 1;  // v = 0.digits * 10^n
  // Then laid out as Number#toString does (ECMA-262 Number::toString).
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += n - 1 >= 0 ? "e+" : "e-";
    out += std::to_string(n - 1 >= 0 ? n - 1 : 1 - n);
  }
}

void write_problem(std::string& out, const Problem& p) {
  ObjectWriter w(out);
  w.field("code", code_name(p.code));
  w.field("field", p.field);
  w.field("message", p.message);
  if (p.row) w.field_int("row", static_cast<std::int64_t>(p.row));
  if (p.line) w.field_int("line", static_cast<std::int64_t>(p.line));
  w.close();
}

void write_problems(std::string& out, const Problems& problems, Severity severity) {
  out += '[';
  bool first = true;
  for (const auto& p : problems) {
    if (p.severity != severity) continue;
    if (!first) out += ',';
    first = false;
    write_problem(out, p);
  }
  out += ']';
}

}  // namespace fuse::json
