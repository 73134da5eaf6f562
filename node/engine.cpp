// Placeholder until the engine feature lands: registers nothing.
#include "binding.hpp"

namespace fuse::node {
void register_engine(Napi::Env, Napi::Object) {}
}  // namespace fuse::node
