// Shared marshalling helpers of the embind binding. Each feature's file has its own
// EMSCRIPTEN_BINDINGS block; every rule stays in core/ (see fuse/bridge*.hpp).
// Strings arrive as std::string: js/api passes only well-formed strings (lone surrogates already
// replaced by U+FFFD), so embind's UTF-8 matches the Node addon's byte for byte; bytes arrive as
// Uint8Array, which embind also copies into a std::string.
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstring>
#include <string>
#include <vector>

namespace fuse::wasm {

using emscripten::val;

template <typename T>
val copy_to_typed_array(const std::vector<T>& v) {
  // typed_memory_view aliases the heap; slice() copies it out before the vector goes away.
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// A Uint32Array that crossed as its bytes.
inline std::vector<std::uint32_t> u32_from_bytes(const std::string& bytes) {
  std::vector<std::uint32_t> out(bytes.size() / sizeof(std::uint32_t));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(std::uint32_t));
  return out;
}

}  // namespace fuse::wasm
