// validateCsv / createCsvValidator (fuse/bridge_csv.hpp): a streaming validator as a JS class.
#include "binding.hpp"
#include "fuse/bridge_csv.hpp"

namespace fuse::node {
namespace {

// new CsvValidation(paramsJson, optionsJson); push(Uint8Array) -> {rows, bytes}; finish() -> JSON text.
class CsvValidation : public Napi::ObjectWrap<CsvValidation> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CsvValidation",
                       {InstanceMethod<&CsvValidation::Push>("push"), InstanceMethod<&CsvValidation::Finish>("finish")});
  }

  explicit CsvValidation(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<CsvValidation>(info),
        validation_(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value()) {}

 private:
  Napi::Value Push(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    validation_.push(bytes_of(info[0]));
    auto out = Napi::Object::New(env);
    out.Set("rows", Napi::Number::New(env, static_cast<double>(validation_.rows())));
    out.Set("bytes", Napi::Number::New(env, static_cast<double>(validation_.bytes())));
    out.Set("fileError", Napi::Boolean::New(env, validation_.has_file_error()));
    return out;
  }

  Napi::Value Finish(const Napi::CallbackInfo& info) { return string_of(info.Env(), validation_.finish()); }

  bridge::CsvValidation validation_;
};

}  // namespace

void register_csv(Napi::Env env, Napi::Object exports) { exports.Set("CsvValidation", CsvValidation::Define(env)); }

}  // namespace fuse::node
