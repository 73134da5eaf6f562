// The simulated carrier (fuse/bridge_sim.hpp): the SimCarrierCore class.
#include "binding.hpp"
#include "fuse/bridge_sim.hpp"

namespace fuse::node {
namespace {

class SimCarrierCore : public Napi::ObjectWrap<SimCarrierCore> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SimCarrierCore",
                       {InstanceMethod<&SimCarrierCore::Configure>("configure"),
                        InstanceMethod<&SimCarrierCore::Attempt>("attempt"),
                        InstanceMethod<&SimCarrierCore::Dispose>("dispose")});
  }
  explicit SimCarrierCore(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SimCarrierCore>(info) {}

 private:
  Napi::Value Configure(const Napi::CallbackInfo& info) {
    return string_of(info.Env(), session_.configure(info[0].As<Napi::String>().Utf8Value()));
  }
  Napi::Value Attempt(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), session_.attempt(info[0].As<Napi::String>().Utf8Value(),
                                                          info[1].As<Napi::Number>().DoubleValue(),
                                                          info[2].As<Napi::Number>().DoubleValue()));
  }
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    session_ = bridge::SimCarrierSession{};
    return info.Env().Undefined();
  }
  bridge::SimCarrierSession session_;
};

}  // namespace

void register_sim(Napi::Env env, Napi::Object exports) { exports.Set("SimCarrierCore", SimCarrierCore::Define(env)); }

}  // namespace fuse::node
