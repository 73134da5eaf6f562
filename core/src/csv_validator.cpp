// Bulk CSV validation (fuse/csv_validator.hpp): the reader's records checked as an upload.
//
// Per row the hot path allocates nothing: the destination is parsed into a reused Destination, the
// metadata JSON is written into a reused string from header keys serialised once, and duplicate
// numbers are found in an open-addressing table of (E.164 digits -> first row). Messages are only
// built for rows that have problems.
#include "fuse/csv_validator.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <vector>

#include "fuse/queue_request.hpp"
#include "json_reader.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse {
namespace {

// E.164 digits (as an integer, never 0) -> first data row that had them, by linear probing over
// arrays of any size (not a power of two, so a size hint can fit the upload closely), kept at most
// 85% full. Most numbers (all of 13 digits or fewer: every NANP number) share one 64-bit word with
// their row, 8 bytes a slot: about 10 MB for a million numbers; longer ones take a 12-byte slot in
// a second table. The bound matters: the CLI checks a 1 GB file in under 64 MB, and this table is
// most of what grows with the row count.
class FirstRowTable {
 public:
  // `max_rows` fixes how many low bits of a packed slot hold the row.
  explicit FirstRowTable(std::uint64_t max_rows) {
    while (row_bits_ < 32 && (std::uint64_t{1} << row_bits_) <= max_rows) ++row_bits_;
    packed_key_limit_ = std::uint64_t{1} << (64 - row_bits_);
  }
  // Asks the memory system for key's slot ahead of find_or_insert: at a million rows the table is
  // far larger than the caches, and a miss per row would dominate the whole preflight.
  void prefetch(std::uint64_t key) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
    if (key < packed_key_limit_ && !packed_.empty()) __builtin_prefetch(&packed_[slot(key, packed_.size())], 1);
#endif
  }
  // The row recorded earlier for `key`, or 0 after recording `row` for it.
  std::uint64_t find_or_insert(std::uint64_t key, std::uint64_t row) {
    if (key >= packed_key_limit_ || row >> row_bits_) return find_or_insert_wide(key, static_cast<std::uint32_t>(row));
    if ((packed_size_ + 1) * 20 > packed_.size() * 17) rehash_packed(std::max<std::size_t>(1024, packed_.size() * 2));
    const std::uint64_t mask = (std::uint64_t{1} << row_bits_) - 1;
    std::size_t i = slot(key, packed_.size());
    for (;; i = i + 1 == packed_.size() ? 0 : i + 1) {
      const std::uint64_t v = packed_[i];
      if (v == 0) break;
      if (v >> row_bits_ == key) return v & mask;
    }
    packed_[i] = key << row_bits_ | row;
    ++packed_size_;
    return 0;
  }
  // Makes room for `entries` numbers at once, sparing the growth steps (and the moment when the
  // old and the new arrays both exist) when the upload's size is known in advance.
  void reserve(std::size_t entries) {
    const std::size_t capacity = entries / 17 * 20 + 1024;
    if (capacity > packed_.size()) rehash_packed(capacity);
  }

 private:
  static std::size_t slot(std::uint64_t key, std::size_t size) noexcept {
    // Fibonacci hashing spreads consecutive numbers; the top 32 bits are then scaled to the
    // table's size (Lemire's multiply-shift range reduction).
    const std::uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 32;
    return static_cast<std::size_t>((h * size) >> 32);
  }
  void rehash_packed(std::size_t capacity) {
    std::vector<std::uint64_t> old = std::move(packed_);
    packed_.assign(capacity, 0);
    for (const std::uint64_t v : old) {
      if (!v) continue;
      std::size_t i = slot(v >> row_bits_, capacity);
      while (packed_[i]) i = i + 1 == capacity ? 0 : i + 1;
      packed_[i] = v;
    }
  }
  std::uint64_t find_or_insert_wide(std::uint64_t key, std::uint32_t row) {
    if ((wide_size_ + 1) * 20 > wide_keys_.size() * 17) {
      std::vector<std::uint64_t> old_keys = std::move(wide_keys_);
      std::vector<std::uint32_t> old_rows = std::move(wide_rows_);
      const std::size_t capacity = std::max<std::size_t>(64, old_keys.size() * 2);
      wide_keys_.assign(capacity, 0);
      wide_rows_.assign(capacity, 0);
      for (std::size_t k = 0; k < old_keys.size(); ++k) {
        if (!old_keys[k]) continue;
        std::size_t i = slot(old_keys[k], capacity);
        while (wide_keys_[i]) i = i + 1 == capacity ? 0 : i + 1;
        wide_keys_[i] = old_keys[k];
        wide_rows_[i] = old_rows[k];
      }
    }
    std::size_t i = slot(key, wide_keys_.size());
    for (;; i = i + 1 == wide_keys_.size() ? 0 : i + 1) {
      if (wide_keys_[i] == key) return wide_rows_[i];
      if (wide_keys_[i] == 0) break;
    }
    wide_keys_[i] = key;
    wide_rows_[i] = row;
    ++wide_size_;
    return 0;
  }

