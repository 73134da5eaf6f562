#include "bridge_common.hpp"

#include "json_writer.hpp"

namespace fuse::bridge {
namespace {

void write_optional_int(json::ObjectWriter& w, std::string_view key, const std::optional<std::int64_t>& v) {
  if (v) w.field_int(key, *v);
  else w.field_null(key);
}

// The call-option fields, with metadata (compact JSON text, "" for none) before is_pci when asked.
void write_option_fields(json::ObjectWriter& w, const CallOptions& o, const std::string* metadata) {
  write_optional_int(w, "start_timestamp", o.start_timestamp);
  write_optional_int(w, "end_timestamp", o.end_timestamp);
  w.field_int("max_attempts", o.max_attempts);
  w.field_int("reattempt_wait", o.reattempt_wait);
  if (o.result_url.empty()) w.field_null("result_url");
  else w.field("result_url", o.result_url);
  if (metadata) {
    if (metadata->empty()) w.field_null("metadata");
    else w.key("metadata") += *metadata;
  }
  w.field_bool("is_pci", o.is_pci);
}

}  // namespace

void write_destination(std::string& out, const Destination& d) {
  char buf[kMaxUriLength];
  json::ObjectWriter w(out);
  w.field("e164", std::string_view(buf, d.number.write_e164(buf)));
  w.field_int("countryCode", d.number.country_code);
  w.field("nationalNumber", d.number.national_number());
  if (d.has_ani) w.field("ani", std::string_view(buf, d.ani.write_e164(buf)));
  else w.field_null("ani");
  if (d.has_postd()) w.field("postd", d.postd_view());
  else w.field_null("postd");
  w.field("uri", std::string_view(buf, d.write_uri(buf)));
  w.close();
}

void write_queue_request(std::string& out, const QueueRequest& request) {
  json::ObjectWriter w(out);
  w.field("phone_number", request.phone_number);
  write_destination(w.key("destination"), request.destination);
  write_option_fields(w, request.options, &request.metadata);
  w.close();
}

}  // namespace fuse::bridge
