// The simulated carrier (SPEC 11): what each attempt of a call does, decided by the number and a
// seed alone, so a service, a test and a window preview all agree without any telephony.
//
// Scripted numbers, for integration tests: the fictional NANP range NPA-555-01XY (+1 NPA 555 01XY):
//   X 0-4  answer after 5 s and talk 10 x (Y + 1) s;   X 5-6  busy after 5 s;
//   X 7-8  never answer (the engine's ring timeout applies);   X 9  informationtone after 2 s.
// Every other number: an outcome drawn from (seed, deployment, call, attempt), the window preview's
// model (fuse/preview.hpp): outcome weights `rates`, ring and talk times uniform in
// [max(1, mean - spread), mean + spread]. An attempt whose ring time reaches the ring timeout is a
// noanswer (the engine's timer fires first).
#pragma once

#include <cstdint>
#include <string_view>

#include "fuse/problem.hpp"

namespace fuse {

// A time distribution in whole seconds: uniform in [max(1, mean - spread), mean + spread].
struct PreviewDuration {
  std::uint32_t mean = 0;    // 1..86400
  std::uint32_t spread = 0;  // 0..86400
};

// Outcome weights per attempt (normalised: only their proportions matter).
struct PreviewRates {
  double connected = 0.70;
  double busy = 0.10;
  double noanswer = 0.15;
  double informationtone = 0.05;
  double rejected = 0.0;  // SPEC 13: refused by the carrier for another reason (0 unless given)
};

struct SimCarrierOptions {
  PreviewDuration talk_time{60, 30};  // seconds connected
  PreviewDuration ring_time{15, 10};  // seconds until the carrier answers or signals busy/infotone
  std::uint32_t ring_timeout = 45;    // the engine's noanswer timer, 1..86400
  PreviewRates rates;
  std::uint64_t seed = 1;
};

enum class SimOutcome : std::uint8_t { connected, busy, noanswer, informationtone, rejected };
// The reason a simulated rejected attempt carries.
inline constexpr std::string_view kSimRejectedReason = "503 Service Unavailable";

struct SimAttempt {
  SimOutcome outcome;
  std::uint32_t ring;      // seconds from the dial to the carrier's report (connected/busy/infotone/rejected)
  std::uint32_t talk;      // seconds connected (connected only)
  std::uint32_t duration;  // seconds the line is held (noanswer: the ring timeout)
};

class SimCarrier {
 public:
  explicit SimCarrier(const SimCarrierOptions& o) noexcept;
  // The seeded model only; depends on (seed, deployment, call, attempt) alone.
  SimAttempt draw(std::uint32_t deployment, std::uint64_t call, std::uint32_t attempt) const noexcept;
  // An attempt to dial `e164` ("+16175550123"): the script for NPA-555-01XY, else draw(0, call, attempt).
  SimAttempt attempt(std::string_view e164, std::uint64_t call, std::uint32_t attempt) const noexcept;

 private:
  std::uint64_t seed_;
  std::uint32_t ring_timeout_;
  std::uint32_t ring_lo_ = 1, talk_lo_ = 1;
  std::uint64_t ring_span_ = 1, talk_span_ = 1;
  std::uint64_t threshold_[4] = {};
};

// Reads {seed?, rates?, ringTime?: {mean, spread?}, talkTime?, ringTimeout?} (the JS API's names,
// as previewWindow reads them); every problem is reported with its field.
[[nodiscard]] bool read_sim_carrier_options(std::string_view options_json, SimCarrierOptions& out, Problems& problems);

}  // namespace fuse