  unsigned row_bits_ = 1;
  std::uint64_t packed_key_limit_ = 0;
  std::vector<std::uint64_t> packed_;  // key << row_bits_ | row; 0 = empty (rows start at 1)
  std::size_t packed_size_ = 0;
  std::vector<std::uint64_t> wide_keys_;
  std::vector<std::uint32_t> wide_rows_;
  std::size_t wide_size_ = 0;
};

std::string num(std::uint64_t v) { return text::to_string(v); }

// The duplicate table's key (PhoneNumber::key(): the E.164 digits as an integer) as "+<digits>".
std::string e164_of_key(std::uint64_t key) {
  std::string out(1, '+');
  out += text::to_string(key);
  return out;
}

// A value for a message without surrounding quotes (for values that are about quotes), control
// characters escaped and long values cut.
std::string unquoted(std::string_view value, std::size_t max_chars = 60) {
  std::string q = text::quote(value, max_chars);
  return q.substr(1, q.size() - 2);
}

}  // namespace

struct CsvValidator::Impl {
  struct Column {
    std::string name;      // trimmed header cell
    std::string key_json;  // "name": (metadata columns only)
    bool metadata = false;
  };

  CallOptions call;
  CsvOptions options;
  CsvRowSink sink;
  CsvReader reader;
  CsvSummary summary;
  Problems problems;

  bool header_seen = false;
  bool header_usable = false;
  bool file_error = false;  // a file-level error: nothing is queued, partial or not
  bool row_error = false;   // some row has an error
  bool too_many_rows = false;
  bool finished = false;
  bool reported_file_error = false;
  std::uint64_t header_line = 0;
  std::size_t destination_column = 0;
  std::vector<Column> columns;
  std::vector<std::size_t> metadata_columns;  // indexes into columns, in header order
  // SPEC 14 policy columns (not metadata), kNoColumn when absent; the last cells read, so that an
  // upload repeating one value reads it once.
  static constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
  std::size_t hours_column = kNoColumn, zone_column = kNoColumn;
  std::string hours_cell, zone_cell;
  CallingHours hours;
  tz::ZoneId zone = 0;
  bool hours_ok = false, zone_ok = false;
  CallOptions row_call;  // the shared parameters with the row's own hours and zone (the preflight warning)

  // Rows whose problems wait for their duplicate check (see delay()): a short FIFO.
  struct Pending {
    std::uint64_t key = 0;  // 0: no duplicate check
    std::uint64_t row = 0;
    std::uint64_t line = 0;
    Problems problems;      // counted already; stored when the row leaves the FIFO
  };
  static constexpr std::size_t kDelay = 8;
  std::array<Pending, kDelay> pending;
  std::size_t pending_first = 0, pending_count = 0;

  // Reused per row.
  Problems row_problems;
  Destination destination;
  std::string metadata;
  FirstRowTable first_rows{options.max_rows};

  Impl(const CallOptions& c, const CsvOptions& o, CsvRowSink s)
      : call(c), options(o), sink(std::move(s)), reader(o.max_record_bytes) { row_call = call; }

  // With a size hint, estimates the upload's rows from the first 64 KiB and sizes the duplicate
  // table once (a little above the estimate; it still grows if the estimate was short).
  bool table_sized = false;
  void size_duplicate_table() {
    const std::uint64_t bytes = reader.bytes_fed();
    if (table_sized || !options.size_hint || bytes < 64 * 1024 || summary.rows == 0) return;
    table_sized = true;
    const double per_byte = static_cast<double>(summary.rows) / static_cast<double>(bytes);
    const double estimate = per_byte * static_cast<double>(options.size_hint) * 1.05 + 64;
    // A hint is only a hint: never more entries than rows can be validated, nor than 4 million
    // (about 40 MB of table) up front; the table still grows past that if the rows really come.
    const double cap = std::min(static_cast<double>(options.max_rows), static_cast<double>(std::uint64_t{1} << 22));
    first_rows.reserve(static_cast<std::size_t>(std::min(estimate, cap)));
  }

