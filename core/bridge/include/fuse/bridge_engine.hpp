// The engine's bridge: what both bindings wrap as the `EngineCore` class (strings in, JSON text or
// packed actions out), so each binding is a few lines of marshalling and every rule lives here. The
// shapes are the JS API's (SPEC 7, js/api/engine.js).
//
// Errors: a method that can fail returns `{"error":{"code":..,"field":..,"message":..}}` (an
// object), where success is "" (configure, restore, set_capacity); actions come packed (below).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace fuse::bridge {

// Actions packed for JS (the hot path: js/api/engine.js turns them into the action objects in one
// loop, with no JSON parsing). `numbers` (doubles, for a Float64Array) and `text` (one string):
//   numbers: count, newNames, the UTF-16 length of each new name, then one record per action:
//     dial:   0, callId, deployment, attempt, timestamp, phoneNumber, uri, e164, ani, postd
//     hangup: 1, callId, reason, timestamp
//     result: 2, callId, status, resultUrl, payload
//   text: the new deployment names, then each action's strings in record order.
// A string field is its length in UTF-16 code units (JS string length; the strings follow each
// other in `text`), -1 for null. callId is the id's number (the id is its decimal digits).
// deployment indexes the names sent so far by this session: each deployment's name is sent once,
// in creation order, when a dial first needs it (newNames of them, first in `text`). reason and
// status are CallEvent / CallStatus values, named by engine_vocabulary(). On error count is -1 and
// `text` is the error object.
struct PackedActions {
  std::vector<double> numbers;
  std::string text;
  bool ascii = true;  // text is ASCII (then UTF-16 lengths are byte lengths)
};

// {"events":[CallEvent names in enum order],"statuses":[CallStatus names in enum order]}
std::string engine_vocabulary();

class EngineSession {
 public:
  EngineSession();
  ~EngineSession();
  EngineSession(const EngineSession&) = delete;
  EngineSession& operator=(const EngineSession&) = delete;

  // {"capacity":n,"ringTimeout":n?,"dialRate":n?}: "" or an error (invalid_option). Replaces any engine (and
  // starts the packed actions' deployment names afresh).
  std::string configure(std::string_view options_json);
  // "" or an error (invalid_snapshot). Replaces any engine (as configure).
  std::string restore(std::string_view snapshot);

  // Validates the params (SPEC 3, as validateQueueRequest with now/strict) and queues the call:
  // {"ok":true,"callId":"1","errors":[],"warnings":[..]} or {"ok":false,"errors":[..],"warnings":[..]}.
  std::string enqueue(std::string_view deployment, std::string_view params_json, double now, bool strict);

  // advance, report and cancelDeployment, answering with packed actions (valid until the next
  // call on this session), or count -1 and the error object as text.
  // report_packed takes the event as its CallEvent value (an unknown name goes to the string form).
  const PackedActions& advance_packed(double now);
  const PackedActions& report_packed(std::string_view call_id, std::uint32_t event, double now,
                                     std::string_view reason = {});
  const PackedActions& report_packed(std::string_view call_id, std::string_view event, double now,
                                     std::string_view reason = {});
  const PackedActions& cancel_deployment_packed(std::string_view deployment, double now);

  // enqueueCsv: csv_begin (replacing any upload not finished), csv_push for each piece of the file,
  // csv_finish for the result: validateCsv's (fuse/bridge_csv.hpp, without requests) followed by
  // "firstCallId","lastCallId" (strings; null when nothing was queued) and
  // "callIds":{"first":n,"count":n} (the queued rows' ids are the numbers first .. first+count-1,
  // in row order). params_json: the upload's parameters (validate_call_options); options_json:
  // {strict, maxRows, partial, maxProblems, sizeHint}; now: whole Unix seconds (else invalid_time). An engine
  // not configured answers csv_finish with an error object.
  void csv_begin(std::string_view deployment, std::string_view params_json, std::string_view options_json,
                 double now);
  void csv_push(std::string_view bytes);
  std::string csv_finish();
  void csv_abort() noexcept;
  // "" or an error (invalid_option: capacity must be a whole number 0..4294967295).
  std::string set_capacity(double capacity);
  // SPEC 14. "" or an error: dials per second (0: no limit), deployment policy
  // {weight?, callingHours?, suppressionList?} merged over the deployment's.
  std::string set_dial_rate(double rate);
  std::string set_deployment(std::string_view deployment, std::string_view policy_json);
  // {"weight":n,"callingHours":"text"|null,"suppressionList":"name"|null}
  std::string deployment_policy(std::string_view deployment) const;
  // op 0 suppress, 1 unsuppress, 2 test: "true" / "false" (added, removed, suppressed) or an error.
  std::string suppression(int op, std::string_view list, std::string_view number);

  // The call's call_details JSON text, or "null" for an unknown id.
  std::string get(std::string_view call_id) const;
  // {"capacity","inFlight","queued","waiting","dialing","connected","completed","failed","canceled",
  //  "calls","deployments","memoryBytes"[,"byDeployment":[{"name","inFlight","queued",...},...]]}
  std::string stats(bool per_deployment) const;
  std::optional<double> next_wakeup();
  // Engine::now(): the latest time an accepted input carried (none before the first).
  std::optional<double> now() const;
  std::string snapshot() const;
  // Engine::compact(): how many final calls were dropped (0 when not configured).
  double compact();

  // Frees the engine now (the JS dispose()); the session then answers as if never configured.
  void clear() noexcept;
  // The engine's memory (EngineStats::memory_bytes; 0 when not configured), in O(deployments): the
  // Node binding reports it to V8 as external memory.
  std::uint64_t memory_bytes() const noexcept;

 private:
  struct Impl;  // the engine, the upload and the buffers reused between calls (bridge_engine.cpp)
  std::unique_ptr<Impl> impl_;
};

// buildResultPayload(call): the payload text, or {"error":{...},"errors":[...]} (one entry per problem).
std::string build_result_payload(std::string_view call_json);

}  // namespace fuse::bridge
