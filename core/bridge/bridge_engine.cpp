// Bridge for the queue engine (fuse/bridge_engine.hpp): JSON in, JSON out, on the hot path.
#include "fuse/bridge_engine.hpp"

#include <algorithm>
#include <cmath>

#include "bridge_common.hpp"
#include "fuse/engine.hpp"
#include "fuse/engine_csv.hpp"
#include "fuse/payload.hpp"
#include "fuse/queue_request.hpp"
#include "json_writer.hpp"
#include "policy_rules.hpp"
#include "text.hpp"

namespace fuse::bridge {

namespace {

std::string error_json(const Problem& p) {
  std::string out = "{\"error\":";
  json::write_problem(out, p);
  out += '}';
  return out;
}

std::string error_json(Code code, std::string field, std::string message) {
  return error_json(Problem{code, Severity::error, std::move(field), std::move(message)});
}

Problem not_configured_problem() {
  return {Code::invalid_option, Severity::error, "", "The engine has not been created (configure or restore it first)."};
}

std::string not_configured() { return error_json(not_configured_problem()); }

// Length in UTF-16 code units (what JS counts) of valid UTF-8 text: a code unit per byte that is not
// a continuation byte, two for a 4-byte sequence. Clears `ascii` when the text is not ASCII.
std::size_t utf16_length(std::string_view s, bool& ascii) noexcept {
  if (text::is_ascii(s)) return s.size();
  ascii = false;
  std::size_t units = 0;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    units += (b & 0xC0) != 0x80;
    units += b >= 0xF0;
  }
  return units;
}

void write_counts(json::ObjectWriter& w, const EngineCounts& c) {
  w.field_int("inFlight", static_cast<std::int64_t>(c.in_flight()));
  w.field_int("queued", static_cast<std::int64_t>(c.queued));
  w.field_int("waiting", static_cast<std::int64_t>(c.waiting));
  w.field_int("dialing", static_cast<std::int64_t>(c.dialing));
  w.field_int("connected", static_cast<std::int64_t>(c.connected));
  w.field_int("completed", static_cast<std::int64_t>(c.completed));
  w.field_int("failed", static_cast<std::int64_t>(c.failed));
  w.field_int("canceled", static_cast<std::int64_t>(c.canceled));
}

}  // namespace

struct EngineSession::Impl {
  std::optional<Engine> engine_;
  Actions actions_;  // reused between calls
  Problems problems_;
  PackedActions packed_;
  std::uint32_t names_sent_ = 0;  // deployment names sent with packed actions
  std::unique_ptr<EngineCsvUpload> upload_;

  const PackedActions& pack_actions();
  const PackedActions& packed_error(const Problem& p);
  bool begin_packed(double now, std::int64_t& t);
};

EngineSession::EngineSession() : impl_(std::make_unique<Impl>()) {}
EngineSession::~EngineSession() = default;

void EngineSession::csv_abort() noexcept { impl_->upload_.reset(); }

void EngineSession::clear() noexcept {
  impl_->upload_.reset();
  impl_->engine_.reset();
}

std::uint64_t EngineSession::memory_bytes() const noexcept {
  return impl_->engine_ ? impl_->engine_->stats().memory_bytes : 0;
}

std::string EngineSession::configure(std::string_view options_json) {
  EngineOptions options;
  Problems problems;
  if (!Engine::read_options(options_json, options, problems)) return error_json(problems.front());
  impl_->upload_.reset();
  impl_->engine_.emplace(options);
  impl_->names_sent_ = 0;
  return "";
}

std::string EngineSession::restore(std::string_view snapshot) {
  Problems problems;
  auto restored = Engine::restore(snapshot, problems);
  if (!restored) return error_json(problems.front());
  impl_->upload_.reset();
  impl_->engine_ = std::move(restored);
  impl_->names_sent_ = 0;
  return "";
}