  bool can_commit() const noexcept {
    return !file_error && !too_many_rows && (options.partial || !row_error);
  }

  void count(const Problem& p) noexcept {
    ++summary.counts[static_cast<std::size_t>(p.code)];
    if (p.severity == Severity::error) {
      ++summary.errors;
      if (p.row) row_error = true;
      else file_error = true;
    } else {
      ++summary.warnings;
    }
  }
  void store(Problem&& p) {
    if (!storage_full()) problems.push_back(std::move(p));
    else summary.truncated = true;
  }
  // Problems are stored in file order, so once the list is full nothing later is stored: from
  // then on problems are only counted and their messages are never built (a hostile upload of
  // duplicates or bad rows costs about what a clean one does).
  bool storage_full() const noexcept { return problems.size() >= options.max_problems; }
  void record(Problem&& p) {
    count(p);
    store(std::move(p));
  }

  // Rows pass through a short FIFO before their problems are stored: the duplicate table's slot
  // for a row's number is prefetched when the row enters and probed when it leaves, a few rows
  // later, so the cache miss overlaps the work on the rows in between. Everything that decides
  // what is queued (counts, row_error, the sink) happens at once; only the stored problem list
  // (in file order) and the duplicate warnings wait, and flush() empties the FIFO before push()
  // returns and before any later problem is stored.
  void delay(std::uint64_t key, std::uint64_t row, std::uint64_t line) {
    if (pending_count == kDelay) leave();
    Pending& slot = pending[(pending_first + pending_count++) % kDelay];
    slot.key = key;
    slot.row = row;
    slot.line = line;
    slot.problems.swap(row_problems);  // row_problems gets the slot's old (empty) buffer back
    row_problems.clear();
    if (key) first_rows.prefetch(key);
  }
  void leave() {
    Pending& slot = pending[pending_first];
    pending_first = (pending_first + 1) % kDelay;
    --pending_count;
    for (auto& p : slot.problems) store(std::move(p));
    slot.problems.clear();
    if (!slot.key) return;
    const std::uint64_t first = first_rows.find_or_insert(slot.key, slot.row);
    if (!first) return;
    if (storage_full()) {
      count(Problem{Code::duplicate_destination, Severity::warning, {}, {}, slot.row, slot.line});
      summary.truncated = true;
      return;
    }
    record(Problem{Code::duplicate_destination, Severity::warning, "destination",
                   row_prefix(slot.row, slot.line) + "destination " + e164_of_key(slot.key) +
                       " is also on row " + num(first) +
                       "; it will be called twice. Remove one of the rows if that is not intended.",
                   slot.row, slot.line});
  }
  void flush() {
    while (pending_count) leave();
  }

  void file_problem(Code code, std::string field, std::string message) {
    record(Problem{code, Severity::error, std::move(field), std::move(message)});
  }

  std::string row_prefix(std::uint64_t row, std::uint64_t line) const {
    return "Row " + num(row) + " (line " + num(line) + "): ";
  }

  std::string column_label(std::size_t i) const {
    std::string out = "column " + num(i + 1);
    if (i < columns.size() && !columns[i].name.empty()) out += " (" + text::quote(columns[i].name, 40) + ")";
    return out;
  }
  std::string column_field(std::size_t i) const {
    if (!header_usable || i >= columns.size()) return "";
    return i == destination_column ? "destination" : columns[i].name;
  }

  // ---- header ----

