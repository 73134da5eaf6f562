// Node-API addon entry: each feature registers its functions (node/<feature>.cpp).
#include "binding.hpp"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  fuse::node::register_destination(env, exports);
  fuse::node::register_validation(env, exports);
  fuse::node::register_csv(env, exports);
  fuse::node::register_engine(env, exports);
  fuse::node::register_preview(env, exports);
  fuse::node::register_sim(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(fuse_outbound, Init)
