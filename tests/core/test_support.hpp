// Test-only helpers: printing core types in Boost.Test failure messages, and reading problem lists.
#pragma once

#include <ostream>
#include <string_view>
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

namespace test {
// The codes of `problems`, in order.
inline std::vector<Code> codes(const Problems& problems) {
  std::vector<Code> out;
  for (const auto& p : problems) out.push_back(p.code);
  return out;
}
// Whether any message contains `text`.
inline bool mentions(const Problems& problems, std::string_view text) {
  for (const auto& p : problems)
    if (p.message.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace test
}  // namespace fuse