  void header(const CsvRecord& rec) {
    header_seen = true;
    header_line = rec.line;
    const std::string where = "The header row (line " + num(rec.line) + ")";
    switch (rec.error) {
      case CsvRecordError::too_large:
        file_problem(Code::csv_invalid_column_name, "",
                     where + " is " + text::with_commas(rec.bytes) + " bytes long; it should only name the columns "
                     "(destination and the metadata variables). Check that the first line of the file is the header.");
        return;
      case CsvRecordError::invalid_quote:
        file_problem(Code::csv_invalid_quote, "",
                     where + ", column " + num(rec.error_field + 1) + ": misplaced quote in " +
                         unquoted(rec.fields[rec.error_field]) +
                         ". Column names need no quotes: remove them.");
        return;
      case CsvRecordError::invalid_utf8:
        file_problem(Code::csv_invalid_utf8, "",
                     where + ", column " + num(rec.error_field + 1) + ": " + text::quote(rec.fields[rec.error_field]) +
                         " is not UTF-8. Save the file as UTF-8 (in Excel: CSV UTF-8).");
        return;
      case CsvRecordError::none:
        break;
    }

    columns.resize(rec.fields.size());
    bool have_destination = false;
    Problems scratch;
    // Metadata column names seen so far -> their index: one lookup per column (a header of 100,000
    // columns must not cost 100,000^2 comparisons). The views point into `columns`, which no
    // longer grows.
    std::unordered_map<std::string_view, std::size_t> seen;
    seen.reserve(rec.fields.size());
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      Column& col = columns[i];
      col.name = std::string(text::trim(rec.fields[i]));
      const std::string_view name = col.name;
      if (text::iequals(name, "destination")) {
        if (have_destination) {
          file_problem(Code::csv_duplicate_column, "destination",
                       where + ": " + column_label(i) + " is a second destination column (" +
                           column_label(destination_column) + " is the first). Keep one of them.");
        } else {
          have_destination = true;
          destination_column = i;
        }
        continue;
      }
      if (text::iequals(name, "calling_hours") || text::iequals(name, "timezone")) {
        std::size_t& slot = text::iequals(name, "timezone") ? zone_column : hours_column;
        if (slot != kNoColumn) {
          file_problem(Code::csv_duplicate_column, col.name,
                       where + ": " + column_label(i) + " is a second " + col.name + " column (" + column_label(slot) +
                           " is the first). Keep one of them.");
        } else {
          slot = i;
        }
        continue;
      }
      if (name.empty()) {
        file_problem(Code::csv_invalid_column_name, "",
                     where + ": column " + num(i + 1) +
                         " has no name. Name it (it becomes a metadata variable) or delete the column.");
        continue;
      }
      if (!is_valid_metadata_key(name)) {
        file_problem(Code::csv_invalid_column_name, col.name,
                     where + ": " + column_label(i) + " is not a valid metadata variable name: it " +
                         explain_invalid_metadata_key(name));
        continue;
      }
      if (const auto [at, fresh] = seen.emplace(name, i); !fresh) {
        file_problem(Code::csv_duplicate_column, col.name,
                     where + ": " + column_label(i) + " has the same name as column " + num(at->second + 1) +
                         ". Rename or remove one of them.");
        continue;
      }
      col.metadata = true;
      json::write_string(col.key_json, name);
      col.key_json += ':';
      metadata_columns.push_back(i);
      // A sensitive column name is reported once here, not on every row.
      scratch.clear();
      scan_sensitive_metadata(name, "", options.validation, name, scratch);
      for (auto& p : scratch) {
        if (p.code != Code::sensitive_key) continue;
        p.message = where + ", " + column_label(i) + ": " + p.message;
        record(std::move(p));
      }
    }
    if (!have_destination) {
      std::string found;
      for (std::size_t i = 0; i < columns.size() && i < 8; ++i)
        found += (i ? ", " : "") + text::quote(columns[i].name, 30);
      if (columns.size() > 8) found += ", ...";
      file_problem(Code::csv_missing_destination_column, "destination",
                   where + " has no destination column (found " + found +
                       "). Name the column that holds the numbers to call \"destination\".");
      return;
    }
    header_usable = true;
  }

  // ---- data rows ----

  void row(const CsvRecord& rec) {
    const std::uint64_t n = ++summary.rows;
    if (n > options.max_rows) {
      too_many_rows = true;  // reported once, with the total, at the end
      return;
    }
    if (!header_usable) return;  // counted; without columns there is nothing to check

    row_problems.clear();
    const bool structural = check_structure(rec);
    std::uint64_t key = 0;
    if (!structural) {
      if (parse_destination(rec.fields[destination_column], destination, row_problems, "destination") &&
          n < 0xFFFFFFFFu)
        key = destination.number.key();
      build_metadata(rec);
      read_policy(rec, key);
    }

    bool has_error = false;
    if (!row_problems.empty()) {
      const bool keep = !storage_full();
      const std::string prefix = keep ? row_prefix(n, rec.line) : std::string();
      for (auto& p : row_problems) {
        p.row = n;
        p.line = rec.line;
        if (keep) p.message.insert(0, prefix);
        has_error |= p.severity == Severity::error;
        count(p);
      }
      if (!keep) {
        summary.truncated = true;
        row_problems.clear();
      }
    }
    delay(key, n, rec.line);
    if (has_error) {
      ++summary.invalid;
      return;
    }
    ++summary.valid;
    if (sink && can_commit()) {
      const bool own_hours = hours_column != kNoColumn && !text::trim(rec.fields[hours_column]).empty();
      const bool own_zone = zone_column != kNoColumn && !text::trim(rec.fields[zone_column]).empty();
      const CsvRow out{n, rec.line, text::trim(rec.fields[destination_column]), destination, metadata, call,
                       own_hours ? &hours : nullptr, own_zone ? &zone : nullptr};
      sink(out);
    }
  }

  // Reports a record that cannot be read as columns (stray quote, not UTF-8, too long, wrong field
  // count). Returns true when it did.
  bool check_structure(const CsvRecord& rec) {
    auto error = [&](Code code, std::string field, std::string message) {
      row_problems.push_back({code, Severity::error, std::move(field), std::move(message)});
    };
    switch (rec.error) {
      case CsvRecordError::too_large:
        error(Code::metadata_too_large, "",
              "the row is " + text::with_commas(rec.bytes) + " bytes long; a row may be at most " +
                  text::with_commas(reader.max_record_bytes()) + " bytes (and its metadata at most " +
                  text::with_commas(kMaxMetadataBytes) + " as JSON). Shorten its values.");
        return true;
      case CsvRecordError::invalid_quote: {
        const std::string_view raw = rec.fields[rec.error_field];
        std::string fix = "\"";
        for (char c : raw) fix += c == '"' ? std::string("\"\"") : std::string(1, c);
        fix += '"';
        const bool after_close = text::trim(raw).starts_with('"');
        error(Code::csv_invalid_quote, column_field(rec.error_field),
              column_label(rec.error_field) + (after_close ? " has text after its closing quote: " : " has a quote inside an unquoted value: ") +
                  unquoted(raw) +
                  ". A value that contains quotes must be enclosed in quotes, with each quote inside doubled: " +
                  unquoted(fix, 80) + ".");
        return true;
      }
      case CsvRecordError::invalid_utf8: {
        const std::string_view cell = rec.fields[rec.error_field];
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(cell[rec.error_offset])));
        error(Code::csv_invalid_utf8, column_field(rec.error_field),
              column_label(rec.error_field) + ": " + text::quote(cell) + " contains byte " + byte +
                  ", which is not UTF-8. Save the file as UTF-8 (in Excel: CSV UTF-8), not in a legacy encoding "
                  "such as Windows-1252.");
        return true;
      }
      case CsvRecordError::none:
        break;
    }
    if (rec.field_count != columns.size()) {
      std::string message = "the row has " + num(rec.field_count) + (rec.field_count == 1 ? " field" : " fields") +
                            " but the header has " + num(columns.size()) + " columns. ";
      message += rec.field_count > columns.size()
                     ? "A value that contains a comma must be enclosed in quotes (\"Boston, MA\")."
                     : "Every row needs a value, possibly empty, for each column.";
      error(Code::csv_field_count, "", std::move(message));
      return true;
    }
    return false;
  }

  // The row's calling_hours and timezone cells (SPEC 14), then the outside_calling_hours warning
  // for the row's effective hours. `key`: the number's E.164 key (0: it did not parse).
  void read_policy(const CsvRecord& rec, std::uint64_t key) {
    if (hours_column == kNoColumn && zone_column == kNoColumn && !call.calling_hours) return;
    row_call.calling_hours = call.calling_hours;
    row_call.timezone = call.timezone;
    bool ok = true;
    if (hours_column != kNoColumn) {
      const std::string_view cell = text::trim(rec.fields[hours_column]);
      if (!cell.empty()) {
        if (cell != hours_cell || !hours_ok) {
          hours_cell.assign(cell);
          hours_ok = read_calling_hours(cell, "calling_hours", hours, row_problems);
        }
        ok &= hours_ok;
        if (hours_ok) row_call.calling_hours = hours;
      }
    }
    if (zone_column != kNoColumn) {
      const std::string_view cell = text::trim(rec.fields[zone_column]);
      if (!cell.empty()) {
        if (cell != zone_cell || !zone_ok) {
          zone_cell.assign(cell);
          zone_ok = read_time_zone(cell, "timezone", zone, row_problems);
        }
        ok &= zone_ok;
        if (zone_ok) row_call.timezone = zone;
      }
    }
    if (ok && key) warn_outside_calling_hours(row_call, key, options.validation.now, "calling_hours", 0, row_problems);
  }

  void build_metadata(const CsvRecord& rec) {
    metadata.clear();
    for (std::size_t i : metadata_columns) {
      const std::string_view value = rec.fields[i];
      if (value.empty()) continue;  // empty cells are omitted
      metadata += metadata.empty() ? '{' : ',';
      metadata += columns[i].key_json;
      json::write_string(metadata, value);
      // The column's name was judged once, at the header; here only the value.
      scan_sensitive_value(columns[i].name, value, options.validation, columns[i].name, row_problems);
    }
    if (!metadata.empty()) metadata += '}';
    if (metadata.size() > kMaxMetadataBytes) {
      row_problems.push_back({Code::metadata_too_large, Severity::error, "metadata",
                              "the row's metadata is " + text::with_commas(metadata.size()) +
                                  " bytes as JSON; the limit is " + text::with_commas(kMaxMetadataBytes) +
                                  ". Shorten the values or drop columns."});
    }
  }

  // ---- driving ----

  void drain() {
    CsvRecord rec;
    while (reader.next(rec)) {
      if (!header_seen) header(rec);
      else row(rec);
    }
    flush();
    if (reader.file_error() != CsvFileError::none && !reported_file_error) report_reader_error();
  }

  void report_reader_error() {
    reported_file_error = true;
    if (reader.file_error() == CsvFileError::wide_encoding) {
      file_problem(Code::csv_invalid_utf8, "",
                   "The file is UTF-16 (or UTF-32) encoded, not UTF-8. Save it as UTF-8 (in Excel: Save As, "
                   "CSV UTF-8) and upload it again.");
    } else if (reader.file_error() == CsvFileError::binary) {
      file_problem(Code::csv_invalid_utf8, "",
                   "The file starts with NUL bytes: it is binary data, not CSV text. Upload the CSV file itself, "
                   "saved as UTF-8 (in Excel: Save As, CSV UTF-8).");
    } else {
      std::string message = "The quote opened on line " + num(reader.quote_line());
      if (reader.open_record_line() != reader.quote_line())
        message += " (in the record starting on line " + num(reader.open_record_line()) + ")";
      message +=
          " is never closed, so the rest of the file cannot be read. Close the quoted value, or write a quote "
          "inside a quoted value as two quotes (\"\").";
      file_problem(Code::csv_unterminated_quote, "", std::move(message));
    }
  }

  CsvSummary finish() {
    if (finished) return summary;
    finished = true;
    reader.finish();
    drain();
    if (too_many_rows) {
      file_problem(Code::csv_too_many_rows, "",
                   "The file has " + text::with_commas(summary.rows) + " data rows; an upload may have at most " +
                       text::with_commas(options.max_rows) + ". Split it into smaller files.");
    }
    // A file that could not be read to its end (UTF-16, an open quote) has its own error.
    if (summary.rows == 0 && reader.file_error() == CsvFileError::none) {
      file_problem(Code::csv_empty, "",
                   header_seen ? "The file has a header row (line " + num(header_line) +
                                     ") but no data rows. Add one row per call below the header."
                               : std::string("The file is empty. It needs a header row naming the columns "
                                             "(destination, then any metadata variables) and one row per call."));
    }
    summary.bytes = reader.bytes_fed();
    summary.ok = can_commit() && summary.valid > 0;
    summary.queued = summary.ok ? summary.valid : 0;
    return summary;
  }
};

