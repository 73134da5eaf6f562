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

// The members of validateCsv's result from "ok" to "truncated" (bridge_csv.hpp), into an open
// object: the summary, the stored problems, then `more` (problems found after the file's, e.g. the
// engine's when it refuses the rows).
void write_csv_result(json::ObjectWriter& w, const CsvSummary& s, const Problems& problems, const Problems& more);

}  // namespace fuse::bridge
