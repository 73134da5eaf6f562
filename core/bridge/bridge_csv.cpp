// Bridge for bulk CSV validation (fuse/bridge_csv.hpp).
#include "fuse/bridge_csv.hpp"

#include <cstdint>
#include <limits>

#include "bridge_common.hpp"
#include "fuse/csv_validator.hpp"
#include "fuse/queue_request.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse::bridge {

void write_csv_result(json::ObjectWriter& w, const CsvSummary& s, const Problems& problems, const Problems& more) {
  w.field_bool("ok", s.ok);
  w.field_int("rows", static_cast<std::int64_t>(s.rows));
  w.field_int("valid", static_cast<std::int64_t>(s.valid));
  w.field_int("invalid", static_cast<std::int64_t>(s.invalid));
  w.field_int("queued", static_cast<std::int64_t>(s.queued));
  w.field_int("errorCount", static_cast<std::int64_t>(s.errors));
  w.field_int("warningCount", static_cast<std::int64_t>(s.warnings));
  for (const Severity severity : {Severity::error, Severity::warning}) {
    std::string& out = w.key(severity == Severity::error ? "errors" : "warnings");
    json::write_problems(out, problems, severity);
    if (std::string tail; !more.empty()) {
      json::write_problems(tail, more, severity);
      if (tail.size() > 2) {  // not "[]": splice the lists
        if (out.back() == ']' && out[out.size() - 2] != '[') out.back() = ',';
        else out.pop_back();
        out.append(tail, 1, std::string::npos);
      }
    }
  }
  {
    json::ObjectWriter cw(w.key("counts"));
    for (std::size_t c = 0; c < s.counts.size(); ++c)
      if (s.counts[c]) cw.field_int(code_name(static_cast<Code>(c)), static_cast<std::int64_t>(s.counts[c]));
    cw.close();
  }
  w.field_bool("truncated", s.truncated);
}

namespace {

// One entry of "requests": validateQueueRequest's request (bridge_common's writer) with the row and
// line in front. `scratch` and `request` are reused from row to row.
void write_request(std::string& out, const CsvRow& r, QueueRequest& request, std::string& scratch) {
  request.phone_number.assign(r.phone_number);
  request.destination = r.destination;
  request.metadata.assign(r.metadata);
  scratch.clear();
  write_queue_request(scratch, request);
  out += "{\"row\":";
  json::write_uint(out, r.row);
  out += ",\"line\":";
  json::write_uint(out, r.line);
  out += ',';
  out.append(scratch, 1, std::string::npos);  // the request's members and closing brace
}

}  // namespace

// The requests of includeRequests, as JSON: below V8's string limit (2^29 - 24 UTF-16 units) and a
// wasm32 heap's comfort, whichever build runs.
constexpr std::size_t kMaxRequestsJson = std::size_t{256} << 20;

struct CsvValidation::Impl {
  CsvSettings settings;
  CallOptions call;
  Problems params_problems;
  std::string requests;  // "[" + requests so far, while the upload can still be accepted
  bool collecting = false;
  QueueRequest request;  // reused by write_request
  std::string scratch;
  std::unique_ptr<CsvValidator> validator;
  std::string result;
  bool finished = false;
  std::uint64_t too_large_at = 0;  // the row whose request made `requests` too large (0: none)
  std::uint64_t final_rows = 0, final_bytes = 0;

  Impl(std::string_view params_json, std::string_view options_json)
      : settings(read_csv_settings(options_json, CsvCaller::validate_csv)) {
    // Its problems go into the result (an error rejects the upload); the validator runs either way.
    static_cast<void>(validate_call_options(params_json, settings.csv.validation, call, params_problems));
    request.options = call;
    collecting = settings.include_requests;
    if (collecting) requests.push_back('[');
    CsvRowSink sink;
    if (collecting) {
      sink = [this](const CsvRow& row) {
        if (!collecting) return;
        if (requests.size() > 1) requests += ',';
        write_request(requests, row, request, scratch);
        if (requests.size() > kMaxRequestsJson) {  // more than one JS string holds: stop, and say so
          too_large_at = row.row;
          collecting = false;
          std::string().swap(requests);
        }
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
    if (too_large_at) {
      validator.reset();
      json::ObjectWriter w(result);
      w.key("error");
      json::write_problem(result, Problem{Code::invalid_option, Severity::error, "includeRequests",
                                          "With includeRequests, the queued rows' requests pass " +
                                              text::with_commas(kMaxRequestsJson) + " bytes of JSON at row " +
                                              text::with_commas(too_large_at) +
                                              ", more than one JavaScript string holds. Leave includeRequests off: "
                                              "queue the file with Engine#createCsvEnqueuer (or enqueueCsv), or check "
                                              "it with createCsvValidator and read the rows yourself."});
      w.close();
      return result;
    }
    const Problems& problems = validator->problems();
    std::string& out = result;
    out.reserve(256 + problems.size() * 160 + (s.ok ? requests.size() : 0));
    json::ObjectWriter w(out);
    write_csv_result(w, s, problems, {});
    if (settings.include_requests) {
      if (s.ok && collecting) {
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

bool CsvValidation::has_file_error() const noexcept {
  return impl_->validator ? impl_->validator->has_file_error() : false;
}

std::string CsvValidation::finish() { return impl_->finish(); }

std::string validate_csv(std::string_view csv, std::string_view params_json, std::string_view options_json) {
  CsvValidation v(params_json, options_json);
  v.push(csv);
  return v.finish();
}

}  // namespace fuse::bridge
