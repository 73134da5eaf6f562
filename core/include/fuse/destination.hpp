// Destinations: `tel:` URIs and bare numbers with caller ID (`ani`) and post-dial DTMF (`postd`), SPEC 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuse/problem.hpp"

namespace fuse {

inline constexpr std::size_t kMaxDestinationChars = 256;
inline constexpr std::size_t kMaxE164Digits = 15;
inline constexpr std::size_t kMaxPostdChars = 32;
// "tel:" "+" 15 digits ";ani=" "+" 15 digits ";postd=" 32 chars
inline constexpr std::size_t kMaxUriLength = 4 + 16 + 5 + 16 + 7 + kMaxPostdChars;

// A phone number in E.164 form, stored inline so parsing never allocates.
struct PhoneNumber {
  std::uint16_t country_code = 0;
  std::uint8_t national_length = 0;
  char national[kMaxE164Digits] = {};

  std::string_view national_number() const noexcept { return {national, national_length}; }
  bool is_nanp() const noexcept { return country_code == 1; }
  // Writes "+<country code><national number>" (at most 16 chars) and returns its length.
  std::size_t write_e164(char* out) const noexcept;
  std::string e164() const;
  // Compact key for duplicate detection: the E.164 digits as an integer (at most 15 digits).
  std::uint64_t key() const noexcept;
};

struct Destination {
  PhoneNumber number;
  bool has_ani = false;
  PhoneNumber ani;
  std::uint8_t postd_length = 0;
  char postd[kMaxPostdChars] = {};

  bool has_postd() const noexcept { return postd_length != 0; }
  std::string_view postd_view() const noexcept { return {postd, postd_length}; }
  // Canonical URI: tel:+16175551234;ani=8009957586;postd=2 (a NANP caller ID is written as 10 digits,
  // any other as +E.164). Writes at most kMaxUriLength chars and returns the length.
  std::size_t write_uri(char* out) const noexcept;
  std::string uri() const;
};

// Parses one destination. Appends every problem found (errors and warnings) to `problems`, naming
// `field` ("phone_number" for the API, "destination" for CSV). Returns true when no error was found;
// `out` is then fully set. Never allocates for a valid input without warnings.
[[nodiscard]] bool parse_destination(std::string_view input, Destination& out, Problems& problems,
                       std::string_view field = "phone_number");

// Country calling codes the parser accepts (assigned ITU codes, libphonenumber's table).
struct CountryCallingCode {
  std::uint16_t code;
  std::uint32_t national_lengths;  // bit n set: a national number of n digits is possible
  std::string_view regions;        // ISO 3166 regions sharing the code, e.g. "GB GG IM JE"
};
// The entry for `code`, or nullptr when the code is not assigned.
const CountryCallingCode* find_country_calling_code(unsigned code) noexcept;
// Every entry, ascending by code.
const CountryCallingCode* country_calling_codes_begin() noexcept;
const CountryCallingCode* country_calling_codes_end() noexcept;

}  // namespace fuse
