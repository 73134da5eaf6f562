// The simulated carrier (fuse/bridge_sim.hpp): the SimCarrierCore class.
#include "binding.hpp"
#include "fuse/bridge_sim.hpp"

namespace fuse::wasm {
namespace {

class SimCarrierCore {
 public:
  std::string configure(const std::string& options) { return session_.configure(options); }
  double attempt(const std::string& e164, double call, double attempt) const { return session_.attempt(e164, call, attempt); }
  void dispose() { session_ = bridge::SimCarrierSession{}; }

 private:
  bridge::SimCarrierSession session_;
};

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_sim) {
  using namespace fuse::wasm;
  emscripten::class_<SimCarrierCore>("SimCarrierCore")
      .constructor<>()
      .function("configure", &SimCarrierCore::configure)
      .function("attempt", &SimCarrierCore::attempt)
      .function("dispose", &SimCarrierCore::dispose);
}
