// Reads JSON input (queue parameters, metadata text) into a small tree of its own (internal).
// nlohmann/json does the lexing through its SAX interface, which never throws; this layer adds what
// validation needs and nlohmann's DOM lacks: key order and duplicate keys kept, each value's size as
// compact JSON (the 64 KiB metadata bound), numbers in their output form, and containers deeper than
// the caller cares about counted but not stored, so hostile nesting costs no memory or recursion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuse::json {

enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

// "a string", "an array": what a message says was given.
std::string_view kind_name(Kind kind) noexcept;

struct Member;

struct Node {
  Kind kind = Kind::null;
  bool boolean = false;
  // Numbers: `integral` when the value is a whole number within int64 (1.0 and 1e3 count: JSON has
  // one number type, so a value is judged by what it is, not how it is spelled).
  bool integral = false;
  bool finite = true;
  std::int64_t integer = 0;
  double number = 0;
  // A string's characters (unescaped UTF-8), or a number as it is written out: integers in
  // decimal, other numbers as JavaScript prints them (the token as given when not finite).
  std::string text;
  // Arrays and objects: how many elements, whether or not they are stored.
  std::size_t count = 0;
  // Objects within the kept depth: members in input order, duplicates included.
  std::vector<Member> members;
  // Size of the value written as compact JSON by json_writer (strings escaped as write_string does).
  std::size_t compact_bytes = 0;
};

struct Member {
  std::string key;
  Node value;
  bool duplicate = false;  // an earlier member has the same key
};

struct ReadError {
  std::string message;  // nlohmann's description with line and column, e.g. "parse error at line 1, ..."
};

// Parses `text` as one JSON value. Objects nested at most `keep_levels` deep (the root is level 1)
// keep their members; deeper containers keep only kind, count and size. Returns false with `error`
// set when the text is not JSON.
bool read(std::string_view text, unsigned keep_levels, Node& out, ReadError& error);

// The deepest nesting of arrays and objects in `text` (brackets inside strings do not count), in
// one pass without parsing: a guard before handing text to a recursive reader or writer.
std::size_t max_nesting(std::string_view text) noexcept;

// Writes a scalar node (null, boolean, number, string) as compact JSON; containers write nothing.
void write_scalar(std::string& out, const Node& node);

}  // namespace fuse::json
