// validateQueueRequest (fuse/bridge_validation.hpp).
#include "binding.hpp"
#include "fuse/bridge_validation.hpp"

namespace fuse::wasm {
namespace {

std::string validate_queue_request(const std::string& params_json, const std::string& options_json) {
  return bridge::validate_queue_request(params_json, options_json);
}

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_validation) {
  emscripten::function("validateQueueRequest", &fuse::wasm::validate_queue_request);
}
