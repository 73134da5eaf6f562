// Metadata rules shared by the `metadata` parameter and CSV columns (SPEC 3): key syntax and the
// sensitive-data scan. scan_sensitive_metadata runs for every cell of million-row uploads, so it
// makes one pass over the value and allocates only when it has something to report.
#include <cstring>

#include "fuse/queue_request.hpp"
#include "text.hpp"

namespace fuse {
namespace {

inline bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
inline bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
inline bool is_key_char(char c) noexcept { return is_alpha(c) || text::is_digit(c) || c == '_'; }

// ---- sensitive key names ----

enum class Topic : std::uint8_t { ssn, birth, card, pin, account, medical };

std::string_view topic_name(Topic t) noexcept {
  switch (t) {
    case Topic::ssn: return "a Social Security number";
    case Topic::birth: return "a date of birth";
    case Topic::card: return "payment card data";
    case Topic::pin: return "a PIN";
    case Topic::account: return "a bank account number";
    case Topic::medical: return "medical information";
  }
  return "sensitive data";
}

// Terms matched against a key's words (split at '_', other punctuation, camelCase and letter/digit
// changes, compared case-insensitively), as whole consecutive words: "patient_ssn", "dateOfBirth",
// "CVV2" and "icd10_code" match; "panel", "spin" and "appointment" do not.
struct SensitiveTerm {
  std::string_view words[3];  // lower case
  std::uint8_t count;
  Topic topic;
};
constexpr SensitiveTerm kSensitiveTerms[] = {
    {{"ssn"}, 1, Topic::ssn},
    {{"social", "security"}, 2, Topic::ssn},
    {{"socialsecurity"}, 1, Topic::ssn},
    {{"dob"}, 1, Topic::birth},
    {{"date", "of", "birth"}, 3, Topic::birth},
    {{"dateofbirth"}, 1, Topic::birth},
    {{"birth", "date"}, 2, Topic::birth},
    {{"birthdate"}, 1, Topic::birth},
    {{"cvv"}, 1, Topic::card},
    {{"cvc"}, 1, Topic::card},
    {{"pan"}, 1, Topic::card},
    {{"card", "number"}, 2, Topic::card},
    {{"card", "num"}, 2, Topic::card},
    {{"card", "no"}, 2, Topic::card},
    {{"cardnumber"}, 1, Topic::card},
    {{"credit", "card"}, 2, Topic::card},
    {{"creditcard"}, 1, Topic::card},
    {{"debit", "card"}, 2, Topic::card},
    {{"cc", "number"}, 2, Topic::card},
    {{"cc", "num"}, 2, Topic::card},
    {{"cc", "no"}, 2, Topic::card},
    {{"ccnumber"}, 1, Topic::card},
    {{"ccnum"}, 1, Topic::card},
    {{"pin"}, 1, Topic::pin},
    {{"account", "number"}, 2, Topic::account},
    {{"account", "num"}, 2, Topic::account},
    {{"account", "no"}, 2, Topic::account},
    {{"acct", "number"}, 2, Topic::account},
    {{"acct", "num"}, 2, Topic::account},
    {{"acct", "no"}, 2, Topic::account},
    {{"accountnumber"}, 1, Topic::account},
    {{"routing", "number"}, 2, Topic::account},
    {{"routingnumber"}, 1, Topic::account},
    {{"bank", "account"}, 2, Topic::account},
    {{"iban"}, 1, Topic::account},
    {{"diagnosis"}, 1, Topic::medical},
    {{"diagnoses"}, 1, Topic::medical},
    {{"medical", "record"}, 2, Topic::medical},
    {{"mrn"}, 1, Topic::medical},
    {{"icd"}, 1, Topic::medical},
};

struct Span {
  std::uint8_t begin, length;
};
// Keys are judged by their first 128 characters and 24 words (valid keys have at most 64).
constexpr std::size_t kMaxKeyScan = 128;
constexpr std::size_t kMaxKeyWords = 24;

// Splits `key` into words; returns how many.
std::size_t split_words(std::string_view key, Span* words) noexcept {
  std::size_t n = 0;
  const std::size_t size = key.size() < kMaxKeyScan ? key.size() : kMaxKeyScan;
  std::size_t i = 0;
  while (i < size && n < kMaxKeyWords) {
    if (!is_alpha(key[i]) && !text::is_digit(key[i])) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    const bool digits = text::is_digit(key[i]);
    ++i;
    while (i < size) {
      const char c = key[i], prev = key[i - 1];
      if (digits ? !text::is_digit(c) : !is_alpha(c)) break;
      if (!digits && is_upper(c) && is_lower(prev)) break;  // camelCase
      // "SSNNumber": the last capital of a run starts the next word.
      if (!digits && is_upper(c) && is_upper(prev) && i + 1 < size && is_lower(key[i + 1])) break;
      ++i;
    }
    words[n++] = Span{static_cast<std::uint8_t>(begin), static_cast<std::uint8_t>(i - begin)};
  }
  return n;
}

const SensitiveTerm* find_sensitive_term(std::string_view key) noexcept {
  char lower[kMaxKeyScan];
  const std::size_t size = key.size() < kMaxKeyScan ? key.size() : kMaxKeyScan;
  for (std::size_t i = 0; i < size; ++i) lower[i] = text::to_lower(key[i]);
  Span words[kMaxKeyWords];
  const std::size_t n = split_words(key, words);
  const auto word_is = [&](std::size_t w, std::string_view term_word) {
    return words[w].length == term_word.size() && std::memcmp(lower + words[w].begin, term_word.data(), term_word.size()) == 0;
  };
  for (std::size_t start = 0; start < n; ++start) {
    for (const auto& term : kSensitiveTerms) {
      if (start + term.count > n || !word_is(start, term.words[0])) continue;
      std::size_t k = 1;
      while (k < term.count && word_is(start + k, term.words[k])) ++k;
      if (k == term.count) return &term;
    }
  }
  return nullptr;
}

// ---- sensitive values ----

inline bool is_run_separator(char c) noexcept { return c == ' ' || c == '-'; }

// Luhn over the digits of value[begin, end) (separators skipped).
bool passes_luhn(std::string_view value, std::size_t begin, std::size_t end) noexcept {
  unsigned sum = 0;
  bool twice = false;
  for (std::size_t i = end; i-- > begin;) {
    if (!text::is_digit(value[i])) continue;
    unsigned d = static_cast<unsigned>(value[i] - '0');
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

struct Finding {
  bool found = false;
  std::size_t digits = 0;
  char last4[4] = {};
};

void remember_last4(std::string_view value, std::size_t end, Finding& f) noexcept {
  std::size_t k = 4;
  for (std::size_t i = end; i-- > 0 && k > 0;)
    if (text::is_digit(value[i])) f.last4[--k] = value[i];
}

// A card number: 13-19 digits, written together or in groups joined by single spaces or dashes,
// passing Luhn. Windows start and end at group boundaries of the run [begin, end); a group longer
// than 19 digits is an identifier, not a card. ISO/IEC 7812 issues no card number starting with 0.
void check_card(std::string_view value, std::size_t begin, std::size_t end, Finding& card) noexcept {
  for (std::size_t start = begin; start < end && !card.found;) {
    std::size_t digits = 0;
    if (value[start] != '0') {
      for (std::size_t i = start; i <= end; ++i) {
        if (i == end || !text::is_digit(value[i])) {  // a group ends at i
          if (digits > 19) break;
          if (digits >= 13 && passes_luhn(value, start, i)) {
            card.found = true;
            card.digits = digits;
            remember_last4(value, i, card);
            break;
          }
          if (i == end) break;
        } else {
          ++digits;
        }
      }
    }
    // Next window starts after the next separator.
    while (start < end && text::is_digit(value[start])) ++start;
    ++start;
  }
}

// An SSN: the whole run is AAA-GG-SSSS (one kind of separator, dash or space) with AAA not 000,
// 666 or 9xx, GG not 00 and SSSS not 0000, as the SSA never issues those.
void check_ssn(std::string_view value, std::size_t begin, std::size_t end, Finding& ssn) noexcept {
  if (end - begin != 11) return;
  const char* s = value.data() + begin;
  const char sep = s[3];
  if (!is_run_separator(sep) || s[6] != sep) return;
  for (int i : {0, 1, 2, 4, 5, 7, 8, 9, 10})
    if (!text::is_digit(s[i])) return;
  if ((s[0] == '0' && s[1] == '0' && s[2] == '0') || (s[0] == '6' && s[1] == '6' && s[2] == '6') || s[0] == '9')
    return;
  if (s[4] == '0' && s[5] == '0') return;
  if (s[7] == '0' && s[8] == '0' && s[9] == '0' && s[10] == '0') return;
  ssn.found = true;
  ssn.digits = 9;
  std::memcpy(ssn.last4, s + 7, 4);
}

std::string subject(std::string_view key, std::string_view field) {
  if (field == key) return text::quote(key);
  return std::string(field) + " " + text::quote(key);
}

constexpr std::string_view kNotSecured =
    "queue data is not PCI/HIPAA-secured storage: send an ID instead and fetch the data from your own "
    "systems during the call";

}  // namespace

bool is_valid_metadata_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > kMaxMetadataKeyChars) return false;
  if (text::is_digit(key[0])) return false;
  for (char c : key)
    if (!is_key_char(c)) return false;
  return true;
}

std::string explain_invalid_metadata_key(std::string_view key) {
  if (is_valid_metadata_key(key)) return {};
  if (key.empty()) return "is empty; give each value a name such as customer_name.";
  // A suggestion: the key with every other character replaced by '_'.
  std::string fixed;
  for (std::size_t i = 0; i < key.size() && fixed.size() < kMaxMetadataKeyChars;) {
    const std::size_t n = text::utf8_sequence_length(key, i);
    fixed += is_key_char(key[i]) ? key[i] : '_';
    i += n ? n : 1;
  }
  if (text::is_digit(fixed[0])) fixed.insert(0, 1, '_');
  if (fixed.size() > kMaxMetadataKeyChars) fixed.resize(kMaxMetadataKeyChars);
  bool has_alnum = false;
  for (char c : fixed) has_alnum = has_alnum || is_alpha(c) || text::is_digit(c);
  const std::string example = has_alnum ? " (e.g. " + fixed + ")" : std::string();

  if (text::is_digit(key[0]))
    return "starts with a digit; a key starts with a letter or _" + example + ".";
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (!is_key_char(key[i]))
      return "contains " + text::describe_char(key, i) + "; keys use only letters A-Z, digits and _" + example + ".";
  }
  if (key.size() > kMaxMetadataKeyChars)
    return "is " + text::to_string(static_cast<std::uint64_t>(key.size())) + " characters long; the limit is " +
           text::to_string(static_cast<std::uint64_t>(kMaxMetadataKeyChars)) + ".";
  return "is not a valid key.";
}

