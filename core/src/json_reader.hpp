// The core's one JSON reader (internal). Two forms over the same rules:
//  - read(): a small tree for inputs of bounded size (queue parameters, metadata, engine, CSV and
//    preview options, result payload input). nlohmann/json lexes through its SAX interface, which
//    never throws; the tree adds what validation needs and nlohmann's DOM lacks: key order and
//    duplicate keys kept, each value's size as compact JSON (the 64 KiB metadata bound), numbers in
//    their output form, and containers deeper than the caller asks for counted but not stored, so
//    hostile nesting costs no memory or recursion.
//  - PullReader: a strict pull reader for the engine snapshot, whose fixed layout holds up to
//    millions of calls: read in place, without a tree.
// whole() is the one reading of integers: a JSON number of whole value or a string of digits.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text.hpp"

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
  // Objects within the kept depth: members in input order, duplicates included. Of a key given
  // more than once, the first member holds the last value (as JSON.parse keeps it) and the later
  // ones are marked `duplicate`.
  std::vector<Member> members;
  // Arrays within the kept depth, when ReadLimits::arrays asks for them: the elements.
  std::vector<Node> elements;
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

// What a tree keeps: objects nested at most `levels` deep (the root is level 1) keep their members;
// with `arrays`, arrays within those levels keep their elements too (only for inputs whose size is
// bounded: an element costs a Node). Deeper containers keep only kind, count and size.
struct ReadLimits {
  unsigned levels = 1;
  bool arrays = false;
};

// Parses `text` as one JSON value. Returns false with `error` set when the text is not JSON.
bool read(std::string_view text, ReadLimits limits, Node& out, ReadError& error);
inline bool read(std::string_view text, unsigned keep_levels, Node& out, ReadError& error) {
  return read(text, ReadLimits{keep_levels, false}, out, error);
}

// "a boolean (true)", "an array": what was given where another type was expected.
std::string given_kind(const Node& node);

// An object's member that is present and not null (the first of duplicates: it holds the last value).
const Node* find(const Node& object, std::string_view key) noexcept;

// The one reading of a whole number: a JSON number of whole value, or a string of decimal digits
// (optionally '-' first; whitespace around is ignored).
enum class Whole : std::uint8_t { ok, wrong_type, not_whole, negative, too_large };
struct WholeValue {
  Whole status;
  std::int64_t value = 0;  // ok, and negative: the value
};
WholeValue whole(const Node& node) noexcept;

// The deepest nesting of arrays and objects in `text` (brackets inside strings do not count), in
// one pass without parsing: a guard before handing text to a recursive reader or writer.
std::size_t max_nesting(std::string_view text) noexcept;

// Writes a scalar node (null, boolean, number, string) as compact JSON; containers write nothing.
void write_scalar(std::string& out, const Node& node);
// Writes a node as compact JSON, containers with what the tree kept (duplicate keys once, with the
// last value); the caller reads with limits that keep the whole value.
void write_value(std::string& out, const Node& node);

// A strict pull reader for a fixed layout (the engine snapshot): the caller says what comes next;
// any deviation is an error naming the byte, never a crash. Reads in place, building no tree.
class PullReader {
 public:
  explicit PullReader(std::string_view s) : s_(s) {}
  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message) + " (at byte " + text::to_string(std::uint64_t{i_}) + ")";
    return false;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool peek(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool expect(char c) {
    if (!ok()) return false;
    if (peek(c)) {
      ++i_;
      return true;
    }
    return fail(std::string("expected '") + c + "'");
  }
  // Before the next element of an array: true when there is one (consuming the ',' if needed).
  bool next_element(bool& first) {
    if (!ok()) return false;
    if (peek(']')) {
      ++i_;
      return false;
    }
    if (!first && !expect(',')) return false;
    first = false;
    return true;
  }
  bool at_end() {
    ws();
    return i_ == s_.size();
  }
  bool null() {
    ws();
    if (s_.substr(i_, 4) == "null") {
      i_ += 4;
      return true;
    }
    return false;
  }
  bool integer(std::int64_t& v, std::int64_t lo, std::int64_t hi, const char* what) {
    if (!ok()) return false;
    ws();
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !text::is_digit(s_[i_])) return fail(std::string(what) + ": expected an integer");
    if (s_[i_] == '0' && i_ + 1 < s_.size() && text::is_digit(s_[i_ + 1])) return fail(std::string(what) + ": leading zero");
    while (i_ < s_.size() && text::is_digit(s_[i_])) ++i_;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
      return fail(std::string(what) + ": expected an integer");
    const auto r = std::from_chars(s_.data() + start, s_.data() + i_, v);
    if (r.ec != std::errc() || v < lo || v > hi) return fail(std::string(what) + ": out of range");
    return true;
  }
  bool string(std::string& out, const char* what) {
    out.clear();
    if (!ok()) return false;
    ws();
    if (i_ >= s_.size() || s_[i_] != '"') return fail(std::string(what) + ": expected a string");
    ++i_;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return fail(std::string(what) + ": control character in string");
      if (c == '\\') {
        if (++i_ >= s_.size()) break;
        const char e = s_[i_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            std::uint32_t cp = 0;
            if (!hex4(cp)) return fail(std::string(what) + ": bad \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              std::uint32_t lo = 0;
              if (s_.substr(i_, 2) != "\\u") return fail(std::string(what) + ": lone surrogate");
              i_ += 2;
              if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail(std::string(what) + ": lone surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return fail(std::string(what) + ": lone surrogate");
            }
            append_utf8(out, cp);
            break;
          }
          default: return fail(std::string(what) + ": bad escape");
        }
        continue;
      }
      const std::size_t n = text::utf8_sequence_length(s_, i_);
      if (n == 0) return fail(std::string(what) + ": invalid UTF-8");
      out.append(s_.data() + i_, n);
      i_ += n;
    }
    return fail(std::string(what) + ": unterminated string");
  }
  bool key(std::string_view name) {
    std::string k;
    if (!string(k, "key")) return false;
    if (k != name) return fail("expected key \"" + std::string(name) + "\"");
    return expect(':');
  }

 private:
  bool hex4(std::uint32_t& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string error_;
};

}  // namespace fuse::json