CsvValidator::CsvValidator(const CallOptions& call, const CsvOptions& options, CsvRowSink sink)
    : impl_(std::make_unique<Impl>(call, options, std::move(sink))) {}

CsvValidator::~CsvValidator() = default;

void CsvValidator::add_upload_problems(const Problems& problems) {
  for (const Problem& p : problems) {
    Problem copy = p;
    copy.row = copy.line = 0;
    impl_->record(std::move(copy));
  }
}

void CsvValidator::push(std::string_view chunk) {
  if (impl_->finished) return;
  impl_->reader.feed(chunk);
  impl_->drain();
  impl_->size_duplicate_table();
}

CsvSummary CsvValidator::finish() { return impl_->finish(); }

std::uint64_t CsvValidator::rows() const noexcept { return impl_->summary.rows; }
std::uint64_t CsvValidator::bytes() const noexcept { return impl_->reader.bytes_fed(); }
bool CsvValidator::can_commit() const noexcept { return impl_->can_commit(); }
bool CsvValidator::has_file_error() const noexcept { return impl_->file_error || impl_->too_many_rows; }
const Problems& CsvValidator::problems() const noexcept { return impl_->problems; }

CsvSummary validate_csv(std::string_view csv, const CallOptions& call, const CsvOptions& options, Problems& problems,
                        CsvRowSink sink) {
  CsvValidator v(call, options, std::move(sink));
  v.push(csv);
  CsvSummary s = v.finish();
  problems.insert(problems.end(), v.problems().begin(), v.problems().end());
  return s;
}