std::string EngineSession::enqueue(std::string_view deployment, std::string_view params_json, double now, bool strict) {
  impl_->problems_.clear();
  std::string out;
  out.reserve(128);
  json::ObjectWriter w(out);
  std::int64_t t = 0;
  bool ok = false;
  std::optional<CallRef> ref;
  if (!impl_->engine_) {
    impl_->problems_.push_back(not_configured_problem());
  } else if (Engine::read_time(now, t, impl_->problems_)) {
    ValidationOptions vo;
    vo.now = t;
    vo.strict = strict;
    QueueRequest request;
    if (validate_queue_request(params_json, vo, request, impl_->problems_)) {
      // Validated just now: the engine takes the row as checked instead of parsing it again.
      const EngineRow row{request.phone_number, request.metadata, true, request.destination.number.key()};
      CallRef first = 0;
      ok = impl_->engine_->enqueue_many(deployment, request.options, {&row, 1}, t, first, impl_->problems_);
      if (ok) ref = first;
    }
  }
  w.field_bool("ok", ok);
  if (ok) {
    impl_->engine_->write_call_id(*ref, w.key("callId") += '"');
    out += '"';
  }
  json::write_problems(w.key("errors"), impl_->problems_, Severity::error);
  json::write_problems(w.key("warnings"), impl_->problems_, Severity::warning);
  w.close();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Packed actions (see PackedActions)

namespace {

struct Packer {
  PackedActions& p;
  void number(double v) { p.numbers.push_back(v); }
  // Appends a string field; its length in UTF-16 code units.
  double field(std::string_view s) {
    p.text.append(s);
    return static_cast<double>(utf16_length(s, p.ascii));
  }
  // The length of what was appended to the text since `start`.
  double since(std::size_t start) {
    return static_cast<double>(utf16_length(std::string_view(p.text).substr(start), p.ascii));
  }
};

}  // namespace

std::string engine_vocabulary() {
  std::string out = "{\"events\":[";
  for (std::size_t i = 0; i < kCallEventCount; ++i) {
    if (i) out += ',';
    json::write_string(out, event_name(static_cast<CallEvent>(i)));
  }
  out += "],\"statuses\":[";
  for (std::size_t i = 0; i < kCallStatusCount; ++i) {
    if (i) out += ',';
    json::write_string(out, status_name(static_cast<CallStatus>(i)));
  }
  out += "]}";
  return out;
}

const PackedActions& EngineSession::Impl::packed_error(const Problem& problem) {
  if (packed_.numbers.capacity() > (std::size_t{1} << 18)) std::vector<double>().swap(packed_.numbers);
  packed_.numbers.assign(1, -1.0);
  packed_.text = error_json(problem);
  packed_.ascii = false;  // may hold any text; the binding decodes it as UTF-8
  return packed_;
}

const PackedActions& EngineSession::Impl::pack_actions() {
  PackedActions& p = packed_;
  // The buffers are reused from call to call, but a rare huge batch (a window closing on a million
  // calls) does not keep its memory.
  if (p.text.capacity() > (std::size_t{4} << 20)) std::string().swap(p.text);
  if (p.numbers.capacity() > (std::size_t{1} << 18)) std::vector<double>().swap(p.numbers);
  p.numbers.clear();
  p.text.clear();
  p.ascii = true;
  const Engine& e = *engine_;
  Packer out{p};
  // Deployment names not sent yet that a dial needs (with any created before them), first.
  std::uint32_t names = names_sent_;
  for (const Action& a : actions_)
    if (a.type == Action::Type::dial) names = std::max(names, e.deployment_index(a.call) + 1);
  p.numbers.reserve(2 + (names - names_sent_) + actions_.size() * 10);
  out.number(static_cast<double>(actions_.size()));
  out.number(names - names_sent_);
  for (std::uint32_t i = names_sent_; i < names; ++i) out.number(out.field(e.deployment_name(i)));
  names_sent_ = names;
  char buf[kMaxUriLength];
  for (const Action& a : actions_) {
    const double id = static_cast<double>(e.call_number(a.call));  // call_id(a.call) is its decimal digits
    switch (a.type) {
      case Action::Type::dial: {
        const DialInfo info = e.dial_info(a);
        const Destination& d = info.destination;
        out.number(0);
        out.number(id);
        out.number(e.deployment_index(a.call));
        out.number(a.attempt);
        out.number(static_cast<double>(a.timestamp));
        out.number(out.field(info.phone_number));
        out.number(out.field(std::string_view(buf, d.write_uri(buf))));
        out.number(out.field(std::string_view(buf, d.number.write_e164(buf))));
        out.number(d.has_ani ? out.field(std::string_view(buf, d.ani.write_e164(buf))) : -1.0);
        out.number(d.has_postd() ? out.field(d.postd_view()) : -1.0);
        break;
      }
      case Action::Type::hangup:
        out.number(1);
        out.number(id);
        out.number(static_cast<double>(a.reason));
        out.number(static_cast<double>(a.timestamp));
        break;
      case Action::Type::result: {
        out.number(2);
        out.number(id);
        out.number(static_cast<double>(a.status));
        const std::string_view url = e.result_url(a.call);
        out.number(url.empty() ? -1.0 : out.field(url));
        const std::size_t start = p.text.size();
        e.write_call_details(a.call, p.text);
        out.number(out.since(start));
        break;
      }
    }
  }
  return p;
}

// The start of every packed entry point: a configured engine and a valid time.
bool EngineSession::Impl::begin_packed(double now, std::int64_t& t) {
  actions_.clear();
  problems_.clear();
  if (!engine_) problems_.push_back(not_configured_problem());
  else static_cast<void>(Engine::read_time(now, t, problems_));  // its problem is the answer
  return problems_.empty();
}

const PackedActions& EngineSession::advance_packed(double now) {
  std::int64_t t = 0;
  if (!impl_->begin_packed(now, t) || !impl_->engine_->advance(t, impl_->actions_, impl_->problems_)) return impl_->packed_error(impl_->problems_.front());
  return impl_->pack_actions();
}

const PackedActions& EngineSession::report_packed(std::string_view call_id, std::uint32_t event, double now,
                                                  std::string_view reason) {
  if (event >= kCallEventCount) return report_packed(call_id, std::string_view{}, now, reason);
  std::int64_t t = 0;
  if (!impl_->begin_packed(now, t)) return impl_->packed_error(impl_->problems_.front());
  // The call found here, the event already known: the engine's CallRef form, no name lookups.
  const auto ref = impl_->engine_->find_call(call_id);
  if (!ref) return report_packed(call_id, event_name(static_cast<CallEvent>(event)), now, reason);  // its error
  if (!impl_->engine_->report(*ref, static_cast<CallEvent>(event), reason, t, impl_->actions_, impl_->problems_))
    return impl_->packed_error(impl_->problems_.front());
  return impl_->pack_actions();
}

const PackedActions& EngineSession::report_packed(std::string_view call_id, std::string_view event, double now,
                                                  std::string_view reason) {
  std::int64_t t = 0;
  if (!impl_->begin_packed(now, t) || !impl_->engine_->report(call_id, event, reason, t, impl_->actions_, impl_->problems_)) {
    return impl_->packed_error(impl_->problems_.front());
  }
  return impl_->pack_actions();
}

const PackedActions& EngineSession::cancel_deployment_packed(std::string_view deployment, double now) {
  std::int64_t t = 0;
  if (!impl_->begin_packed(now, t) || !impl_->engine_->cancel_deployment(deployment, t, impl_->actions_, impl_->problems_)) {
    return impl_->packed_error(impl_->problems_.front());
  }
  return impl_->pack_actions();
}

// ---------------------------------------------------------------------------------------------
// enqueueCsv

void EngineSession::csv_begin(std::string_view deployment, std::string_view params_json,
                              std::string_view options_json, double now) {
  impl_->upload_.reset();
  if (!impl_->engine_) return;
  CsvSettings settings = read_csv_settings(options_json, CsvCaller::enqueue_csv);
  // A bad time is reported, and the file is still checked (at the engine's own time).
  Problems time_problems;
  std::int64_t t = 0;
  if (!Engine::read_time(now, t, time_problems)) t = impl_->engine_->now().value_or(0);
  settings.csv.validation.now = t;
  CallOptions call;
  Problems params_problems;
  static_cast<void>(validate_call_options(params_json, settings.csv.validation, call, params_problems));  // problems go to the upload
  impl_->upload_ = std::make_unique<EngineCsvUpload>(*impl_->engine_, deployment, call, settings.csv, settings.queue_as_read);
  impl_->upload_->add_upload_problems(time_problems);
  impl_->upload_->add_upload_problems(settings.problems);
  impl_->upload_->add_upload_problems(params_problems);
}

void EngineSession::csv_push(std::string_view bytes) {
  if (impl_->upload_) impl_->upload_->push(bytes);
}

std::string EngineSession::csv_finish() {
  if (!impl_->engine_) return not_configured();
  if (!impl_->upload_) return error_json(Code::invalid_option, "", "No CSV upload is in progress (csv_begin first).");
  const EngineCsvResult r = impl_->upload_->finish();
  const Problems& problems = impl_->upload_->problems();
  std::string out;
  out.reserve(320 + problems.size() * 160);
  json::ObjectWriter w(out);
  write_csv_result(w, r.summary, problems, impl_->upload_->enqueue_problems());
  if (r.summary.queued > 0) {
    impl_->engine_->write_call_id(r.first, w.key("firstCallId") += '"');
    out += '"';
    impl_->engine_->write_call_id(r.first + static_cast<CallRef>(r.summary.queued - 1), w.key("lastCallId") += '"');
    out += '"';
  } else {
    w.field_null("firstCallId");
    w.field_null("lastCallId");
  }
  {
    json::ObjectWriter ids(w.key("callIds"));
    ids.field_int("first", r.summary.queued > 0 ? static_cast<std::int64_t>(impl_->engine_->call_number(r.first)) : 0);
    ids.field_int("count", static_cast<std::int64_t>(r.summary.queued));
    ids.close();
  }
  w.close();
  impl_->upload_.reset();
  return out;
}

std::string EngineSession::set_capacity(double capacity) {
  if (!impl_->engine_) return not_configured();
  if (!std::isfinite(capacity) || capacity != std::floor(capacity) || capacity < 0 || capacity > 4294967295.0) {
    std::string shown;
    json::write_double(shown, capacity);
    return error_json(Code::invalid_option, "capacity",
                      "capacity must be a whole number of lines from 0 to 4294967295, got " + shown + ".");
  }
  impl_->engine_->set_capacity(static_cast<std::uint32_t>(capacity));
  return "";
}

std::string EngineSession::set_dial_rate(double rate) {
  if (!impl_->engine_) return not_configured();
  Problems problems;
  std::uint32_t milli = 0;
  if (rate != 0) {  // 0: no limit
    std::string shown;
    json::write_double(shown, rate);
    if (!read_dial_rate_value(rate, shown, Code::invalid_option, milli, problems)) return error_json(problems.front());
  }
  if (!impl_->engine_->set_dial_rate(milli, problems)) return error_json(problems.front());
  return "";
}

std::string EngineSession::set_deployment(std::string_view deployment, std::string_view policy_json) {
  if (!impl_->engine_) return not_configured();
  Problems problems;
  DeploymentPolicy policy = impl_->engine_->deployment_policy(deployment);
  if (!Engine::read_deployment_policy(policy_json, policy, problems) ||
      !impl_->engine_->set_deployment_policy(deployment, policy, problems))
    return error_json(problems.front());
  return "";
}

std::string EngineSession::deployment_policy(std::string_view deployment) const {
  if (!impl_->engine_) return "null";
  const DeploymentPolicy p = impl_->engine_->deployment_policy(deployment);
  std::string out;
  json::ObjectWriter w(out);
  w.field_int("weight", p.weight);
  if (p.calling_hours) w.field("callingHours", calling_hours_text(*p.calling_hours));
  else w.field_null("callingHours");
  if (p.suppression_list.empty()) w.field_null("suppressionList");
  else w.field("suppressionList", p.suppression_list);
  w.close();
  return out;
}

std::string EngineSession::suppression(int op, std::string_view list, std::string_view number) {
  if (!impl_->engine_) return not_configured();
  Problems problems;
  bool value = false;
  Engine& e = *impl_->engine_;
  const bool ok = op == 0 ? e.suppress(list, number, value, problems)
                  : op == 1 ? e.unsuppress(list, number, value, problems)
                            : e.is_suppressed(list, number, value, problems);
  if (!ok) return error_json(problems.front());
  return value ? "true" : "false";
}

std::string EngineSession::get(std::string_view call_id) const {
  if (!impl_->engine_) return "null";
  const auto ref = impl_->engine_->find_call(call_id);
  if (!ref) return "null";
  return impl_->engine_->call_details(*ref);
}

std::string EngineSession::stats(bool per_deployment) const {
  if (!impl_->engine_) return "null";
  const EngineStats s = impl_->engine_->stats();
  std::string out;
  json::ObjectWriter w(out);
  w.field_int("capacity", s.capacity);
  if (const std::uint32_t rate = impl_->engine_->dial_rate()) json::write_double(w.key("dialRate"), rate / 1000.0);
  else w.field_null("dialRate");
  w.field_int("suppressed", static_cast<std::int64_t>(impl_->engine_->suppressed_count()));
  write_counts(w, s.counts);
  w.field_int("calls", static_cast<std::int64_t>(s.calls));
  w.field_int("deployments", static_cast<std::int64_t>(s.deployments));
  w.field_int("memoryBytes", static_cast<std::int64_t>(s.memory_bytes));
  if (per_deployment) {
    std::string& list = w.key("byDeployment");
    list += '[';
    bool first = true;
    for (const auto& d : impl_->engine_->deployment_stats()) {
      if (!first) list += ',';
      first = false;
      json::ObjectWriter dw(list);
      dw.field("name", d.name);
      write_counts(dw, d.counts);
      dw.close();
    }
    list += ']';
  }
  w.close();
  return out;
}

std::optional<double> EngineSession::next_wakeup() {
  if (!impl_->engine_) return std::nullopt;
  const auto t = impl_->engine_->next_wakeup();
  if (!t) return std::nullopt;
  return static_cast<double>(*t);
}

std::optional<double> EngineSession::now() const {
  if (!impl_->engine_) return std::nullopt;
  const auto t = impl_->engine_->now();
  if (!t) return std::nullopt;
  return static_cast<double>(*t);
}

double EngineSession::compact() { return impl_->engine_ ? static_cast<double>(impl_->engine_->compact()) : 0; }

std::string EngineSession::snapshot() const { return impl_->engine_ ? impl_->engine_->snapshot() : std::string("null"); }

std::string build_result_payload(std::string_view call_json) {
  std::string out;
  Problems problems;
  if (fuse::build_result_payload(call_json, out, problems)) return out;
  out = "{\"error\":";
  json::write_problem(out, problems.front());
  out += ",\"errors\":";
  json::write_problems(out, problems, Severity::error);
  out += '}';
  return out;
}

}  // namespace fuse::bridge
