// Shared marshalling helpers of the embind binding. Each feature's file has its own
// EMSCRIPTEN_BINDINGS block; every rule stays in core/ (see fuse/bridge*.hpp).
// Strings arrive as std::string: js/api passes only well-formed strings (lone surrogates already
// replaced by U+FFFD), so embind's UTF-8 matches the Node addon's byte for byte. Large byte
// buffers arrive as (pointer, length) into the heap, copied there by js/wasm-backend.js.
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

namespace fuse::wasm {

using emscripten::val;

template <typename T>
val copy_to_typed_array(const std::vector<T>& v) {
  // typed_memory_view aliases the heap; slice() copies it out before the vector goes away.
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// Bytes the JS side copied into the module's heap (js/wasm-backend.js heapCall): embind's own
// Uint8Array-to-std::string conversion copies element by element in JS, far too slow for megabytes.
inline std::string_view heap_bytes(std::uintptr_t ptr, std::size_t len) {
  return {reinterpret_cast<const char*>(ptr), len};
}

}  // namespace fuse::wasm
