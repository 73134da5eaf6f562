// Bridge for bulk CSV validation (fuse/bridge_csv.hpp).
#include "fuse/bridge_csv.hpp"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuse/csv_validator.hpp"
#include "fuse/queue_request.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse::bridge {
namespace {

struct Settings {
  CsvOptions csv;
  bool include_requests = false;
  Problems problems;  // invalid_option errors

  void bad(std::string_view name, std::string message) {
    problems.push_back({Code::invalid_option, Severity::error, std::string(name), std::move(message)});
  }
};

// The options object. Every member is optional (null counts as absent); a wrong type or range or
// an unknown name is an invalid_option error rather than a silent default.
Settings parse_settings(std::string_view options_json) {
  Settings s;
  const auto j = nlohmann::json::parse(options_json.begin(), options_json.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    s.bad("options", "The options must be an object such as {\"partial\": true, \"maxRows\": 5000}.");
    return s;
  }
  const auto shown = [](const nlohmann::json& v) {
    std::string text = v.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return text;
  };
  const auto integer = [&](const std::string& name, const nlohmann::json& v, std::int64_t min, std::int64_t& out) {
    if (v.is_number_unsigned() || v.is_number_integer()) {
      const std::int64_t n = v.is_number_unsigned() ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                                          v.get<std::uint64_t>(), INT64_MAX))
                                                    : v.get<std::int64_t>();
      if (n >= min) {
        out = n;
        return true;
      }
    }
    s.bad(name, "The option " + name + " must be an integer of at least " + text::to_string(min) + ", not " +
                    shown(v) + ".");
    return false;
  };
  const auto boolean = [&](const std::string& name, const nlohmann::json& v, bool& out) {
    if (v.is_boolean()) {
      out = v.get<bool>();
      return;
    }
    s.bad(name, "The option " + name + " must be true or false, not " + shown(v) + ".");
  };
  for (const auto& [name, value] : j.items()) {
    if (value.is_null()) continue;
    std::int64_t n = 0;
    if (name == "now") {
      if (integer(name, value, 0, n)) s.csv.validation.now = n;
    } else if (name == "strict") {
      boolean(name, value, s.csv.validation.strict);
    } else if (name == "maxRows") {
      if (integer(name, value, 1, n)) s.csv.max_rows = static_cast<std::uint64_t>(n);
    } else if (name == "partial") {
      boolean(name, value, s.csv.partial);
    } else if (name == "maxProblems") {
      if (integer(name, value, 0, n)) s.csv.max_problems = static_cast<std::size_t>(n);
    } else if (name == "includeRequests") {
      boolean(name, value, s.include_requests);
    } else {
      s.bad(name, "Unknown option " + text::quote(name, 40) +
                      "; the options are now, strict, maxRows, partial, maxProblems and includeRequests.");
    }
  }
  return s;
}

// One request of the "requests" list: the shape validateQueueRequest gives, plus row and line.
void write_request(std::string& out, const CsvRow& r) {
  char buf[kMaxUriLength];
  const Destination& d = r.destination;
  const CallOptions& o = r.options;
  json::ObjectWriter w(out);
  w.field_int("row", static_cast<std::int64_t>(r.row));
  w.field_int("line", static_cast<std::int64_t>(r.line));
  w.field("phone_number", r.phone_number);
  {
    json::ObjectWriter dw(w.key("destination"));
    dw.field("e164", std::string_view(buf, d.number.write_e164(buf)));
    dw.field_int("countryCode", d.number.country_code);
    dw.field("nationalNumber", d.number.national_number());
    if (d.has_ani) dw.field("ani", std::string_view(buf, d.ani.write_e164(buf)));
    else dw.field_null("ani");
    if (d.has_postd()) dw.field("postd", d.postd_view());
    else dw.field_null("postd");
    dw.field("uri", std::string_view(buf, d.write_uri(buf)));
    dw.close();
  }
  if (o.start_timestamp) w.field_int("start_timestamp", *o.start_timestamp);
  else w.field_null("start_timestamp");
  if (o.end_timestamp) w.field_int("end_timestamp", *o.end_timestamp);
  else w.field_null("end_timestamp");
  w.field_int("max_attempts", o.max_attempts);
  w.field_int("reattempt_wait", o.reattempt_wait);
  if (o.result_url.empty()) w.field_null("result_url");
  else w.field("result_url", o.result_url);
  if (r.metadata.empty()) w.field_null("metadata");
  else w.key("metadata") += r.metadata;
  w.field_bool("is_pci", o.is_pci);
  w.close();
}

}  // namespace

