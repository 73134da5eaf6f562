// Test-only helpers: printing core types in Boost.Test failure messages.
#pragma once

#include <ostream>
#include <vector>

#include "fuse/problem.hpp"

namespace fuse {
inline std::ostream& operator<<(std::ostream& os, Code c) { return os << code_name(c); }
inline std::ostream& operator<<(std::ostream& os, Severity s) {
  return os << (s == Severity::error ? "error" : "warning");
}
inline std::ostream& operator<<(std::ostream& os, const std::vector<Code>& codes) {
  os << '[';
  for (std::size_t i = 0; i < codes.size(); ++i) os << (i ? ", " : "") << codes[i];
  return os << ']';
}
inline std::ostream& operator<<(std::ostream& os, const Problem& p) {
  return os << p.code << " (" << p.field << "): " << p.message;
}
}  // namespace fuse
