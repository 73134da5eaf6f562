#include "text.hpp"

#include <cstdio>
#include <cstring>

namespace fuse::text {

std::string_view trim(std::string_view s) noexcept {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool is_ascii(std::string_view s) noexcept {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high |= word;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ull) == 0;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = at(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;       // no overlong forms
    else if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const std::size_t n = utf8_sequence_length(s, i);
    i += n ? n : 1;
  }
  return count;
}

static void append_hex_byte(std::string& out, unsigned char b, const char* prefix) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%02X", prefix, b);
  out += buf;
}

std::string quote(std::string_view value, std::size_t max_chars) {
  std::string out = "\"";
  std::size_t chars = 0;
  for (std::size_t i = 0; i < value.size();) {
    if (chars == max_chars) {
      out += "\xE2\x80\xA6";  // …
      break;
    }
    const unsigned char c = static_cast<unsigned char>(value[i]);
    const std::size_t n = utf8_sequence_length(value, i);
    if (n == 0) {
      append_hex_byte(out, c, "\\x");
      i += 1;
    } else if (c < 0x20 || c == 0x7F) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: append_hex_byte(out, c, "\\x");
      }
      i += 1;
    } else {
      out.append(value.substr(i, n));
      i += n;
    }
    ++chars;
  }
  out += '"';
  return out;
}

std::string describe_char(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ') return "a space";
  if (c > 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  const std::size_t n = utf8_sequence_length(s, i);
  std::string out;
  if (n == 0) {
    append_hex_byte(out, c, "byte 0x");
    out += " (not UTF-8)";
    return out;
  }
  // Decode the code point for a U+XXXX name.
  std::uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  out = buf;
  if (n > 1) out += " '" + std::string(s.substr(i, n)) + "'";
  return out;
}

std::string to_string(std::uint64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string to_string(std::int64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string with_commas(std::uint64_t v) {
  std::string digits = to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string list_or(const std::string* items, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += (i + 1 == n) ? " or " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace fuse::text
