// The queue engine (fuse/bridge_engine.hpp): the EngineCore class and buildResultPayload.
#include "binding.hpp"
#include "fuse/bridge_engine.hpp"

namespace fuse::wasm {
namespace {

using Session = bridge::EngineSession;

std::string configure(Session& s, const std::string& options) { return s.configure(options); }
std::string restore(Session& s, const std::string& snapshot) { return s.restore(snapshot); }
std::string enqueue(Session& s, const std::string& deployment, const std::string& params, double now, bool strict) {
  return s.enqueue(deployment, params, now, strict);
}
std::string advance(Session& s, double now) { return s.advance(now); }
std::string report(Session& s, const std::string& call_id, const std::string& event, double now) {
  return s.report(call_id, event, now);
}
std::string cancel_deployment(Session& s, const std::string& deployment, double now) {
  return s.cancel_deployment(deployment, now);
}
std::string set_capacity(Session& s, double capacity) { return s.set_capacity(capacity); }
std::string get(Session& s, const std::string& call_id) { return s.get(call_id); }
std::string stats(Session& s, bool per_deployment) { return s.stats(per_deployment); }
val next_wakeup(Session& s) {
  const auto t = s.next_wakeup();
  return t ? val(*t) : val::null();
}
std::string snapshot(Session& s) { return s.snapshot(); }
void dispose(Session& s) { s.clear(); }

std::string build_result_payload(const std::string& call_json) { return bridge::build_result_payload(call_json); }

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_engine) {
  using namespace fuse::wasm;
  emscripten::class_<Session>("EngineCore")
      .constructor<>()
      .function("configure", &configure)
      .function("restore", &restore)
      .function("enqueue", &enqueue)
      .function("advance", &advance)
      .function("report", &report)
      .function("cancelDeployment", &cancel_deployment)
      .function("setCapacity", &set_capacity)
      .function("get", &get)
      .function("stats", &stats)
      .function("nextWakeup", &next_wakeup)
      .function("snapshot", &snapshot)
      .function("dispose", &dispose);
  emscripten::function("buildResultPayload", &build_result_payload);
}