// The options object: now and strict as validateQueueRequest reads them; the CSV options here.
CsvSettings read_csv_settings(std::string_view options_json, CsvCaller caller) {
  CsvSettings s;
  const auto bad = [&s](std::string_view name, std::string message) {
    s.problems.push_back({Code::invalid_option, Severity::error, std::string(name), std::move(message)});
  };
  const bool engine = caller == CsvCaller::enqueue_csv;
  s.csv.validation = read_validation_options(options_json);
  json::Node root;
  json::ReadError error;
  if (!json::read(options_json, 1, root, error) || root.kind != json::Kind::object) {
    bad("options", "The options must be an object such as {\"partial\": true, \"maxRows\": 5000}.");
    return s;
  }
  // "The option maxRows must be <what>, not <the value given>."
  const auto reject = [&](const std::string& name, std::string_view what, const json::Node& v) {
    std::string message = "The option ";
    message += name;
    message += " must be ";
    message += what;
    message += ", not ";
    if (v.kind == json::Kind::boolean) message += v.boolean ? "true" : "false";
    else if (v.kind == json::Kind::number) message += v.text;
    else if (v.kind == json::Kind::string) message += text::quote(v.text, 30);
    else message += json::kind_name(v.kind);
    message += '.';
    bad(name, std::move(message));
  };
  const auto integer = [&](const std::string& name, const json::Node& v, std::int64_t min, std::int64_t& out) {
    if (v.kind == json::Kind::number && v.integral && v.integer >= min) {
      out = v.integer;
      return true;
    }
    reject(name, min ? "a whole number of at least 1" : "a whole number of at least 0", v);
    return false;
  };
  const auto boolean = [&](const std::string& name, const json::Node& v, bool& out) {
    if (v.kind == json::Kind::boolean) out = v.boolean;
    else reject(name, "true or false", v);
  };
  for (const json::Member& m : root.members) {
    const json::Node& v = m.value;
    if (v.kind == json::Kind::null || m.key == "strict") continue;
    std::int64_t n = 0;
    if (m.key == "now" && !engine) {
      continue;
    } else if (m.key == "now") {
      bad(m.key, "The option now is not taken here: the time calls are queued at is enqueueCsv's 4th argument, "
                 "enqueueCsv(deployment, csv, params, now, options).");
    } else if (m.key == "maxRows") {
      if (integer(m.key, v, 1, n)) s.csv.max_rows = static_cast<std::uint64_t>(n);
    } else if (m.key == "partial") {
      boolean(m.key, v, s.csv.partial);
    } else if (m.key == "maxProblems") {
      // Clamped to size_t: a count beyond what wasm32 can index means "no limit" in both builds.
      if (integer(m.key, v, 0, n))
        s.csv.max_problems = static_cast<std::uint64_t>(n) >= std::numeric_limits<std::size_t>::max()
                                 ? std::numeric_limits<std::size_t>::max()
                                 : static_cast<std::size_t>(n);
    } else if (m.key == "sizeHint") {
      if (integer(m.key, v, 0, n)) s.csv.size_hint = static_cast<std::uint64_t>(n);
    } else if (m.key == "includeRequests" && !engine) {
      boolean(m.key, v, s.include_requests);
    } else if (m.key == "queueAsRead" && engine) {
      boolean(m.key, v, s.queue_as_read);
    } else {
      bad(m.key, "Unknown option " + text::quote(m.key, 40) +
                     (engine ? "; the options are strict, maxRows, partial, maxProblems, sizeHint and queueAsRead."
                             : "; the options are now, strict, maxRows, partial, maxProblems, sizeHint and includeRequests."));
    }
  }
  return s;
}

}  // namespace fuse
