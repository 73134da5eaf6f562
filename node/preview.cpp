// previewWindow (fuse/bridge_preview.hpp).
#include "binding.hpp"
#include "fuse/bridge_preview.hpp"

namespace fuse::node {
namespace {

Napi::Value PreviewWindow(const Napi::CallbackInfo& info) {
  return string_of(info.Env(), bridge::preview_window(info[0].As<Napi::String>().Utf8Value()));
}

}  // namespace

void register_preview(Napi::Env env, Napi::Object exports) {
  exports.Set("previewWindow", Napi::Function::New(env, PreviewWindow));
}

}  // namespace fuse::node
