// libFuzzer target for the destination parser (SPEC 2). Oracles beyond "no crash, no UB":
// - a valid destination's canonical URI parses back to the same destination, with no error;
// - the bridge's JSON for any input is valid JSON with the documented top-level shape.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuse/bridge_destination.hpp"
#include "fuse/destination.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuse::Destination d;
  fuse::Problems problems;
  const bool ok = fuse::parse_destination(input, d, problems);
  check(ok != fuse::has_error(problems));
  for (const auto& p : problems) check(!p.message.empty() && p.field == "phone_number");
  if (ok) {
    const std::string uri = d.uri();
    check(uri.size() <= fuse::kMaxUriLength);
    fuse::Destination again;
    fuse::Problems again_problems;
    check(fuse::parse_destination(uri, again, again_problems));
    check(again.uri() == uri);
    check(again.number.key() == d.number.key());
  }
  const auto json = nlohmann::json::parse(fuse::bridge::parse_destination(input), nullptr, false);
  check(!json.is_discarded() && json.is_object());
  check(json.contains("ok") && json["ok"].is_boolean() && json["ok"].get<bool>() == ok);
  check(json.contains("warnings") && json["warnings"].is_array());
  return 0;
}
