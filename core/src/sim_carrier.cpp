// The simulated carrier (SPEC 11). See fuse/sim_carrier.hpp.
#include "fuse/sim_carrier.hpp"

namespace fuse {

namespace {

std::uint64_t mix64(std::uint64_t x) noexcept {  // splitmix64's finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

SimCarrier::SimCarrier(const SimCarrierOptions& o) noexcept
    : seed_(mix64(o.seed ^ 0x5EEDF05E0C411ull)), ring_timeout_(o.ring_timeout) {
  const auto lo = [](const PreviewDuration& d) { return d.spread >= d.mean ? 1u : d.mean - d.spread; };
  ring_lo_ = lo(o.ring_time);
  ring_span_ = std::uint64_t{o.ring_time.mean} + o.ring_time.spread - ring_lo_ + 1;
  talk_lo_ = lo(o.talk_time);
  talk_span_ = std::uint64_t{o.talk_time.mean} + o.talk_time.spread - talk_lo_ + 1;
  const PreviewRates& r = o.rates;
  const double total = r.connected + r.busy + r.noanswer + r.informationtone + r.rejected;
  const double cumulative[4] = {r.connected, r.connected + r.busy, r.connected + r.busy + r.noanswer,
                                r.connected + r.busy + r.noanswer + r.informationtone};
  for (int i = 0; i < 4; ++i) {
    const double x = total > 0 ? cumulative[i] / total * 4294967296.0 : 4294967296.0;
    threshold_[i] = x >= 4294967296.0 ? (std::uint64_t{1} << 32) : static_cast<std::uint64_t>(x);
  }
  // Without rejections the draws are exactly those of the four-outcome model (no rounding at the top).
  if (!(r.rejected > 0)) threshold_[3] = std::uint64_t{1} << 32;
}

SimAttempt SimCarrier::draw(std::uint32_t deployment, std::uint64_t call, std::uint32_t attempt) const noexcept {
  const std::uint64_t key = ((std::uint64_t{deployment} << 32 | call) << 4) | attempt;
  const std::uint64_t h1 = mix64(seed_ ^ mix64(key));
  const std::uint64_t h2 = mix64(h1);
  const std::uint64_t u = h1 >> 32;
  SimAttempt a;
  a.outcome = u < threshold_[0]   ? SimOutcome::connected
              : u < threshold_[1] ? SimOutcome::busy
              : u < threshold_[2] ? SimOutcome::noanswer
              : u < threshold_[3] ? SimOutcome::informationtone
                                  : SimOutcome::rejected;
  a.ring = ring_lo_ + static_cast<std::uint32_t>(h2 % ring_span_);
  a.talk = 0;
  if (a.outcome != SimOutcome::noanswer && a.ring >= ring_timeout_) a.outcome = SimOutcome::noanswer;
  switch (a.outcome) {
    case SimOutcome::connected:
      a.talk = talk_lo_ + static_cast<std::uint32_t>(mix64(h2 ^ 0x7A1C7A1Cull) % talk_span_);
      a.duration = a.ring + a.talk;
      break;
    case SimOutcome::noanswer: a.duration = ring_timeout_; break;
    default: a.duration = a.ring; break;
  }
  return a;
}

SimAttempt SimCarrier::attempt(std::string_view e164, std::uint64_t call, std::uint32_t attempt) const noexcept {
  // +1 NPA 555 01 X Y
  const bool scripted = e164.size() == 12 && e164.substr(0, 2) == "+1" && e164.substr(5, 3) == "555" &&
                        e164.substr(8, 2) == "01" && e164[10] >= '0' && e164[10] <= '9' && e164[11] >= '0' &&
                        e164[11] <= '9';
  if (!scripted) return draw(0, call, attempt);
  const int x = e164[10] - '0', y = e164[11] - '0';
  SimAttempt a{SimOutcome::noanswer, 0, 0, ring_timeout_};
  if (x <= 4) a = {SimOutcome::connected, 5, static_cast<std::uint32_t>(10 * (y + 1)), 0};
  else if (x <= 6) a = {SimOutcome::busy, 5, 0, 5};
  else if (x == 9) a = {SimOutcome::informationtone, 2, 0, 2};
  if (a.outcome != SimOutcome::noanswer && a.ring >= ring_timeout_) a = {SimOutcome::noanswer, 0, 0, ring_timeout_};
  if (a.outcome == SimOutcome::connected) a.duration = a.ring + a.talk;
  return a;
}

}  // namespace fuse
