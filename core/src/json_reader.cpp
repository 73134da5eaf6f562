#include "json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "json_writer.hpp"
#include "text.hpp"

namespace fuse::json {
namespace {

// An open array or object.
struct Frame {
  Node* node;   // where it is stored, or nullptr when it is not
  bool object;  // else array
  bool keep;    // members are stored in node->members
  std::size_t bytes = 0;  // compact size of the contents so far (without the brackets)
  std::size_t count = 0;
};

// nlohmann SAX handler building a json::Node tree (see json_reader.hpp).
class Builder {
 public:
  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;

  Builder(Node& root, ReadLimits limits, ReadError& error) : root_(root), limits_(limits), error_(error) {}

  bool null() {
    if (Node* n = place()) n->kind = Kind::null, n->compact_bytes = 4;
    account(4);
    return true;
  }
  bool boolean(bool v) {
    if (Node* n = place()) n->kind = Kind::boolean, n->boolean = v, n->compact_bytes = v ? 4 : 5;
    account(v ? 4 : 5);
    return true;
  }
  bool number_integer(number_integer_t v) { return whole_number(v); }
  bool number_unsigned(number_unsigned_t v) {
    if (v <= static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max()))
      return whole_number(static_cast<std::int64_t>(v));
    scratch_.clear();
    write_uint(scratch_, v);
    return number(static_cast<double>(v), false, 0, true);
  }
  bool number_float(number_float_t v, const string_t& token) {
    scratch_.clear();
    const bool finite = std::isfinite(v);
    if (finite) write_double(scratch_, v);
    else scratch_ = token;
    // Whole values within int64 (9.2e18 stays clear of the rounding at 2^63).
    const bool whole = finite && v == std::floor(v) && std::fabs(v) < 9.2e18;
    return number(v, whole, whole ? static_cast<std::int64_t>(v) : 0, finite);
  }
  bool string(string_t& v) {
    scratch_.clear();
    write_string(scratch_, v);
    const std::size_t bytes = scratch_.size();
    if (Node* n = place()) n->kind = Kind::string, n->text = std::move(v), n->compact_bytes = bytes;
    account(bytes);
    return true;
  }
  bool binary(binary_t&) { return true; }  // never produced by the JSON lexer

  bool start_object(std::size_t) { return open(true); }
  bool start_array(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(string_t& k) {
    Frame& f = frames_.back();
    scratch_.clear();
    write_string(scratch_, k);
    f.bytes += (f.count ? 1 : 0) + scratch_.size() + 1;  // [,]"key":
    ++f.count;
    if (f.keep) f.node->members.push_back(Member{std::move(k), Node{}, false});
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." without the tag.
    std::string_view what = ex.what();
    if (!what.empty() && what.front() == '[') {
      const std::size_t end = what.find("] ");
      if (end != std::string_view::npos) what.remove_prefix(end + 2);
    }
    error_.message.assign(what);
    return false;
  }

 private:
  // The node the next value goes to, or nullptr when it is not stored.
  Node* place() {
    if (frames_.empty()) return &root_;
    const Frame& f = frames_.back();
    if (!f.keep) return nullptr;
    if (f.object) return &f.node->members.back().value;
    return &f.node->elements.emplace_back();
  }

  // Adds a finished value of `bytes` compact bytes to the enclosing container.
  void account(std::size_t bytes) {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (!f.object) {
      f.bytes += f.count ? 1 : 0;
      ++f.count;
    }
    f.bytes += bytes;
  }

  bool whole_number(std::int64_t v) {
    scratch_.clear();
    write_int(scratch_, v);
    return number(static_cast<double>(v), true, v, true);
  }

  // scratch_ holds the number's text.
  bool number(double value, bool integral, std::int64_t integer, bool finite) {
    const std::size_t bytes = scratch_.size();
    if (Node* n = place()) {
      n->kind = Kind::number;
      n->number = value;
      n->integral = integral;
      n->integer = integer;
      n->finite = finite;
      n->text = scratch_;
      n->compact_bytes = bytes;
    }
    account(bytes);
    return true;
  }

  bool open(bool object) {
    Node* n = place();
    if (n) n->kind = object ? Kind::object : Kind::array;
    const bool keep = n && (object || limits_.arrays) && frames_.size() < limits_.levels;
    frames_.push_back(Frame{n, object, keep});
    return true;
  }

  bool close() {
    const Frame f = frames_.back();
    frames_.pop_back();
    const std::size_t bytes = f.bytes + 2;
    if (f.node) {
      f.node->count = f.count;
      f.node->compact_bytes = bytes;
      if (f.keep && f.object) mark_duplicates(f.node->members);
    }
    account(bytes);
    return true;
  }

  static void mark_duplicates(std::vector<Member>& members) {
    if (members.size() < 2) return;
    std::vector<std::size_t> order(members.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return members[a].key < members[b].key; });
    // Within a run of equal keys (in input order): the first keeps its place and takes the last value.
    for (std::size_t i = 1, run = 0; i <= order.size(); ++i) {
      if (i < order.size() && members[order[i]].key == members[order[run]].key) {
        members[order[i]].duplicate = true;
        continue;
      }
      if (i - run > 1) std::swap(members[order[run]].value, members[order[i - 1]].value);
      run = i;
    }
  }

