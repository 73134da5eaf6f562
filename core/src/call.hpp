// A call's state machine (SPEC 5), written once (internal): which event may follow which, and the
// status the events lead to. The engine checks carrier reports with it, the snapshot reader replays
// stored events through it, and the payload derives a status from the events it is given.
#pragma once

#include <cstdint>

#include "fuse/payload.hpp"

namespace fuse {

struct CallProgress {
  CallStatus status = CallStatus::queued;
  std::uint32_t attempts = 0;  // dialing events so far

  // Applies the next event (the implicit `queued` that starts every call excluded). Returns false,
  // changing nothing, when the event cannot follow: dialing needs queued and an attempt left;
  // connected and the failed-attempt outcomes (busy, noanswer, informationtone, rejected) need
  // dialing; disconnected needs connected; canceled and suppressed (SPEC 14: its number was on a
  // suppression list when it came up to dial) need queued.
  bool step(CallEvent event, std::uint32_t max_attempts) noexcept {
    switch (status) {
      case CallStatus::queued:
        if (event == CallEvent::dialing && attempts < max_attempts) {
          ++attempts;
          status = CallStatus::dialing;
          return true;
        }
        if (event == CallEvent::canceled || event == CallEvent::suppressed) {
          status = CallStatus::canceled;
          return true;
        }
        return false;
      case CallStatus::dialing:
        if (event == CallEvent::connected) {
          status = CallStatus::connected;
          return true;
        }
        if (is_failed_attempt(event)) {
          status = attempts >= max_attempts ? CallStatus::failed : CallStatus::queued;
          return true;
        }
        return false;
      case CallStatus::connected:
        if (event != CallEvent::disconnected) return false;
        status = CallStatus::completed;
        return true;
      default: return false;  // final
    }
  }
};

}  // namespace fuse
