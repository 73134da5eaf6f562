// The dial-time policy's value rules (SPEC 14), shared (internal): the engine's options and
// deployment policy, the queue parameters, the preview and the bridges read calling hours and dial
// rates through these, so every caller gives the same message.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuse/calling_hours.hpp"
#include "fuse/engine.hpp"
#include "json_reader.hpp"

namespace fuse {

// Calling hours given as a JSON value: a string of one of the forms, or an object of day: hours.
inline bool read_calling_hours_value(const json::Node& v, std::string_view field, std::optional<CallingHours>& out,
                                     Problems& problems) {
  std::string spec;
  if (v.kind == json::Kind::object) {
    json::write_value(spec, v);
  } else if (v.kind != json::Kind::string) {
    problems.push_back({Code::invalid_calling_hours, Severity::error, std::string(field),
                        std::string(field) + " must be a string like \"08:00-21:00\" or \"tcpa\", or an object of day: hours, got " +
                            json::given_kind(v) + "."});
    return false;
  }
  CallingHours hours;
  if (!read_calling_hours(v.kind == json::Kind::object ? std::string_view(spec) : std::string_view(v.text), field, hours,
                          problems))
    return false;
  out = hours;
  return true;
}

// A dial rate in dials per second (a finite number; `shown` is how the caller prints what was
// given) as thousandths: 0.001 to 10000, to the thousandth. `code` is the caller's problem code.
inline bool read_dial_rate_value(double rate, const std::string& shown, Code code, std::uint32_t& milli,
                                 Problems& problems) {
  const double value = std::isfinite(rate) ? rate * 1000 : -1;
  if (!(value >= 1) || value > kMaxDialRateMilli || std::fabs(value - std::round(value)) > 1e-6) {
    problems.push_back({code, Severity::error, "dialRate",
                        "dialRate must be dials per second from 0.001 to 10000, to the thousandth (0.5: one dial every "
                        "2 s), got " + shown + "."});
    return false;
  }
  milli = static_cast<std::uint32_t>(std::llround(value));
  return true;
}

}  // namespace fuse
