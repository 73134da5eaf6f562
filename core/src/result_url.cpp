// result_url syntax: RFC 3986's absolute URI limited to http/https with an authority. The path,
// query and fragment are left to the server (HTTP clients percent-encode what they must), but
// spaces and control characters never belong in a URL and are reported with where they are.
#include "result_url.hpp"

#include "fuse/queue_request.hpp"
#include "text.hpp"

namespace fuse {
namespace {

constexpr std::string_view kExample = "e.g. https://example.com/fuse-result";

inline bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
inline bool is_hex(char c) noexcept {
  return text::is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

std::string position(std::size_t i) { return " at character " + text::to_string(static_cast<std::uint64_t>(i + 1)); }

// Dotted IPv4: four decimal octets 0-255.
bool is_ipv4(std::string_view s) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (i < s.size() && text::is_digit(s[i]) && digits < 4) value = value * 10 + static_cast<unsigned>(s[i++] - '0'), ++digits;
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

// RFC 4291 text form: eight groups of 1-4 hex digits, one "::" for a run of zero groups, and an
// optional dotted IPv4 tail standing for the last two groups.
bool is_ipv6(std::string_view s) noexcept {
  if (s.empty()) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s[0] == ':') {
    if (s.size() < 2 || s[1] != ':') return false;
    compressed = true;
    i = 2;
  }
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && is_hex(s[j]) && j - i < 5) ++j;
    if (j < s.size() && s[j] == '.') {  // IPv4 tail
      if (!is_ipv4(s.substr(i))) return false;
      groups += 2;
      break;
    }
    if (j == i || j - i > 4) return false;
    ++groups;
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
    } else if (i == s.size()) {
      return false;  // a single trailing ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// RFC 3986 reg-name: unreserved, sub-delims and %XX.
std::string host_problem(std::string_view host) {
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    if (is_alpha(c) || text::is_digit(c)) continue;
    if (std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos) continue;
    if (c == '%' && i + 2 < host.size() && is_hex(host[i + 1]) && is_hex(host[i + 2])) {
      i += 2;
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80)
      return "has a host with non-ASCII characters (" + text::quote(host) +
             "); write the host in its ASCII form (punycode, xn--...).";
    return "has " + text::describe_char(host, i) + " in its host " + text::quote(host) +
           "; a host is a name such as example.com or an IP address.";
  }
  return {};
}

}  // namespace

std::string result_url_problem(std::string_view url) {
  const std::size_t chars = text::utf8_length(url);
  if (chars > kMaxResultUrlChars)
    return "is " + text::with_commas(chars) + " characters long; the limit is " +
           text::with_commas(kMaxResultUrlChars) + ".";
  for (std::size_t i = 0; i < url.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    if (c == ' ') return "contains a space" + position(i) + "; write it as %20.";
    if (c < 0x20 || c == 0x7F)
      return "contains the control character " + text::describe_char(url, i) + position(i) + "; remove it.";
  }

  // scheme ":" "//"
  const std::size_t colon = url.find(':');
  bool has_scheme = colon != std::string_view::npos && colon > 0 && is_alpha(url[0]);
  for (std::size_t i = 1; has_scheme && i < colon; ++i)
    has_scheme = is_alpha(url[i]) || text::is_digit(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.';
  const std::string_view scheme = has_scheme ? url.substr(0, colon) : std::string_view();
  const bool http = text::iequals(scheme, "http") || text::iequals(scheme, "https");
  const bool slashes = has_scheme && url.substr(colon + 1, 2) == "//";
  // "example.com:8080/x" has no scheme: a name before ':' without "//" after it is not one.
  if (!http && !slashes) return "must start with http:// or https://, " + std::string(kExample) + ".";
  if (!http) return "uses the " + std::string(scheme) + ": scheme; it must start with http:// or https://.";
  if (!slashes) return "must have // after " + std::string(scheme) + ":, " + std::string(kExample) + ".";

  // authority = [userinfo "@"] host [":" port]
  const std::size_t auth_begin = colon + 3;
  std::size_t auth_end = url.find_first_of("/?#", auth_begin);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  std::string_view authority = url.substr(auth_begin, auth_end - auth_begin);
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);

  std::string_view host, port;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return "has '[' without a closing ']' around its IPv6 address.";
    host = authority.substr(1, close - 1);
    if (!is_ipv6(host))
      return "has " + text::quote(authority.substr(0, close + 1)) + ", which is not an IPv6 address such as [2001:db8::1].";
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return "has " + text::quote(after) + " after its IPv6 address; only :port may follow it.";
      has_port = true;
      port = after.substr(1);
    }
  } else {
    const std::size_t port_colon = authority.rfind(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(port_colon + 1);
    }
    if (host.empty()) return "has no host; " + std::string(kExample) + ".";
    if (std::string p = host_problem(host); !p.empty()) return p;
  }
  if (has_port) {
    std::uint32_t value = 0;
    bool digits_only = !port.empty() && port.size() <= 5;
    for (char c : port) {
      if (!text::is_digit(c)) digits_only = false;
      else value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (!digits_only || value == 0 || value > 65535)
      return "has the port " + text::quote(port) + "; a port is a number from 1 to 65535 (or leave out the ':').";
  }
  return {};
}

}  // namespace fuse
