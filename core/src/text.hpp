// Small text helpers shared by the parsers and the JSON writer (internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fuse::text {

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string_view trim(std::string_view s) noexcept;
// Whether every byte is below 0x80 (eight bytes at a time).
bool is_ascii(std::string_view s) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;

// Length in bytes of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;
// Number of code points, counting each invalid byte as one.
std::size_t utf8_length(std::string_view s) noexcept;

// A value quoted for a message: "..." with control characters escaped, cut after `max_chars`
// code points with an ellipsis, invalid UTF-8 shown as \xNN. Always valid UTF-8.
std::string quote(std::string_view value, std::size_t max_chars = 60);
// Describes one character for a message: 'x', a space, U+00A0, byte 0xFF.
std::string describe_char(std::string_view s, std::size_t i);

std::string to_string(std::uint64_t v);
std::string to_string(std::int64_t v);
// "1,000,000"
std::string with_commas(std::uint64_t v);
// "7, 9 or 10"
std::string list_or(const std::string* items, std::size_t n);

}  // namespace fuse::text