struct CsvValidation::Impl {
  Settings settings;
  CallOptions call;
  Problems params_problems;
  std::string requests;  // "[" + requests so far, while the upload can still be committed
  bool collecting = false;
  std::unique_ptr<CsvValidator> validator;
  std::string result;
  bool finished = false;
  std::uint64_t final_rows = 0, final_bytes = 0;

  Impl(std::string_view params_json, std::string_view options_json) : settings(parse_settings(options_json)) {
    validate_call_options(params_json, settings.csv.validation, call, params_problems);
    collecting = settings.include_requests;
    if (collecting) requests = "[";
    CsvRowSink sink;
    if (collecting) {
      sink = [this](const CsvRow& row) {
        if (!collecting) return;
        if (requests.size() > 1) requests += ',';
        write_request(requests, row);
      };
    }
    validator = std::make_unique<CsvValidator>(call, settings.csv, std::move(sink));
    validator->add_upload_problems(settings.problems);
    validator->add_upload_problems(params_problems);
    drop_requests_if_rejected();
  }

  // Once nothing can be queued, the requests collected so far are dropped: memory stays bounded.
  void drop_requests_if_rejected() {
    if (collecting && !validator->can_commit()) {
      collecting = false;
      std::string().swap(requests);
    }
  }

  std::string finish() {
    if (finished) return result;
    finished = true;
    const CsvSummary s = validator->finish();
    final_rows = s.rows;
    final_bytes = s.bytes;
    const Problems& problems = validator->problems();
    std::string& out = result;
    out.reserve(256 + problems.size() * 160 + (s.commit ? requests.size() : 0));
    json::ObjectWriter w(out);
    w.field_bool("ok", s.ok);
    w.field_int("rows", static_cast<std::int64_t>(s.rows));
    w.field_int("valid", static_cast<std::int64_t>(s.valid));
    w.field_int("invalid", static_cast<std::int64_t>(s.invalid));
    w.field_int("queued", static_cast<std::int64_t>(s.queued));
    json::write_problems(w.key("errors"), problems, Severity::error);
    json::write_problems(w.key("warnings"), problems, Severity::warning);
    {
      json::ObjectWriter cw(w.key("counts"));
      for (std::size_t c = 0; c < s.counts.size(); ++c)
        if (s.counts[c]) cw.field_int(code_name(static_cast<Code>(c)), static_cast<std::int64_t>(s.counts[c]));
      cw.close();
    }
    w.field_bool("truncated", s.truncated);
    if (settings.include_requests) {
      if (s.commit && collecting) {
        requests += ']';
        w.key("requests") += requests;
      } else {
        w.key("requests") += "[]";
      }
      std::string().swap(requests);
    }
    w.close();
    validator.reset();  // the duplicate table and buffers go now, not when JS collects the object
    return result;
  }
};

CsvValidation::CsvValidation(std::string_view params_json, std::string_view options_json)
    : impl_(std::make_unique<Impl>(params_json, options_json)) {}

CsvValidation::~CsvValidation() = default;

void CsvValidation::push(std::string_view bytes) {
  if (impl_->finished) return;
  impl_->validator->push(bytes);
  impl_->drop_requests_if_rejected();
}

std::uint64_t CsvValidation::rows() const noexcept {
  return impl_->validator ? impl_->validator->rows() : impl_->final_rows;
}

std::uint64_t CsvValidation::bytes() const noexcept {
  return impl_->validator ? impl_->validator->bytes() : impl_->final_bytes;
}

std::string CsvValidation::finish() { return impl_->finish(); }

std::string validate_csv(std::string_view csv, std::string_view params_json, std::string_view options_json) {
  CsvValidation v(params_json, options_json);
  v.push(csv);
  return v.finish();
}

}  // namespace fuse::bridge
