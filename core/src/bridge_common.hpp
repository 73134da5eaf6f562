// JSON shapes shared by the bridges (internal): every bridge that returns a destination, a queue
// request or call options writes them here, so the JS API sees one shape everywhere (SPEC 7).
#pragma once

#include <string>
#include <string_view>

#include "fuse/destination.hpp"
#include "fuse/queue_request.hpp"

namespace fuse::bridge {

// {"e164","countryCode","nationalNumber","ani","postd","uri"}: parseDestination's destination.
void write_destination(std::string& out, const Destination& d);

// {"start_timestamp":null|n,"end_timestamp":null|n,"max_attempts":n,"reattempt_wait":n,
//  "result_url":null|"...","is_pci":bool}
void write_call_options(std::string& out, const CallOptions& options);

// validateQueueRequest's request: {"phone_number","destination":{...},"start_timestamp",
// "end_timestamp","max_attempts","reattempt_wait","result_url","metadata":{...}|null,"is_pci"}.
void write_queue_request(std::string& out, const QueueRequest& request);

// Reads the options the JS API passes as JSON: "now" (Unix seconds; a fraction is rounded down)
// and "strict" (true or false). Other keys are ignored; missing or malformed ones keep the defaults.
ValidationOptions read_validation_options(std::string_view options_json);

}  // namespace fuse::bridge
