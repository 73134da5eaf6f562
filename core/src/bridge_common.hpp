// JSON shapes shared by the bridges (internal): every bridge that returns a destination, a queue
// request or call options writes them here, so the JS API sees one shape everywhere (SPEC 7).
#pragma once

#include <string>
#include <string_view>

#include "fuse/csv_validator.hpp"
#include "fuse/destination.hpp"
#include "fuse/queue_request.hpp"
#include "json_writer.hpp"

namespace fuse::bridge {

// {"e164","countryCode","nationalNumber","ani","postd","uri"}: parseDestination's destination.
void write_destination(std::string& out, const Destination& d);

// validateQueueRequest's request: {"phone_number","destination":{...},"start_timestamp",
// "end_timestamp","max_attempts","reattempt_wait","result_url","metadata":{...}|null,"is_pci"}.
void write_queue_request(std::string& out, const QueueRequest& request);

// Reads the options the JS API passes as JSON: "now" (Unix seconds; a fraction is rounded down)
// and "strict" (true or false). Other keys are ignored; missing or malformed ones keep the defaults.
ValidationOptions read_validation_options(std::string_view options_json);

// The options object of a CSV upload (bridge_csv.cpp). validateCsv / createCsvValidator take now,
// strict, maxRows, partial, maxProblems, sizeHint and includeRequests; enqueueCsv takes strict,
// maxRows, partial, maxProblems and sizeHint (its time is an argument). Every member is optional (null counts as
// absent); a value of the wrong type or range, or an unknown name, is an invalid_option problem.
enum class CsvCaller { validate_csv, enqueue_csv };
struct CsvSettings {
  CsvOptions csv;
  bool include_requests = false;
  bool queue_as_read = false;  // enqueueCsv: see EngineCsvUpload's queue_as_read
  Problems problems;  // invalid_option errors
};
CsvSettings parse_csv_settings(std::string_view options_json, CsvCaller caller);

// The members of validateCsv's result from "ok" to "truncated" (bridge_csv.hpp), into an open
// object: the summary, the stored problems, then `more` (problems found after the file's, e.g. the
// engine's when it refuses the rows).
void write_csv_result(json::ObjectWriter& w, const CsvSummary& s, const Problems& problems, const Problems& more);

}  // namespace fuse::bridge
