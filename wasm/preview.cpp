// previewWindow (fuse/bridge_preview.hpp).
#include "binding.hpp"
#include "fuse/bridge_preview.hpp"

namespace fuse::wasm {
namespace {

std::string preview_window(const std::string& options_json) { return bridge::preview_window(options_json); }

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_preview) {
  emscripten::function("previewWindow", &fuse::wasm::preview_window);
}
