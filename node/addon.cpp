// Node-API addon entry: each feature registers its functions (node/<feature>.cpp).
#include "binding.hpp"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  fuse::node::register_destination(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(fuse_outbound, Init)
