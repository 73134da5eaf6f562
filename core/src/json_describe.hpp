// How a message shows a JSON value someone gave (internal).
#pragma once

#include <string>

#include "json_reader.hpp"
#include "text.hpp"

namespace fuse::json {

// Scalars as written (quoted, cut short); containers by their kind only: writing them out would
// recurse as deep as the input nests, and hostile input nests deep.
inline std::string describe(const Node& v) {
  if (v.kind == Kind::object) return "an object";
  if (v.kind == Kind::array) return "an array";
  if (v.kind == Kind::string) return text::quote(v.text, 40);
  std::string scalar;
  write_scalar(scalar, v);
  return text::quote(scalar, 40);
}

}  // namespace fuse::json
