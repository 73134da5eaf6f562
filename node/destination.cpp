// parseDestination / parseDestinations (fuse/bridge_destination.hpp).
#include "binding.hpp"
#include "fuse/bridge_destination.hpp"

namespace fuse::node {
namespace {

Napi::Value ParseDestination(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), bridge::parse_destination(info[0].As<Napi::String>().Utf8Value()));
}

Napi::Value ParseDestinations(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const auto lengths = info[1].As<Napi::Uint32Array>();
  const unsigned fields = info[2].As<Napi::Number>().Uint32Value();
  const auto cols = bridge::parse_destinations(bytes_of(info[0]), lengths.Data(), lengths.ElementLength(), fields);
  auto out = Napi::Object::New(env);
  out.Set("status", copy_to_typed_array<Napi::Uint8Array>(env, cols.status));
  out.Set("countryCode", copy_to_typed_array<Napi::Uint16Array>(env, cols.country_code));
  if (fields & bridge::kFieldE164) out.Set("e164", ascii_string_of(env, cols.e164));
  if (fields & bridge::kFieldNational) out.Set("national", ascii_string_of(env, cols.national));
  if (fields & bridge::kFieldUri) out.Set("uri", ascii_string_of(env, cols.uri));
  if (fields & bridge::kFieldAni) out.Set("ani", ascii_string_of(env, cols.ani));
  if (fields & bridge::kFieldPostd) out.Set("postd", ascii_string_of(env, cols.postd));
  if (fields & bridge::kFieldProblems) out.Set("problems", string_of(env, cols.problems));
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
