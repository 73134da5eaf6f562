// The incremental CSV tokenizer (fuse/csv_reader.hpp).
//
// One state machine runs over each chunk ("segment") and remembers where it stopped. Field
// boundaries are kept as offsets from the start of the record, so a record that began in an earlier
// chunk only needs its bytes copied into carry_ (bounded by max_record_bytes) to be read as one
// contiguous string when it completes; a record that lies inside one chunk is never copied. Runs
// of ordinary bytes are skipped with a table lookup per byte; only records that hold non-ASCII
// bytes are checked for UTF-8 validity, once complete (a sequence split across chunks is whole by
// then).
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "fuse/csv_reader.hpp"
#include "text.hpp"

namespace fuse {
namespace {

// Byte classes: which bytes stop a run of ordinary bytes in each state.
constexpr std::uint8_t kStopUnquoted = 1;  // , " CR LF
constexpr std::uint8_t kStopQuoted = 2;    // " CR LF
constexpr std::uint8_t kHigh = 4;          // >= 0x80: the record needs a UTF-8 check

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  t[','] = kStopUnquoted;
  t['"'] = kStopUnquoted | kStopQuoted;
  t['\r'] = kStopUnquoted | kStopQuoted;
  t['\n'] = kStopUnquoted | kStopQuoted;
  for (int c = 0x80; c < 0x100; ++c) t[static_cast<std::size_t>(c)] = kHigh;
  return t;
}
constexpr std::array<std::uint8_t, 256> kClass = make_classes();

// Span flags.
constexpr std::uint8_t kQuoted = 1;
constexpr std::uint8_t kEscaped = 2;  // holds "" pairs
constexpr std::uint8_t kBad = 4;      // stray quote: the span is the raw field

inline unsigned char uc(char c) noexcept { return static_cast<unsigned char>(c); }

inline const char* skip_ordinary(const char* p, const char* end, std::uint8_t mask) noexcept {
  // Unrolled by four: most fields are short, but phone numbers and names are runs of 5-20 bytes.
  while (end - p >= 4) {
    if (kClass[uc(p[0])] & mask) return p;
    if (kClass[uc(p[1])] & mask) return p + 1;
    if (kClass[uc(p[2])] & mask) return p + 2;
    if (kClass[uc(p[3])] & mask) return p + 3;
    p += 4;
  }
  while (p < end && !(kClass[uc(*p)] & mask)) ++p;
  return p;
}

inline const char* skip_blanks(const char* p, const char* end) noexcept {
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  return p;
}

// Offset of the first byte that is not part of valid UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (!(w & 0x8080808080808080ull)) {
        i += 8;
        continue;
      }
    }
    if (uc(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = text::utf8_sequence_length(s, i);
    if (!len) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace

CsvReader::CsvReader(std::size_t max_record_bytes)
    // Offsets inside a kept record are 32-bit.
    : max_record_bytes_(std::min<std::size_t>(max_record_bytes, std::numeric_limits<std::uint32_t>::max() - 1)) {}

void CsvReader::start_input() {
  started_ = true;
  std::string_view h = head_;
  if (h.size() >= 2) {
    const unsigned a = uc(h[0]), b = uc(h[1]);
    // Four NUL bytes begin no text (UTF-32 has at most three before its first character).
    if (h.size() >= 4 && h.substr(0, 4) == std::string_view("\0\0\0\0", 4)) {
      file_error_ = CsvFileError::binary;
      return;
    }
    // UTF-16/32 byte order marks, or ASCII text in UTF-16 without one (every other byte NUL).
    if ((a == 0xFF && b == 0xFE) || (a == 0xFE && b == 0xFF) || a == 0 || b == 0) {
      file_error_ = CsvFileError::wide_encoding;
      return;
    }
  }
  if (h.size() >= 3 && h.substr(0, 3) == "\xEF\xBB\xBF") {
    bom_ = true;
    h.remove_prefix(3);
  }
  if (!h.empty()) segs_[seg_count_++] = h;
}

void CsvReader::feed(std::string_view chunk) {
  bytes_fed_ += chunk.size();
  seg_count_ = seg_index_ = 0;
  if (file_error_ == CsvFileError::wide_encoding || file_error_ == CsvFileError::binary || finishing_) return;
  if (!started_) {
    // The byte order mark, or its absence, is known after four bytes.
    const std::size_t take = std::min<std::size_t>(4 - head_.size(), chunk.size());
    head_.append(chunk.data(), take);
    chunk.remove_prefix(take);
    if (head_.size() < 4) return;
    start_input();
    if (file_error_ != CsvFileError::none) return;
  }
  if (!chunk.empty()) segs_[seg_count_++] = chunk;
  p_ = seg_count_ ? segs_[0].data() : nullptr;
  if (seg_count_ && in_record_) seg_record_begin_ = p_;
}

void CsvReader::finish() {
  seg_count_ = seg_index_ = 0;
  if (!started_) {
    start_input();
    p_ = seg_count_ ? segs_[0].data() : nullptr;
  }
  finishing_ = true;
}

void CsvReader::start_record(const char* p) noexcept {
  in_record_ = true;
  record_line_ = line_;
  seg_record_begin_ = p;
  rel_base_ = 0;
  field_begin_ = 0;
  field_flags_ = 0;
  non_ascii_ = false;
  too_large_ = false;
  field_count_ = 0;
  bad_quote_ = false;
  spans_.clear();
  carry_.clear();
  state_ = State::field_start;
}

void CsvReader::begin_field(const char* p) noexcept {
  field_begin_ = rel(p);
  field_flags_ = 0;
}

void CsvReader::end_field(const char* p) {
  ++field_count_;
  if (too_large_) return;
  const std::uint64_t at = rel(p);
  if (at > max_record_bytes_) {
    too_large_ = true;
    spans_.clear();
    carry_.clear();
    return;
  }
  Span s;
  if ((field_flags_ & (kQuoted | kBad)) == kQuoted) {
    s.begin = static_cast<std::uint32_t>(quote_begin_);
    s.end = static_cast<std::uint32_t>(quote_end_);
  } else {
    s.begin = static_cast<std::uint32_t>(field_begin_);
    s.end = static_cast<std::uint32_t>(at);
  }
  s.flags = field_flags_;
  spans_.push_back(s);
}

void CsvReader::mark_bad_quote() noexcept {
  field_flags_ |= kBad;
  if (!bad_quote_) {
    bad_quote_ = true;
    bad_quote_field_ = field_count_;
  }
}

// Runs the state machine from p. Returns true when the record ends at p (a line break, not
// consumed); false when the segment is used up (the state is kept for the next one).
bool CsvReader::scan(const char*& pp, const char* end) {
  const char* p = pp;
  std::uint8_t high = non_ascii_ ? 0 : kHigh;
  char c;
  if (cr_in_quote_ && p < end) {
    cr_in_quote_ = false;
    if (*p == '\n') ++p;  // the LF of a CRLF split across chunks: same line break
  }
  switch (state_) {
    case State::field_start: goto field_start;
    case State::unquoted: goto unquoted;
    case State::quoted: goto quoted;
    case State::quote_in_quoted: goto quote_in_quoted;
    case State::after_close: goto after_close;
  }

field_start:
  p = skip_blanks(p, end);
  if (p == end) {
    state_ = State::field_start;
    pp = p;
    return false;
  }
  if (*p == '"') {
    field_flags_ |= kQuoted;
    quote_line_ = line_;
    ++p;
    quote_begin_ = rel(p);
    goto quoted;
  }
  goto unquoted;

unquoted:
  for (;;) {
    p = skip_ordinary(p, end, kStopUnquoted | high);
    if (p == end) {
      state_ = State::unquoted;
      pp = p;
      return false;
    }
    c = *p;
    if (c == ',') {
      end_field(p);
      begin_field(++p);
      goto field_start;
    }
    if (c == '\n' || c == '\r') {
      end_field(p);
      state_ = State::field_start;
      pp = p;
      return true;
    }
    if (c == '"') {
      mark_bad_quote();
    } else {
      non_ascii_ = true;
      high = 0;
    }
    ++p;
  }

quoted:
  for (;;) {
    p = skip_ordinary(p, end, kStopQuoted | high);
    if (p == end) {
      state_ = State::quoted;
      pp = p;
      return false;
    }
    c = *p++;
    if (c == '"') goto quote_in_quoted;
    if (c == '\n') {
      ++line_;
    } else if (c == '\r') {
      ++line_;
      if (p == end) {
        cr_in_quote_ = true;
        state_ = State::quoted;
        pp = p;
        return false;
      }
      if (*p == '\n') ++p;
    } else {
      non_ascii_ = true;
      high = 0;
    }
  }

quote_in_quoted:
  if (p == end) {
    state_ = State::quote_in_quoted;
    pp = p;
    return false;
  }
  if (*p == '"') {  // "" inside quotes: one quote character
    field_flags_ |= kEscaped;
    ++p;
    goto quoted;
  }
  quote_end_ = rel(p) - 1;  // the closing quote is the byte before p (possibly in the last chunk)
  goto after_close;

after_close:
  for (;;) {
    p = skip_blanks(p, end);
    if (p == end) {
      state_ = State::after_close;
      pp = p;
      return false;
    }
    c = *p;
    if (c == ',') {
      end_field(p);
      begin_field(++p);
      goto field_start;
    }
    if (c == '\n' || c == '\r') {
      end_field(p);
      state_ = State::field_start;
      pp = p;
      return true;
    }
    mark_bad_quote();  // text after the closing quote
    if (uc(c) >= 0x80) {
      non_ascii_ = true;
      high = 0;
    }
    ++p;
  }
}

void CsvReader::carry_segment(const char* end) {
  if (!too_large_) {
    if (rel(end) > max_record_bytes_) {
      too_large_ = true;  // stop buffering; keep scanning to the record's end
      spans_.clear();
      carry_.clear();
    } else if (end != seg_record_begin_) {
      carry_.append(seg_record_begin_, static_cast<std::size_t>(end - seg_record_begin_));
    }
  }
  rel_base_ = rel(end);
}

// The record ends at `end` (its line break, or the end of input). Returns false for a blank line.
bool CsvReader::build_record(const char* end, CsvRecord& out) {
  const std::uint64_t bytes = rel(end);
  out.line = record_line_;
  out.end_line = line_;
  out.bytes = bytes;
  out.field_count = field_count_;
  out.error = CsvRecordError::none;
  out.error_field = out.error_offset = 0;
  fields_.clear();
  out.fields = {};
  if (too_large_ || bytes > max_record_bytes_) {
    out.error = CsvRecordError::too_large;
    return true;
  }

  const char* base;
  if (rel_base_ == 0) {
    base = seg_record_begin_;
  } else {
    if (end != seg_record_begin_) carry_.append(seg_record_begin_, static_cast<std::size_t>(end - seg_record_begin_));
    base = carry_.data();
  }

  if (field_count_ == 1 && spans_[0].flags == 0) {
    bool blank = true;
    for (std::uint32_t i = spans_[0].begin; i < spans_[0].end && blank; ++i)
      blank = base[i] == ' ' || base[i] == '\t';
    if (blank) return false;
  }

  // Unescaped text never outgrows the record, so views into scratch_ stay valid while it fills.
  scratch_.clear();
  scratch_.reserve(static_cast<std::size_t>(bytes));
  fields_.reserve(spans_.size());
  for (const Span& s : spans_) {
    std::string_view v(base + s.begin, s.end - s.begin);
    if ((s.flags & (kEscaped | kBad)) == kEscaped) {
      const std::size_t start = scratch_.size();
      for (std::size_t i = 0; i < v.size(); ++i) {
        scratch_ += v[i];
        if (v[i] == '"') ++i;  // the second quote of a pair
      }
      v = std::string_view(scratch_.data() + start, scratch_.size() - start);
    }
    fields_.push_back(v);
  }
  out.fields = std::span<const std::string_view>(fields_.data(), fields_.size());

  if (bad_quote_) {
    out.error = CsvRecordError::invalid_quote;
    out.error_field = bad_quote_field_;
  } else if (non_ascii_) {
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const std::size_t at = first_invalid_utf8(fields_[i]);
      if (at != std::string_view::npos) {
        out.error = CsvRecordError::invalid_utf8;
        out.error_field = i;
        out.error_offset = at;
        break;
      }
    }
  }
  return true;
}

bool CsvReader::next(CsvRecord& out) {
  for (;;) {
    if (file_error_ != CsvFileError::none) return false;
    if (seg_index_ >= seg_count_) {
      if (!finishing_ || finished_) return false;
      finished_ = true;
      if (!in_record_) return false;
      if (state_ == State::quoted) {
        file_error_ = CsvFileError::unterminated_quote;
        return false;
      }
      // Every byte of the record is in carry_ now; the end of input ends its last field.
      seg_record_begin_ = nullptr;
      if (state_ == State::quote_in_quoted) quote_end_ = rel_base_ - 1;
      end_field(nullptr);
      in_record_ = false;
      return build_record(nullptr, out);
    }

    const std::string_view seg = segs_[seg_index_];
    const char* const end = seg.data() + seg.size();
    const char* p = p_;
    if (!in_record_) {
      if (pending_lf_ && p < end) {
        pending_lf_ = false;
        if (*p == '\n') ++p;
      }
      if (p < end) start_record(p);
    }
    if (p < end && scan(p, end)) {
      const bool emit = build_record(p, out);
      in_record_ = false;
      ++line_;
      if (*p++ == '\r') {
        if (p == end) pending_lf_ = true;
        else if (*p == '\n') ++p;
      }
      p_ = p;
      if (emit) return true;
      continue;
    }
    // The segment is used up inside a record (or exactly at a record's end).
    if (in_record_) carry_segment(end);
    if (++seg_index_ < seg_count_) {
      p_ = segs_[seg_index_].data();
      if (in_record_) seg_record_begin_ = p_;
    }
  }
}

}  // namespace fuse
