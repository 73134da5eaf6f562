// The bridge: what the Node addon and the WebAssembly module call. Each function takes strings or
// bytes and returns JSON text or flat columns, so both bindings stay a few lines of marshalling and
// every rule lives here, once. The JSON shapes are the JS API's (SPEC 7).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuse::bridge {

// Whether text the core returns is plain ASCII: a binding may then hand it to its JS engine
// without UTF-8 decoding (V8's latin1 copy).
bool is_ascii(std::string_view text) noexcept;

// parseDestination(input) as JSON:
// {"ok":true,"destination":{e164,countryCode,nationalNumber,ani,postd,uri},"warnings":[...]}
// {"ok":false,"errors":[...],"warnings":[...]}
std::string parse_destination(std::string_view input);

// parseDestinations(inputs): many destinations in one crossing. The inputs arrive concatenated as
// UTF-8 together with each one's length in UTF-16 code units (what JS's String#length gives, so
// the caller never measures UTF-8); results come back as columns, one entry per input. Only the
// columns asked for in `fields` are written: re-parsing is cheaper than building unused columns,
// so the JS batch object fetches the others lazily.
enum DestinationField : unsigned {
  kFieldE164 = 1,
  kFieldNational = 2,
  kFieldUri = 4,
  kFieldAni = 8,
  kFieldPostd = 16,
  kFieldProblems = 32,
};
struct DestinationColumns {
  std::vector<std::uint8_t> status;          // 0 valid, 1 valid with warnings, 2 invalid
  std::vector<std::uint16_t> country_code;   // 0 when invalid
  std::string e164, national, uri, ani, postd;  // entries joined by '\n'; "" when absent
  std::string problems;  // JSON array: {"index":i, "severity":"error"|"warning", code, field, message}
  std::size_t valid = 0, invalid = 0;
};
DestinationColumns parse_destinations(std::string_view utf8, const std::uint32_t* utf16_lengths, std::size_t count,
                                      unsigned fields);

}  // namespace fuse::bridge
