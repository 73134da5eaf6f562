// Bridge for the queue engine (fuse/bridge_engine.hpp): JSON in, JSON out, on the hot path.
#include "fuse/bridge_engine.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "fuse/payload.hpp"
#include "fuse/queue_request.hpp"
#include "json_writer.hpp"
#include "text.hpp"

namespace fuse::bridge {

namespace {

constexpr double kMaxTime = 9007199254740991.0;

std::string error_json(const Problem& p) {
  std::string out = "{\"error\":";
  json::write_problem(out, p);
  out += '}';
  return out;
}

std::string error_json(Code code, std::string field, std::string message) {
  return error_json(Problem{code, Severity::error, std::move(field), std::move(message)});
}

std::string not_configured() {
  return error_json(Code::invalid_option, "", "The engine has not been created (configure or restore it first).");
}

// `now` from JS: a whole number of seconds in [0, 2^53-1].
bool time_of(double now, std::int64_t& out, Problems& problems) {
  if (!std::isfinite(now) || now != std::floor(now) || now < 0 || now > kMaxTime) {
    std::string shown;
    json::write_double(shown, now);
    problems.push_back({Code::invalid_time, Severity::error, "now",
                        "now must be a whole number of Unix seconds between 0 and 2^53-1, got " + shown + "."});
    return false;
  }
  out = static_cast<std::int64_t>(now);
  return true;
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

std::string EngineSession::configure(std::string_view options_json) {
  const auto parsed = nlohmann::json::parse(options_json.begin(), options_json.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    return error_json(Code::invalid_option, "", "Engine options must be an object {capacity, ringTimeout?}.");
  EngineOptions options;
  bool has_capacity = false;
  for (const auto& [key, value] : parsed.items()) {
    const bool whole = value.is_number_unsigned() ||
                       (value.is_number_float() && std::isfinite(value.get<double>()) &&
                        value.get<double>() == std::floor(value.get<double>()) && value.get<double>() >= 0);
    const double n = whole ? value.get<double>() : -1;
    const std::string shown = text::quote(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 40);
    if (key == "capacity") {
      if (!whole || n > 4294967295.0)
        return error_json(Code::invalid_option, "capacity",
                          "capacity must be a whole number of lines from 0 to 4294967295, got " + shown + ".");
      options.capacity = static_cast<std::uint32_t>(n);
      has_capacity = true;
    } else if (key == "ringTimeout") {
      if (value.is_null()) continue;  // the default
      if (!whole || n < 1 || n > kMaxRingTimeout)
        return error_json(Code::invalid_option, "ringTimeout",
                          "ringTimeout must be a whole number of seconds from 1 to 86400, got " + shown + ".");
      options.ring_timeout = static_cast<std::uint32_t>(n);
    } else {
      return error_json(Code::invalid_option, key,
                        "Unknown engine option " + text::quote(key) + ": the options are capacity and ringTimeout.");
    }
  }
  if (!has_capacity)
    return error_json(Code::invalid_option, "capacity", "capacity is required: the number of concurrent outbound lines.");
  Problems problems;
  if (!Engine::validate_options(options, problems)) return error_json(problems.front());
  engine_.emplace(options);
  return "";
}

std::string EngineSession::restore(std::string_view snapshot) {
  Problems problems;
  auto restored = Engine::restore(snapshot, problems);
  if (!restored) return error_json(problems.front());
  engine_ = std::move(restored);
  return "";
}

std::string EngineSession::enqueue(std::string_view deployment, std::string_view params_json, double now, bool strict) {
  problems_.clear();
  std::string out;
  out.reserve(128);
  json::ObjectWriter w(out);
  std::int64_t t = 0;
  bool ok = false;
  std::optional<CallRef> ref;
  if (!engine_) {
    problems_.push_back({Code::invalid_option, Severity::error, "", "The engine has not been created."});
  } else if (time_of(now, t, problems_)) {
    ValidationOptions vo;
    vo.now = t;
    vo.strict = strict;
    QueueRequest request;
    if (validate_queue_request(params_json, vo, request, problems_)) {
      ref = engine_->enqueue(deployment, request, t, problems_);
      ok = ref.has_value();
    }
  }
  w.field_bool("ok", ok);
  if (ok) {
    engine_->write_call_id(*ref, w.key("callId") += '"');
    out += '"';
  }
  json::write_problems(w.key("errors"), problems_, Severity::error);
  json::write_problems(w.key("warnings"), problems_, Severity::warning);
  w.close();
  return out;
}

std::string EngineSession::write_actions() {
  std::string out;
  out.reserve(16 + actions_.size() * 200);
  out += '[';
  std::string payloads;
  char buf[kMaxUriLength];
  for (const Action& a : actions_)
    if (a.type == Action::Type::result) {
      payloads.reserve(actions_.size() * 512);
      break;
    }
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    const Action& a = actions_[i];
    if (i) out += ',';
    switch (a.type) {
      case Action::Type::dial: {
        const DialInfo info = engine_->dial_info(a);
        const Destination& d = info.destination;
        out += "{\"type\":\"dial\",\"callId\":\"";
        engine_->write_call_id(a.call, out);
        out += "\",\"deployment\":";
        json::write_string(out, info.deployment);
        out += ",\"phoneNumber\":";
        json::write_string(out, info.phone_number);
        out += ",\"uri\":";
        json::write_string(out, std::string_view(buf, d.write_uri(buf)));
        out += ",\"e164\":";
        json::write_string(out, std::string_view(buf, d.number.write_e164(buf)));
        out += ",\"ani\":";
        if (d.has_ani) json::write_string(out, std::string_view(buf, d.ani.write_e164(buf)));
        else out += "null";
        out += ",\"postd\":";
        if (d.has_postd()) json::write_string(out, d.postd_view());
        else out += "null";
        out += ",\"attempt\":";
        json::write_int(out, a.attempt);
        out += ",\"timestamp\":";
        json::write_int(out, a.timestamp);
        out += '}';
        break;
      }
      case Action::Type::hangup:
        out += "{\"type\":\"hangup\",\"callId\":\"";
        engine_->write_call_id(a.call, out);
        out += "\",\"reason\":\"";
        out += event_name(a.reason);
        out += "\",\"timestamp\":";
        json::write_int(out, a.timestamp);
        out += '}';
        break;
      case Action::Type::result: {
        out += "{\"type\":\"result\",\"callId\":\"";
        engine_->write_call_id(a.call, out);
        out += "\",\"status\":\"";
        out += status_name(a.status);
        out += "\",\"resultUrl\":";
        const std::string_view url = engine_->result_url(a.call);
        if (url.empty()) out += "null";
        else json::write_string(out, url);
        out += '}';
        // The payload follows the array, unescaped (see bridge_engine.hpp).
        payloads += kPayloadSeparator;
        engine_->write_call_details(a.call, payloads);
        break;
      }
    }
  }
  out += ']';
  out += payloads;
  return out;
}

std::string EngineSession::advance(double now) {
  if (!engine_) return not_configured();
  std::int64_t t = 0;
  actions_.clear();
  problems_.clear();
  if (!time_of(now, t, problems_)) return error_json(problems_.front());
  if (!engine_->advance(t, actions_, problems_)) return error_json(problems_.front());
  return write_actions();
}

std::string EngineSession::report(std::string_view call_id, std::string_view event, double now) {
  if (!engine_) return not_configured();
  std::int64_t t = 0;
  actions_.clear();
  problems_.clear();
  if (!time_of(now, t, problems_)) return error_json(problems_.front());
  if (!engine_->report(call_id, event, t, actions_, problems_)) return error_json(problems_.front());
  return write_actions();
}

std::string EngineSession::cancel_deployment(std::string_view deployment, double now) {
  if (!engine_) return not_configured();
  std::int64_t t = 0;
  actions_.clear();
  problems_.clear();
  if (!time_of(now, t, problems_)) return error_json(problems_.front());
  if (!engine_->cancel_deployment(deployment, t, actions_, problems_)) return error_json(problems_.front());
  return write_actions();
}

std::string EngineSession::set_capacity(double capacity) {
  if (!engine_) return not_configured();
  if (!std::isfinite(capacity) || capacity != std::floor(capacity) || capacity < 0 || capacity > 4294967295.0) {
    std::string shown;
    json::write_double(shown, capacity);
    return error_json(Code::invalid_option, "capacity",
                      "capacity must be a whole number of lines from 0 to 4294967295, got " + shown + ".");
  }
  engine_->set_capacity(static_cast<std::uint32_t>(capacity));
  return "";
}

std::string EngineSession::get(std::string_view call_id) const {
  if (!engine_) return "null";
  const auto ref = engine_->find_call(call_id);
  if (!ref) return "null";
  return engine_->call_details(*ref);
}

std::string EngineSession::stats(bool per_deployment) const {
  if (!engine_) return "null";
  const EngineStats s = engine_->stats();
  std::string out;
  json::ObjectWriter w(out);
  w.field_int("capacity", s.capacity);
  write_counts(w, s.counts);
  w.field_int("calls", static_cast<std::int64_t>(s.calls));
  w.field_int("deployments", static_cast<std::int64_t>(s.deployments));
  if (per_deployment) {
    std::string& list = w.key("byDeployment");
    list += '[';
    bool first = true;
    for (const auto& d : engine_->deployment_stats()) {
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
  if (!engine_) return std::nullopt;
  const auto t = engine_->next_wakeup();
  if (!t) return std::nullopt;
  return static_cast<double>(*t);
}

std::string EngineSession::snapshot() const { return engine_ ? engine_->snapshot() : std::string("null"); }

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
