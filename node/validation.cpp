// validateQueueRequest (fuse/bridge_validation.hpp).
#include "binding.hpp"
#include "fuse/bridge_validation.hpp"

namespace fuse::node {
namespace {

Napi::Value ValidateQueueRequest(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), bridge::validate_queue_request(info[0].As<Napi::String>().Utf8Value(),
                                                                      info[1].As<Napi::String>().Utf8Value()));
}

}  // namespace

void register_validation(Napi::Env env, Napi::Object exports) {
  exports.Set("validateQueueRequest", Napi::Function::New(env, ValidateQueueRequest));
}

}  // namespace fuse::node
