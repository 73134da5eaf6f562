// Placeholder until the csv feature lands: registers nothing.
#include "binding.hpp"

namespace fuse::node {
void register_csv(Napi::Env, Napi::Object) {}
}  // namespace fuse::node
