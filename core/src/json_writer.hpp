// Appends JSON to a std::string. Hand-written rather than a DOM: the result payload's exact bytes
// are part of the contract (SPEC 5), and the batch paths write millions of values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fuse/problem.hpp"

namespace fuse::json {

// A JSON string literal; invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
void write_string(std::string& out, std::string_view s);
void write_int(std::string& out, std::int64_t v);
void write_uint(std::string& out, std::uint64_t v);
// Numbers as JavaScript's Number#toString prints them (shortest digits that round-trip; 1e+21,
// 1.5e-7, 100000000000000000000); not finite: null, as JSON.stringify writes them.
void write_double(std::string& out, double v);

// {"code":..,"field":..,"message":..[,"row":..,"line":..]}
void write_problem(std::string& out, const Problem& p);
// [problem, ...] for the problems of one severity.
void write_problems(std::string& out, const Problems& problems, Severity severity);

// Writes objects with commas handled: w.key("a"); w.out += "1"; ...
struct ObjectWriter {
  std::string& out;
  bool first = true;
  explicit ObjectWriter(std::string& o) : out(o) { out += '{'; }
  std::string& key(std::string_view k) {
    if (!first) out += ',';
    first = false;
    write_string(out, k);
    out += ':';
    return out;
  }
  void field(std::string_view k, std::string_view v) { write_string(key(k), v); }
  void field_int(std::string_view k, std::int64_t v) { write_int(key(k), v); }
  void field_bool(std::string_view k, bool v) { key(k) += v ? "true" : "false"; }
  void field_null(std::string_view k) { key(k) += "null"; }
  void close() { out += '}'; }
};

}  // namespace fuse::json
