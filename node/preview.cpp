// Placeholder until the preview feature lands: registers nothing.
#include "binding.hpp"

namespace fuse::node {
void register_preview(Napi::Env, Napi::Object) {}
}  // namespace fuse::node
