// Bridge functions for queue-request validation (fuse/bridge_validation.hpp).
#include "fuse/bridge_validation.hpp"

#include "bridge_common.hpp"
#include "fuse/queue_request.hpp"
#include "json_writer.hpp"

namespace fuse::bridge {

std::string validate_queue_request(std::string_view params_json, std::string_view options_json) {
  const ValidationOptions options = read_validation_options(options_json);
  QueueRequest request;
  Problems problems;
  const bool ok = fuse::validate_queue_request(params_json, options, request, problems);
  std::string out;
  out.reserve(512 + request.metadata.size());
  json::ObjectWriter w(out);
  w.field_bool("ok", ok);
  if (ok) write_queue_request(w.key("request"), request);
  json::write_problems(w.key("errors"), problems, Severity::error);
  json::write_problems(w.key("warnings"), problems, Severity::warning);
  w.close();
  return out;
}

}  // namespace fuse::bridge
