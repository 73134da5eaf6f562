// Bridge for the simulated carrier (fuse/sim_carrier.hpp, JS API createSimCarrier).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fuse/sim_carrier.hpp"

namespace fuse::bridge {

class SimCarrierSession {
 public:
  // "" or {"error":{code, field, message},"errors":[...]} (every problem of the options).
  std::string configure(std::string_view options_json);
  // One attempt, packed into one number so that it crosses either binding as a double:
  // outcome (0 connected, 1 busy, 2 noanswer, 3 informationtone, 4 rejected) + 8 * (ring + 2^18 * talk).
  // -1 when not configured.
  double attempt(std::string_view e164, double call, double attempt) const;

 private:
  std::optional<SimCarrier> carrier_;
};

}  // namespace fuse::bridge