  Node& root_;
  ReadLimits limits_;
  ReadError& error_;
  std::vector<Frame> frames_;
  std::string scratch_;
};

}  // namespace

std::string_view kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "a number";
    case Kind::string: return "a string";
    case Kind::array: return "an array";
    case Kind::object: return "an object";
  }
  return "a value";
}

bool read(std::string_view text, ReadLimits limits, Node& out, ReadError& error) {
  out = Node{};
  error.message.clear();
  Builder builder(out, limits, error);
  const char* begin = text.data();
  const bool ok = nlohmann::json::sax_parse(begin, begin + text.size(), &builder);
  if (!ok && error.message.empty()) error.message = "not valid JSON";
  return ok;
}

std::size_t max_nesting(std::string_view text) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string given_kind(const Node& node) {
  std::string out(kind_name(node.kind));
  if (node.kind == Kind::boolean) out += node.boolean ? " (true)" : " (false)";
  return out;
}

const Node* find(const Node& object, std::string_view key) noexcept {
  for (const Member& m : object.members)
    if (!m.duplicate && m.key == key) return m.value.kind == Kind::null ? nullptr : &m.value;
  return nullptr;
}

WholeValue whole(const Node& n) noexcept {
  constexpr std::int64_t kCap = 100000000000000000;  // 1e17: past every bound, far from overflow
  if (n.kind == Kind::number) {
    if (!n.finite) return {Whole::too_large};
    if (!n.integral) return {std::fabs(n.number) >= 9.2e18 ? Whole::too_large : Whole::not_whole};
    if (n.integer < 0) return {Whole::negative, n.integer};
    return {Whole::ok, n.integer};
  }
  if (n.kind != Kind::string) return {Whole::wrong_type};
  std::string_view s = text::trim(n.text);
  const bool minus = !s.empty() && s[0] == '-';
  if (minus) s.remove_prefix(1);
  if (s.empty()) return {Whole::not_whole};
  std::int64_t v = 0;
  for (char c : s) {
    if (!text::is_digit(c)) return {Whole::not_whole};
    if (v < kCap) v = v * 10 + (c - '0');
  }
  if (minus) return {v == 0 ? Whole::ok : Whole::negative, -v};
  return {v >= kCap ? Whole::too_large : Whole::ok, v};
}

void write_value(std::string& out, const Node& node) {
  switch (node.kind) {
    case Kind::object: {
      out += '{';
      bool first = true;
      for (const Member& m : node.members) {
        if (m.duplicate) continue;
        if (!first) out += ',';
        first = false;
        write_string(out, m.key);
        out += ':';
        write_value(out, m.value);
      }
      out += '}';
      return;
    }
    case Kind::array: {
      out += '[';
      for (std::size_t i = 0; i < node.elements.size(); ++i) {
        if (i) out += ',';
        write_value(out, node.elements[i]);
      }
      out += ']';
      return;
    }
    default: write_scalar(out, node);
  }
}

void write_scalar(std::string& out, const Node& node) {
  switch (node.kind) {
    case Kind::null: out += "null"; break;
    case Kind::boolean: out += node.boolean ? "true" : "false"; break;
    case Kind::number: out += node.text; break;
    case Kind::string: write_string(out, node.text); break;
    default: break;
  }
}

}  // namespace fuse::json
