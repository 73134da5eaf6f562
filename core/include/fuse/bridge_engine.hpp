// The engine's bridge: what both bindings wrap as the `EngineCore` class (strings in, JSON text out),
// so each binding is a few lines of marshalling and every rule lives here. The JSON shapes are the
// JS API's (SPEC 7, js/api/engine.js).
//
// Errors: a method that can fail returns `{"error":{"code":..,"field":..,"message":..}}` (an
// object), where success is a JSON array (actions) or "" (configure, restore, set_capacity).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fuse/engine.hpp"

namespace fuse::bridge {

inline constexpr char kPayloadSeparator = '\x1e';

class EngineSession {
 public:
  // {"capacity":n,"ringTimeout":n?}: "" or an error (invalid_option). Replaces any engine.
  std::string configure(std::string_view options_json);
  // "" or an error (invalid_snapshot). Replaces any engine.
  std::string restore(std::string_view snapshot);

  // Validates the params (SPEC 3, as validateQueueRequest with now/strict) and queues the call:
  // {"ok":true,"callId":"1","errors":[],"warnings":[..]} or {"ok":false,"errors":[..],"warnings":[..]}.
  std::string enqueue(std::string_view deployment, std::string_view params_json, double now, bool strict);
  // Actions as a JSON array, or an error:
  //   {"type":"dial","callId","deployment","phoneNumber","uri","e164","ani","postd","attempt","timestamp"}
  //   {"type":"hangup","callId","reason","timestamp"}
  //   {"type":"result","callId","status","resultUrl"}
  // followed, for each result action in order, by kPayloadSeparator and its payload (the
  // call_details JSON text, written as is: no escaping here and no unescaping in JS). The separator
  // never occurs in JSON text, which escapes every control character.
  std::string advance(double now);
  std::string report(std::string_view call_id, std::string_view event, double now);
  std::string cancel_deployment(std::string_view deployment, double now);
  // "" or an error (invalid_option: capacity must be a whole number 0..4294967295).
  std::string set_capacity(double capacity);

  // The call's call_details JSON text, or "null" for an unknown id.
  std::string get(std::string_view call_id) const;
  // {"capacity","inFlight","queued","waiting","dialing","connected","completed","failed","canceled",
  //  "calls","deployments"[,"byDeployment":[{"name","inFlight","queued",...},...]]}
  std::string stats(bool per_deployment) const;
  std::optional<double> next_wakeup();
  std::string snapshot() const;

  // Frees the engine now (the JS dispose()); the session then answers as if never configured.
  void clear() noexcept { engine_.reset(); }
  bool ready() const noexcept { return engine_.has_value(); }
  Engine* engine() noexcept { return engine_ ? &*engine_ : nullptr; }

 private:
  std::string write_actions();
  std::optional<Engine> engine_;
  Actions actions_;  // reused between calls
  Problems problems_;
};

// buildResultPayload(call): the payload text, or {"error":{...},"errors":[...]} (one entry per problem).
std::string build_result_payload(std::string_view call_json);

}  // namespace fuse::bridge