std::string_view sensitive_key_topic(std::string_view key) noexcept {
  const SensitiveTerm* term = find_sensitive_term(key);
  return term ? topic_name(term->topic) : std::string_view();
}

void scan_sensitive_value(std::string_view key, std::string_view value, const ValidationOptions& options,
                          std::string_view field, Problems& problems) {
  Finding card, ssn;
  const std::size_t size = value.size();
  for (std::size_t i = 0; i < size;) {
    if (!text::is_digit(value[i])) {
      ++i;
      continue;
    }
    // A run: digits joined by single spaces or dashes.
    const std::size_t begin = i;
    std::size_t digits = 0;
    while (i < size) {
      if (text::is_digit(value[i])) {
        ++digits;
        ++i;
      } else if (is_run_separator(value[i]) && i + 1 < size && text::is_digit(value[i + 1])) {
        ++i;
      } else {
        break;
      }
    }
    if (!ssn.found && digits == 9) check_ssn(value, begin, i, ssn);
    if (!card.found && digits >= 13) check_card(value, begin, i, card);
  }
  if (!card.found && !ssn.found) return;

  const Severity severity = options.strict ? Severity::error : Severity::warning;
  if (card.found) {
    problems.push_back({Code::possible_card_number, severity, std::string(field),
                        subject(key, field) + " holds a " + text::to_string(static_cast<std::uint64_t>(card.digits)) +
                            "-digit number ending " + std::string(card.last4, 4) +
                            " that passes the card-number (Luhn) check; " + std::string(kNotSecured) + "."});
  }
  if (ssn.found) {
    problems.push_back({Code::possible_ssn, severity, std::string(field),
                        subject(key, field) + " holds what looks like a Social Security number (ending " +
                            std::string(ssn.last4, 4) + "); " + std::string(kNotSecured) + "."});
  }
}

void scan_sensitive_metadata(std::string_view key, std::string_view value, const ValidationOptions& options,
                             std::string_view field, Problems& problems) {
  if (const SensitiveTerm* term = find_sensitive_term(key)) {
    const std::string who = field == key ? text::quote(key) : std::string(field) + " key " + text::quote(key);
    problems.push_back({Code::sensitive_key, options.strict ? Severity::error : Severity::warning, std::string(field),
                        who + " names " + std::string(topic_name(term->topic)) + "; " +
                            std::string(kNotSecured) + "."});
  }
  scan_sensitive_value(key, value, options, field, problems);
}

}  // namespace fuse
