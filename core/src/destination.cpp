#include "fuse/destination.hpp"

#include <algorithm>
#include <array>

#include "text.hpp"

namespace fuse {
namespace {

constexpr CountryCallingCode kCountryCodes[] = {
#include "country_table.inc"
};

// Direct index from calling code (1..999) to its entry: lookups are on the hot path.
struct CodeIndex {
  std::array<std::int16_t, 1000> slot{};
  constexpr CodeIndex() {
    for (auto& s : slot) s = -1;
    for (std::size_t i = 0; i < std::size(kCountryCodes); ++i)
      slot[kCountryCodes[i].code] = static_cast<std::int16_t>(i);
  }
};
constexpr CodeIndex kCodeIndex{};

// What a number is being parsed as: the destination itself or its caller ID.
enum class Role { destination, ani };

struct Context {
  std::string_view field;
  std::string_view input;  // the whole trimmed input, for messages

  // `field "input"`: how messages about the whole input begin.
  std::string whole() const { return std::string(field) + " " + text::quote(input); }
  Problems& problems;

  void error(Code code, std::string message) const {
    problems.push_back({code, Severity::error, std::string(field), std::move(message)});
  }
  void warning(Code code, std::string message) const {
    problems.push_back({code, Severity::warning, std::string(field), std::move(message)});
  }
};

inline bool is_separator(char c) noexcept {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

std::string subject(const Context& ctx, Role role, std::string_view text) {
  if (role == Role::ani) return "caller ID ani=" + text::quote(text);
  return std::string(ctx.field) + " " + text::quote(text);
}

std::string regions_for_message(std::string_view regions) {
  if (regions == "001") return "non-geographic";
  // +1 is shared by 25 regions: name the first few.
  std::size_t cut = 0;
  for (int words = 0; words < 4 && cut != std::string_view::npos; ++words) cut = regions.find(' ', cut + 1);
  if (cut == std::string_view::npos) return std::string(regions);
  return std::string(regions.substr(0, cut)) + " and others";
}

std::string lengths_for_message(std::uint32_t mask) {
  std::string items[32];
  std::size_t n = 0;
  for (unsigned len = 0; len < 32; ++len)
    if (mask & (1u << len)) items[n++] = text::to_string(static_cast<std::uint64_t>(len));
  return text::list_or(items, n);
}

// NANP rules for the 10-digit national number of a +1 number.
bool check_nanp(const Context& ctx, Role role, Code code, std::string_view text, const char* d) {
  const bool bad_area = d[0] < '2' || d[1] == '9' || (d[1] == '1' && d[2] == '1');
  const bool bad_exchange = d[3] < '2' || (d[4] == '1' && d[5] == '1');
  const bool fictional = d[3] == '5' && d[4] == '5' && d[5] == '5' && d[6] == '0' && d[7] == '1';
  if (!bad_area && !bad_exchange && !fictional) return true;  // the hot path builds no message

  const std::string area(d, 3), exchange(d + 3, 3);
  const std::string who = subject(ctx, role, text);
  if (d[0] < '2')
    ctx.error(code, who + ": area code " + area + " is not valid; US/Canada area codes start with 2-9.");
  else if (d[1] == '9')
    ctx.error(code, who + ": area code " + area +
                        " does not exist; no US/Canada area code has 9 as its middle digit.");
  else if (bad_area)
    ctx.error(code, who + ": " + area + " is a service code like 411 or 911, not an area code.");
  if (d[3] < '2')
    ctx.error(code, who + ": exchange " + exchange +
                        " is not valid; the 3 digits after the area code start with 2-9.");
  else if (bad_exchange)
    ctx.error(code, who + ": exchange " + exchange +
                        " is a service code like 411 or 911; check the 3 digits after the area code.");
  if (bad_area || bad_exchange) return false;
  ctx.warning(Code::fictional_number,
              who + ": 555-0100 to 555-0199 are fictional numbers reserved for films and examples; "
                    "nobody will answer.");
  return true;
}

// Parses the number part (digits, optional leading '+', visual separators) into E.164.
bool parse_number(const Context& ctx, Role role, std::string_view text, PhoneNumber& out) {
  const Code code = role == Role::ani ? Code::invalid_ani : Code::invalid_phone_number;
  char digits[kMaxE164Digits + 8];
  std::size_t n = 0;
  bool plus = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (text::is_digit(c)) {
      if (n < sizeof digits) digits[n] = c;
      ++n;
    } else if (is_separator(c)) {
      continue;
    } else if (c == '+' && n == 0 && !plus) {
      plus = true;
    } else {
      const std::string who = subject(ctx, role, text);
      if (c == '+') {
        ctx.error(code, who + ": '+' may only appear once, before the country code.");
      } else {
        ctx.error(code, who + " contains " + text::describe_char(text, i) +
                            "; use only digits, a leading +, spaces and - . ( ).");
      }
      return false;
    }
  }
  if (n == 0) {
    ctx.error(code, subject(ctx, role, text) + " has no digits.");
    return false;
  }

  const char* e164 = digits;  // digits after the implied or written '+'
  std::size_t len = n;
  if (!plus) {
    if (n >= 3 && digits[0] == '0' && digits[1] == '1' && digits[2] == '1') {
      e164 += 3;  // 011: the US/Canada international prefix
      len -= 3;
      if (len == 0) {
        ctx.error(code, subject(ctx, role, text) +
                            ": 011 (international dialing prefix) must be followed by a country code "
                            "and number.");
        return false;
      }
    } else if (n == 10 || (n == 11 && digits[0] == '1')) {
      out.country_code = 1;
      out.national_length = 10;
      std::copy_n(digits + (n - 10), 10, out.national);
      return check_nanp(ctx, role, code, text, out.national);
    } else {
      ctx.error(code, subject(ctx, role, text) + " has " + text::to_string(static_cast<std::uint64_t>(n)) +
                          (n == 1 ? " digit" : " digits") + ", so its country is unclear: write a US/Canada number with 10 digits "
                          "(or 11 starting with 1), and any other as + and country code, e.g. +44 20 "
                          "7946 0958.");
      return false;
    }
  }

  if (e164[0] == '0') {
    ctx.error(code, subject(ctx, role, text) +
                        ": no country code starts with 0; after + (or 011) comes the country code.");
    return false;
  }
  const CountryCallingCode* country = nullptr;
  std::size_t cc_len = 0;
  unsigned cc = 0;
  for (std::size_t k = 1; k <= 3 && k <= len && !country; ++k) {
    cc = cc * 10 + static_cast<unsigned>(e164[k - 1] - '0');
    country = find_country_calling_code(cc);
    cc_len = k;
  }
  if (!country) {
    ctx.error(code, subject(ctx, role, text) + ": +" + std::string(e164, std::min<std::size_t>(len, 3)) +
                        " does not start with an assigned country code; check the digits after +.");
    return false;
  }
  if (len > kMaxE164Digits) {
    ctx.error(code, subject(ctx, role, text) + " has " + text::to_string(static_cast<std::uint64_t>(len)) +
                        " digits; international numbers have at most 15, country code included.");
    return false;
  }
  const std::size_t national_len = len - cc_len;
  const bool possible = national_len > 0 && (country->national_lengths >> national_len) & 1u;
  if (!possible) {
    const std::uint32_t lengths = country->national_lengths;
    ctx.error(code, subject(ctx, role, text) + ": numbers with country code +" +
                        text::to_string(static_cast<std::uint64_t>(country->code)) + " (" +
                        regions_for_message(country->regions) + ") have " + lengths_for_message(lengths) +
                        " digits after the country code; this one has " +
                        text::to_string(static_cast<std::uint64_t>(national_len)) + ".");
    return false;
  }
  out.country_code = static_cast<std::uint16_t>(country->code);
  out.national_length = static_cast<std::uint8_t>(national_len);
  std::copy_n(e164 + cc_len, national_len, out.national);
  if (country->code == 1) return check_nanp(ctx, role, code, text, out.national);
  return true;
}

bool parse_postd(const Context& ctx, std::string_view value, Destination& out) {
  std::size_t n = 0;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (is_separator(c)) continue;
    if (text::is_digit(c) || c == '*' || c == '#') {
    } else if ((c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd')) {
      c = static_cast<char>(c & ~0x20);  // DTMF letters upper-case
    } else if (c == 'p' || c == 'P' || c == 'w' || c == 'W') {
      c = static_cast<char>(c | 0x20);  // pauses lower-case
    } else {
      ctx.error(Code::invalid_postd, "post-dial digits postd=" + text::quote(value) + " contain " +
                                         text::describe_char(value, i) +
                                         "; use 0-9 * # A-D, p (1-second pause) and w (wait for tone).");
      return false;
    }
    if (n < kMaxPostdChars) out.postd[n] = c;
    ++n;
  }
  if (n == 0) {
    ctx.error(Code::invalid_postd, "post-dial digits postd=" + text::quote(value) + " have no digits.");
    ok = false;
  } else if (n > kMaxPostdChars) {
    ctx.error(Code::invalid_postd, "post-dial digits postd=" + text::quote(value) + " have " +
                                       text::to_string(static_cast<std::uint64_t>(n)) +
                                       " characters; the limit is 32.");
    ok = false;
  }
  if (ok) out.postd_length = static_cast<std::uint8_t>(n);
  return ok;
}

std::size_t write_digits(char* out, unsigned v) noexcept {
  char buf[4];
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (std::size_t i = 0; i < n; ++i) out[i] = buf[n - 1 - i];
  return n;
}

}  // namespace

const CountryCallingCode* find_country_calling_code(unsigned code) noexcept {
  if (code >= kCodeIndex.slot.size()) return nullptr;
  const int i = kCodeIndex.slot[code];
  return i < 0 ? nullptr : &kCountryCodes[i];
}
const CountryCallingCode* country_calling_codes_begin() noexcept { return std::begin(kCountryCodes); }
const CountryCallingCode* country_calling_codes_end() noexcept { return std::end(kCountryCodes); }

std::size_t PhoneNumber::write_e164(char* out) const noexcept {
  out[0] = '+';
  std::size_t n = 1 + write_digits(out + 1, country_code);
  std::copy_n(national, national_length, out + n);
  return n + national_length;
}

std::string PhoneNumber::e164() const {
  char buf[kMaxE164Digits + 1];
  return std::string(buf, write_e164(buf));
}

std::uint64_t PhoneNumber::key() const noexcept {
  // The E.164 digits as one integer: the country code's digits, then the national number's.
  // Different country-code splits of the same digits cannot collide: codes are prefix-free.
  std::uint64_t v = country_code;
  for (std::size_t i = 0; i < national_length; ++i) v = v * 10 + static_cast<std::uint64_t>(national[i] - '0');
  return v;
}

std::size_t Destination::write_uri(char* out) const noexcept {
  std::size_t n = 0;
  const auto put = [&](std::string_view s) {
    std::copy(s.begin(), s.end(), out + n);
    n += s.size();
  };
  put("tel:");
  n += number.write_e164(out + n);
  if (has_ani) {
    put(";ani=");
    if (ani.is_nanp()) put(ani.national_number());
    else n += ani.write_e164(out + n);
  }
  if (has_postd()) {
    put(";postd=");
    put(postd_view());
  }
  return n;
}

std::string Destination::uri() const {
  char buf[kMaxUriLength];
  return std::string(buf, write_uri(buf));
}

bool parse_destination(std::string_view input, Destination& out, Problems& problems, std::string_view field) {
  out = Destination{};
  const std::string_view trimmed = text::trim(input);
  const Context ctx{field, trimmed, problems};
  if (trimmed.empty()) {
    ctx.error(Code::missing_phone_number,
              std::string(field) + " is empty; give the number to call, e.g. 6175551234 or +16175551234.");
    return false;
  }
  if (trimmed.size() > kMaxDestinationChars) {
    const std::size_t chars = text::utf8_length(trimmed);
    if (chars > kMaxDestinationChars) {
      ctx.error(Code::invalid_phone_number,
                std::string(field) + " is " + text::to_string(static_cast<std::uint64_t>(chars)) +
                    " characters long; the limit is 256 (starts " + text::quote(trimmed, 30) + ").");
      return false;
    }
  }

  std::string_view rest = trimmed;
  if (text::istarts_with(rest, "tel:")) rest.remove_prefix(4);
  const std::size_t semi = rest.find(';');
  const std::string_view number_text = rest.substr(0, semi);

  bool ok = true;
  if (text::trim(number_text).empty()) {
    ctx.error(Code::invalid_phone_number,
              ctx.whole() + " has no number before its parameters.");
    ok = false;
  } else {
    ok = parse_number(ctx, Role::destination, number_text, out.number);
  }

  bool seen_ani = false, seen_postd = false;
  std::string_view params = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi);
  // Each parameter: ";name=value". Names are case-insensitive; ani and postd are the only ones.
  while (!params.empty()) {
    params.remove_prefix(1);  // ';'
    const std::size_t next = params.find(';');
    const std::string_view param = params.substr(0, next);
    params = next == std::string_view::npos ? std::string_view{} : params.substr(next);

    const std::size_t eq = param.find('=');
    const std::string_view name = text::trim(param.substr(0, eq));
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : text::trim(param.substr(eq + 1));
    if (name.empty()) {
      ctx.error(Code::invalid_phone_number, ctx.whole() +
                                                " has an empty parameter; remove the extra ';'.");
      ok = false;
      continue;
    }
    const bool is_ani = text::iequals(name, "ani");
    const bool is_postd = text::iequals(name, "postd");
    if (!is_ani && !is_postd) {
      std::string why;
      if (text::iequals(name, "ext"))
        why = "extensions are not dialed; send them after the call connects with postd=, e.g. ;postd=ww123";
      else if (text::iequals(name, "phone-context"))
        why = "write the number in global form with + and its country code instead";
      else if (text::iequals(name, "isub"))
        why = "ISDN subaddresses are not supported";
      else
        why = "only ani (caller ID) and postd (post-dial digits) are supported";
      ctx.error(Code::invalid_phone_number, ctx.whole() +
                                                " has parameter " + text::quote(name, 20) + ": " + why + ".");
      ok = false;
      continue;
    }
    const Code code = is_ani ? Code::invalid_ani : Code::invalid_postd;
    bool& seen = is_ani ? seen_ani : seen_postd;
    if (seen) {
      ctx.error(code, ctx.whole() + " gives " + (is_ani ? "ani" : "postd") +
                          " more than once; keep one.");
      ok = false;
      continue;
    }
    seen = true;
    if (value.empty()) {
      ctx.error(code, ctx.whole() + ": " + (is_ani ? "ani" : "postd") +
                          "= has no value; " +
                          (is_ani ? "give the caller ID number, e.g. ani=8009957586"
                                  : "give the digits to send, e.g. postd=2") +
                          ", or remove the parameter.");
      ok = false;
      continue;
    }
    if (is_ani) {
      out.has_ani = parse_number(ctx, Role::ani, value, out.ani);
      ok = out.has_ani && ok;
    } else {
      ok = parse_postd(ctx, value, out) && ok;
    }
  }
  if (!ok) out = Destination{};
  return ok;
}

}  // namespace fuse
