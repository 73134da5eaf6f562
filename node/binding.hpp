// Shared marshalling helpers of the Node-API binding. Each feature's file registers its exports;
// every rule stays in core/ (see fuse/bridge*.hpp).
#pragma once

#include <napi.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace fuse::node {

// Bytes of a Uint8Array argument, without copying.
inline std::string_view bytes_of(const Napi::Value& v) {
  const auto a = v.As<Napi::Uint8Array>();
  return {reinterpret_cast<const char*>(a.Data()), a.ByteLength()};
}

template <typename TypedArray, typename T>
TypedArray copy_to_typed_array(Napi::Env env, const std::vector<T>& v) {
  auto out = TypedArray::New(env, v.size());
  if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(T));
  return out;
}

inline Napi::String string_of(Napi::Env env, std::string_view s) { return Napi::String::New(env, s.data(), s.size()); }

// For text the core guarantees is ASCII (E.164 digits, URIs): V8 copies it without decoding UTF-8.
inline Napi::Value ascii_string_of(Napi::Env env, std::string_view s) {
  napi_value out;
  NAPI_THROW_IF_FAILED(env, napi_create_string_latin1(env, s.data(), s.size(), &out), Napi::Value());
  return Napi::Value(env, out);
}

// One per feature file; called from addon.cpp.
void register_destination(Napi::Env env, Napi::Object exports);
void register_validation(Napi::Env env, Napi::Object exports);
void register_csv(Napi::Env env, Napi::Object exports);
void register_engine(Napi::Env env, Napi::Object exports);
void register_preview(Napi::Env env, Napi::Object exports);
void register_sim(Napi::Env env, Napi::Object exports);

}  // namespace fuse::node
