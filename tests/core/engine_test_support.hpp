// Test-only helpers for the engine and payload tests: printing their enums in failure messages.
#pragma once

#include <optional>
#include <ostream>

#include "fuse/payload.hpp"

namespace fuse {
inline std::ostream& operator<<(std::ostream& os, CallStatus s) { return os << status_name(s); }
inline std::ostream& operator<<(std::ostream& os, CallEvent e) { return os << event_name(e); }
inline std::ostream& operator<<(std::ostream& os, const std::optional<CallStatus>& v) {
  return v ? os << *v : os << "nullopt";
}
inline std::ostream& operator<<(std::ostream& os, const std::optional<CallEvent>& v) {
  return v ? os << *v : os << "nullopt";
}
}  // namespace fuse
