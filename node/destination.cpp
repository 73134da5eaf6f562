// parseDestination / parseDestinations (fuse/bridge.hpp).
#include "binding.hpp"
#include "fuse/bridge.hpp"

namespace fuse::node {
namespace {

Napi::Value ParseDestination(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), bridge::parse_destination(info[0].As<Napi::String>().Utf8Value()));
}

Napi::Value ParseDestinations(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const auto lengths = info[1].As<Napi::Uint32Array>();
  const auto cols = bridge::parse_destinations(bytes_of(info[0]), lengths.Data(), lengths.ElementLength());
  auto out = Napi::Object::New(env);
  out.Set("status", copy_to_typed_array<Napi::Uint8Array>(env, cols.status));
  out.Set("countryCode", copy_to_typed_array<Napi::Uint16Array>(env, cols.country_code));
  out.Set("e164", string_of(env, cols.e164));
  out.Set("national", string_of(env, cols.national));
  out.Set("uri", string_of(env, cols.uri));
  out.Set("ani", string_of(env, cols.ani));
  out.Set("postd", string_of(env, cols.postd));
  out.Set("problems", string_of(env, cols.problems));
  out.Set("valid", Napi::Number::New(env, static_cast<double>(cols.valid)));
  out.Set("invalid", Napi::Number::New(env, static_cast<double>(cols.invalid)));
  return out;
}

}  // namespace

void register_destination(Napi::Env env, Napi::Object exports) {
  exports.Set("parseDestination", Napi::Function::New(env, ParseDestination));
  exports.Set("parseDestinations", Napi::Function::New(env, ParseDestinations));
}

}  // namespace fuse::node
