// The queue engine (fuse/bridge_engine.hpp): the EngineCore class and buildResultPayload.
#include <algorithm>

#include "binding.hpp"
#include "fuse/bridge_destination.hpp"
#include "fuse/bridge_engine.hpp"

namespace fuse::node {
namespace {

std::string text_of(const Napi::Value& v) { return v.As<Napi::String>().Utf8Value(); }

// The engine's answers are JSON, almost always ASCII: V8 then copies them without decoding UTF-8.
Napi::Value text_result(Napi::Env env, const std::string& s) {
  return bridge::is_ascii(s) ? ascii_string_of(env, s) : string_of(env, s);
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
                           InstanceMethod<&EngineCore::BindOutput>("bindOutput"),
                           InstanceMethod<&EngineCore::CopyOutput>("copyOutput"),
                           InstanceMethod<&EngineCore::Advance>("advance"),
                           InstanceMethod<&EngineCore::Report>("report"),
                           InstanceMethod<&EngineCore::ReportNamed>("reportNamed"),
                           InstanceMethod<&EngineCore::CancelDeployment>("cancelDeployment"),
                           InstanceMethod<&EngineCore::CsvBegin>("csvBegin"),
                           InstanceMethod<&EngineCore::CsvPush>("csvPush"),
                           InstanceMethod<&EngineCore::CsvFinish>("csvFinish"),
                           InstanceMethod<&EngineCore::CsvAbort>("csvAbort"),
                           InstanceMethod<&EngineCore::SetCapacity>("setCapacity"),
                           InstanceMethod<&EngineCore::SetDialRate>("setDialRate"),
                           InstanceMethod<&EngineCore::SetDeployment>("setDeployment"),
                           InstanceMethod<&EngineCore::DeploymentPolicy>("deploymentPolicy"),
                           InstanceMethod<&EngineCore::Suppression>("suppression"),
                           InstanceMethod<&EngineCore::Get>("get"),
                           InstanceMethod<&EngineCore::Stats>("stats"),
                           InstanceMethod<&EngineCore::NextWakeup>("nextWakeup"),
                           InstanceMethod<&EngineCore::Now>("now"),
                           InstanceMethod<&EngineCore::Snapshot>("snapshot"),
                           InstanceMethod<&EngineCore::Compact>("compact"),
                           InstanceMethod<&EngineCore::Dispose>("dispose"),
                       });
  }
  explicit EngineCore(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineCore>(info) {}
  ~EngineCore() override {
    if (reported_ != 0) Napi::MemoryManagement::AdjustExternalMemory(Env(), -reported_);
  }

 private:
  Napi::Value Configure(const Napi::CallbackInfo& info) {
    return accounted(info.Env(), text_result(info.Env(), session_.configure(text_of(info[0]))));
  }
  Napi::Value Restore(const Napi::CallbackInfo& info) {
    return accounted(info.Env(), text_result(info.Env(), session_.restore(text_of(info[0]))));
  }
  Napi::Value Enqueue(const Napi::CallbackInfo& info) {
    return accounted(info.Env(),
                     text_result(info.Env(), session_.enqueue(text_of(info[0]), text_of(info[1]), number_of(info[2]),
                                                              info[3].As<Napi::Boolean>().Value())),
                     false);
  }
  // Packed actions (bridge::PackedActions): the numbers go into the Float64Array bound with
  // bindOutput; when they do not fit, its first number is -2 - their count, and copyOutput()
  // copies them into a larger one bound next (js/api/engine.js grows it); the text is the return value.
  Napi::Value BindOutput(const Napi::CallbackInfo& info) {
    bind(info[0].As<Napi::Float64Array>());
    return info.Env().Undefined();
  }
  Napi::Value CopyOutput(const Napi::CallbackInfo& info) {
    if (last_) copy(*last_);
    return info.Env().Undefined();
  }
  Napi::Value Advance(const Napi::CallbackInfo& info) {
    return packed(info.Env(), session_.advance_packed(number_of(info[0])));
  }
  Napi::Value Report(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    // The reason (rejected only) is usually absent: no string is read then.
    const std::string reason = info.Length() > 3 && info[3].IsString() ? text_of(info[3]) : std::string();
    // The id is short: read into a stack buffer (a longer one, which is no call's id anyway, whole).
    // Node stops before a character that does not fit, so up to 59 bytes the id is surely complete.
    char buf[64];
    std::size_t length = 0;
    NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf8(env, info[0], buf, sizeof buf, &length), Napi::Value());
    if (length + 4 < sizeof buf) {
      return packed(env, session_.report_packed(std::string_view(buf, length), info[1].As<Napi::Number>().Uint32Value(),
                                                number_of(info[2]), reason));
    }
    const std::string id = text_of(info[0]);
    return packed(env, session_.report_packed(id, info[1].As<Napi::Number>().Uint32Value(), number_of(info[2]), reason));
  }
  Napi::Value ReportNamed(const Napi::CallbackInfo& info) {
    const std::string reason = info.Length() > 3 && info[3].IsString() ? text_of(info[3]) : std::string();
    return packed(info.Env(), session_.report_packed(text_of(info[0]), text_of(info[1]), number_of(info[2]), reason));
  }
  Napi::Value CancelDeployment(const Napi::CallbackInfo& info) {
    return packed(info.Env(), session_.cancel_deployment_packed(text_of(info[0]), number_of(info[1])));
  }
  Napi::Value CsvBegin(const Napi::CallbackInfo& info) {
    session_.csv_begin(text_of(info[0]), text_of(info[1]), text_of(info[2]), number_of(info[3]));
    return info.Env().Undefined();
  }
  Napi::Value CsvPush(const Napi::CallbackInfo& info) {
    session_.csv_push(bytes_of(info[0]));
    return accounted(info.Env(), info.Env().Undefined());
  }
  Napi::Value CsvFinish(const Napi::CallbackInfo& info) {
    return accounted(info.Env(), text_result(info.Env(), session_.csv_finish()));
  }
  Napi::Value CsvAbort(const Napi::CallbackInfo& info) {
    session_.csv_abort();
    return info.Env().Undefined();
  }
  Napi::Value SetCapacity(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.set_capacity(number_of(info[0])));
  }
  Napi::Value SetDialRate(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.set_dial_rate(number_of(info[0])));
  }
  Napi::Value SetDeployment(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.set_deployment(text_of(info[0]), text_of(info[1])));
  }
  Napi::Value DeploymentPolicy(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.deployment_policy(text_of(info[0])));
  }
  Napi::Value Suppression(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.suppression(static_cast<int>(number_of(info[0])), text_of(info[1]), text_of(info[2])));
  }
  Napi::Value Get(const Napi::CallbackInfo& info) { return text_result(info.Env(), session_.get(text_of(info[0]))); }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    return text_result(info.Env(), session_.stats(info[0].As<Napi::Boolean>().Value()));
  }
  Napi::Value NextWakeup(const Napi::CallbackInfo& info) {
    const auto t = session_.next_wakeup();
    return t ? Napi::Number::New(info.Env(), *t) : info.Env().Null();
  }
  Napi::Value Now(const Napi::CallbackInfo& info) {
    const auto t = session_.now();
    return t ? Napi::Number::New(info.Env(), *t) : info.Env().Null();
  }
  Napi::Value Compact(const Napi::CallbackInfo& info) {
    return accounted(info.Env(), Napi::Number::New(info.Env(), session_.compact()));
  }
  Napi::Value Snapshot(const Napi::CallbackInfo& info) { return text_result(info.Env(), session_.snapshot()); }
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    session_.clear();
    return accounted(info.Env(), info.Env().Undefined());
  }

  // V8 learns how much memory the engine holds (external memory), as it does for a Buffer's: it
  // then collects garbage with that in mind. Without it, a million calls queued by native code
  // that allocates no JS objects leave dead Buffers (an upload's socket reads) uncollected the
  // whole time, on top of the engine's own memory. Told in steps of 1 MiB at least; measured
  // (O(deployments)) after every bulk call and every 16,384th of the others (at most a few MiB of change).
  Napi::Value accounted(Napi::Env env, Napi::Value result, bool bulk = true) {
    if (!bulk && ++unaccounted_ < kAccountEvery) return result;
    unaccounted_ = 0;
    const auto now = static_cast<std::int64_t>(session_.memory_bytes());
    if (now - reported_ >= kAccountStep || reported_ - now >= kAccountStep) {
      Napi::MemoryManagement::AdjustExternalMemory(env, now - reported_);
      reported_ = now;
    }
    return result;
  }

  void bind(Napi::Float64Array array) {
    output_ = Napi::Persistent(array);
    // An ArrayBuffer's memory does not move while it is referenced.
    out_data_ = array.Data();
    out_length_ = array.ElementLength();
  }

  void copy(const bridge::PackedActions& p) {
    const std::size_t n = p.numbers.size();
    if (n <= out_length_) std::memcpy(out_data_, p.numbers.data(), n * sizeof(double));
    else if (out_length_ > 0) out_data_[0] = -2.0 - static_cast<double>(n);
  }

  Napi::Value packed(Napi::Env env, const bridge::PackedActions& p) {
    last_ = &p;  // valid until the session's next call (copyOutput comes first)
    copy(p);
    if (p.text.empty()) return accounted(env, Napi::String::New(env, "", 0), false);
    return accounted(env, p.ascii ? ascii_string_of(env, p.text) : string_of(env, p.text), false);
  }

  static constexpr std::int64_t kAccountStep = std::int64_t{1} << 20;
  static constexpr std::uint32_t kAccountEvery = 16384;
  std::uint32_t unaccounted_ = 0;  // calls since memory was last measured
  bridge::EngineSession session_;
  std::int64_t reported_ = 0;  // bytes told to V8 so far
  Napi::Reference<Napi::Float64Array> output_;
  double* out_data_ = nullptr;
  std::size_t out_length_ = 0;
  const bridge::PackedActions* last_ = nullptr;
};

Napi::Value BuildResultPayload(const Napi::CallbackInfo& info) {
  return text_result(info.Env(), bridge::build_result_payload(text_of(info[0])));
}

}  // namespace

void register_engine(Napi::Env env, Napi::Object exports) {
  exports.Set("EngineCore", EngineCore::Define(env));
  exports.Set("engineVocabulary", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                return string_of(info.Env(), bridge::engine_vocabulary());
              }));
  exports.Set("buildResultPayload", Napi::Function::New(env, BuildResultPayload));
}

}  // namespace fuse::node
