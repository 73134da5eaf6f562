// The queue engine (fuse/bridge_engine.hpp): the EngineCore class and buildResultPayload.
#include "binding.hpp"
#include "fuse/bridge_engine.hpp"

namespace fuse::node {
namespace {

std::string text_of(const Napi::Value& v) { return v.As<Napi::String>().Utf8Value(); }

// The engine's answers are JSON, almost always ASCII: V8 then copies them without decoding UTF-8.
Napi::Value text_result(Napi::Env env, const std::string& s) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high |= word;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ull) == 0 ? ascii_string_of(env, s) : string_of(env, s);
}
double number_of(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }

class EngineCore : public Napi::ObjectWrap<EngineCore> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EngineCore",
                       {
                           InstanceMethod<&EngineCore::Configure>("configure"),
                           InstanceMethod<&EngineCore::Restore>("restore"),
                           InstanceMethod<&EngineCore::Enqueue>("enqueue"),
                           InstanceMethod<&EngineCore::Advance>("advance"),
                           InstanceMethod<&EngineCore::Report>("report"),
                           InstanceMethod<&EngineCore::CancelDeployment>("cancelDeployment"),
                           InstanceMethod<&EngineCore::SetCapacity>("setCapacity"),
                           InstanceMethod<&EngineCore::Get>("get"),
                           InstanceMethod<&EngineCore::Stats>("stats"),
                           InstanceMethod<&EngineCore::NextWakeup>("nextWakeup"),
                           InstanceMethod<&EngineCore::Snapshot>("snapshot"),
                           InstanceMethod<&EngineCore::Dispose>("dispose"),
                       });
  }
  explicit EngineCore(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineCore>(info) {}

 private:
  Napi::Value Configure(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.configure(text_of(info[0])));
  }
  Napi::Value Restore(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.restore(text_of(info[0])));
  }
  Napi::Value Enqueue(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.enqueue(text_of(info[0]), text_of(info[1]), number_of(info[2]),
                                                  info[3].As<Napi::Boolean>().Value()));
  }
  Napi::Value Advance(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.advance(number_of(info[0])));
  }
  Napi::Value Report(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.report(text_of(info[0]), text_of(info[1]), number_of(info[2])));
  }
  Napi::Value CancelDeployment(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.cancel_deployment(text_of(info[0]), number_of(info[1])));
  }
  Napi::Value SetCapacity(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.set_capacity(number_of(info[0])));
  }
  Napi::Value Get(const Napi::CallbackInfo& info) { return text_result(info.Env(), session_.get(text_of(info[0]))); }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.stats(info[0].As<Napi::Boolean>().Value()));
  }
  Napi::Value NextWakeup(const Napi::CallbackInfo& info) {
    const auto t = session_.next_wakeup();
    return t ? Napi::Number::New(info.Env(), *t) : info.Env().Null();
  }
  Napi::Value Snapshot(const Napi::CallbackInfo& info) { return text_result(info.Env(), session_.snapshot()); }
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    session_.clear();
    return info.Env().Undefined();
  }

  bridge::EngineSession session_;
};

Napi::Value BuildResultPayload(const Napi::CallbackInfo& info) {
  return text_result(info.Env(), bridge::build_result_payload(text_of(info[0])));
}

}  // namespace

void register_engine(Napi::Env env, Napi::Object exports) {
  exports.Set("EngineCore", EngineCore::Define(env));
  exports.Set("buildResultPayload", Napi::Function::New(env, BuildResultPayload));
}

}  // namespace fuse::node
