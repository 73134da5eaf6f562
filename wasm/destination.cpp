// parseDestination / parseDestinations (fuse/bridge_destination.hpp).
#include "binding.hpp"
#include "fuse/bridge_destination.hpp"

namespace fuse::wasm {
namespace {

std::string parse_destination(const std::string& input) { return bridge::parse_destination(input); }

val parse_destinations(std::uintptr_t utf8, std::size_t utf8_len, std::uintptr_t lengths, std::size_t count,
                       unsigned fields) {
  const auto cols = bridge::parse_destinations(heap_bytes(utf8, utf8_len),
                                               reinterpret_cast<const std::uint32_t*>(lengths), count, fields);
  val out = val::object();
  out.set("status", copy_to_typed_array(cols.status));
  out.set("countryCode", copy_to_typed_array(cols.country_code));
  if (fields & bridge::kFieldE164) out.set("e164", cols.e164);
  if (fields & bridge::kFieldNational) out.set("national", cols.national);
  if (fields & bridge::kFieldUri) out.set("uri", cols.uri);
  if (fields & bridge::kFieldAni) out.set("ani", cols.ani);
  if (fields & bridge::kFieldPostd) out.set("postd", cols.postd);
  if (fields & bridge::kFieldProblems) out.set("problems", cols.problems);
  out.set("valid", static_cast<double>(cols.valid));
  out.set("invalid", static_cast<double>(cols.invalid));
  return out;
}

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_destination) {
  emscripten::function("parseDestination", &fuse::wasm::parse_destination);
  emscripten::function("parseDestinations", &fuse::wasm::parse_destinations);
}
