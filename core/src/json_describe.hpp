// How a message shows a JSON value someone gave (internal; for nlohmann values).
#pragma once

#include <string>

#include "text.hpp"

namespace fuse::json {

// Scalars as written (quoted, cut short); containers by their kind only: dumping them would
// recurse as deep as the input nests, and hostile input nests deep.
template <typename Json>
std::string describe(const Json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return text::quote(v.template get_ref<const typename Json::string_t&>(), 40);
  return text::quote(v.dump(-1, ' ', false, Json::error_handler_t::replace), 40);
}

}  // namespace fuse::json
