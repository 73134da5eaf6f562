// Placeholder until the validation feature lands: registers nothing.
#include "binding.hpp"

namespace fuse::node {
void register_validation(Napi::Env, Napi::Object) {}
}  // namespace fuse::node
