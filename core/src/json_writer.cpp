#include "json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "text.hpp"

namespace fuse::json {

void write_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = text::utf8_sequence_length(s, i);
      if (n) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += "\xEF\xBF\xBD";  // invalid UTF-8 byte
        }
    }
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void write_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void write_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void write_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    write_int(out, static_cast<std::int64_t>(v));
    return;
  }
  // Shortest representation that round-trips, as JavaScript's Number#toString.
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  out += buf;
}

void write_problem(std::string& out, const Problem& p) {
  ObjectWriter w(out);
  w.field("code", code_name(p.code));
  w.field("field", p.field);
  w.field("message", p.message);
  if (p.row) w.field_int("row", static_cast<std::int64_t>(p.row));
  if (p.line) w.field_int("line", static_cast<std::int64_t>(p.line));
  w.close();
}

void write_problems(std::string& out, const Problems& problems, Severity severity) {
  out += '[';
  bool first = true;
  for (const auto& p : problems) {
    if (p.severity != severity) continue;
    if (!first) out += ',';
    first = false;
    write_problem(out, p);
  }
  out += ']';
}

}  // namespace fuse::json
