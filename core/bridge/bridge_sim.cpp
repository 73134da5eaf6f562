// Bridge for the simulated carrier. See fuse/bridge_sim.hpp.
#include "fuse/bridge_sim.hpp"

#include <cmath>

#include "json_writer.hpp"

namespace fuse::bridge {

std::string SimCarrierSession::configure(std::string_view options_json) {
  SimCarrierOptions options;
  Problems problems;
  if (!read_sim_carrier_options(options_json, options, problems)) {
    std::string out = "{\"error\":";
    for (const auto& p : problems)
      if (p.severity == Severity::error) {
        json::write_problem(out, p);
        break;
      }
    out += ",\"errors\":";
    json::write_problems(out, problems, Severity::error);
    out += '}';
    return out;
  }
  carrier_.emplace(options);
  return "";
}

double SimCarrierSession::attempt(std::string_view e164, double call, double attempt) const {
  if (!carrier_) return -1;
  const auto whole = [](double v, double hi) { return std::isfinite(v) && v >= 0 && v <= hi ? static_cast<std::uint64_t>(v) : 0; };
  const SimAttempt a = carrier_->attempt(e164, whole(call, 9007199254740991.0), static_cast<std::uint32_t>(whole(attempt, 15)));
  return static_cast<double>(a.outcome) + 8.0 * (static_cast<double>(a.ring) + 262144.0 * static_cast<double>(a.talk));
}

}  // namespace fuse::bridge
