#include "fuse/problem.hpp"

#include <array>

namespace fuse {

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(Code::count_)> kNames = {
#define FUSE_NAME_ENTRY(name) #name,
    FUSE_PROBLEM_CODES(FUSE_NAME_ENTRY)
#undef FUSE_NAME_ENTRY
};
}  // namespace

std::string_view code_name(Code code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

}  // namespace fuse
