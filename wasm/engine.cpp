// The queue engine (fuse/bridge_engine.hpp): the EngineCore class and buildResultPayload.
//
// Packed actions stay in the wasm heap: a method that returns them records where they are in a
// header of four 32-bit words (numbers address, number count, text address, text bytes) at
// headerAddress(), and js/wasm-backend.js reads them from the heap views.
#include <cstdint>

#include "binding.hpp"
#include "fuse/bridge_engine.hpp"

namespace fuse::wasm {
namespace {

class EngineCore {
 public:
  std::string configure(const std::string& options) { return session_.configure(options); }
  std::string restore(const std::string& snapshot) { return session_.restore(snapshot); }
  std::string enqueue(const std::string& deployment, const std::string& params, double now, bool strict) {
    return session_.enqueue(deployment, params, now, strict);
  }
  void advance(double now) { publish(session_.advance_packed(now)); }
  // reason: "" unless the event is rejected.
  void report(const std::string& call_id, std::uint32_t event, double now, const std::string& reason) {
    publish(session_.report_packed(call_id, event, now, reason));
  }
  void report_named(const std::string& call_id, const std::string& event, double now, const std::string& reason) {
    publish(session_.report_packed(call_id, event, now, reason));
  }
  void cancel_deployment(const std::string& deployment, double now) {
    publish(session_.cancel_deployment_packed(deployment, now));
  }
  void csv_begin(const std::string& deployment, const std::string& params, const std::string& options, double now) {
    session_.csv_begin(deployment, params, options, now);
  }
  void csv_push(std::uintptr_t ptr, std::size_t len) { session_.csv_push(heap_bytes(ptr, len)); }
  std::string csv_finish() { return session_.csv_finish(); }
  void csv_abort() { session_.csv_abort(); }
  std::string set_capacity(double capacity) { return session_.set_capacity(capacity); }
  std::string set_dial_rate(double rate) { return session_.set_dial_rate(rate); }
  std::string set_deployment(const std::string& deployment, const std::string& policy) {
    return session_.set_deployment(deployment, policy);
  }
  std::string deployment_policy(const std::string& deployment) { return session_.deployment_policy(deployment); }
  std::string suppression(int op, const std::string& list, const std::string& number) {
    return session_.suppression(op, list, number);
  }
  std::string get(const std::string& call_id) { return session_.get(call_id); }
  std::string stats(bool per_deployment) { return session_.stats(per_deployment); }
  val next_wakeup() {
    const auto t = session_.next_wakeup();
    return t ? val(*t) : val::null();
  }
  val now() const {
    const auto t = session_.now();
    return t ? val(*t) : val::null();
  }
  std::string snapshot() { return session_.snapshot(); }
  double compact() { return session_.compact(); }
  void dispose() { session_.clear(); }
  double header_address() const { return static_cast<double>(reinterpret_cast<std::uintptr_t>(header_)); }

 private:
  void publish(const bridge::PackedActions& p) {
    header_[0] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p.numbers.data()));
    header_[1] = static_cast<std::uint32_t>(p.numbers.size());
    header_[2] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p.text.data()));
    header_[3] = static_cast<std::uint32_t>(p.text.size());
  }

  bridge::EngineSession session_;
  std::uint32_t header_[4] = {};
};

std::string build_result_payload(const std::string& call_json) { return bridge::build_result_payload(call_json); }
std::string engine_vocabulary() { return bridge::engine_vocabulary(); }

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_engine) {
  using namespace fuse::wasm;
  emscripten::class_<EngineCore>("EngineCore")
      .constructor<>()
      .function("configure", &EngineCore::configure)
      .function("restore", &EngineCore::restore)
      .function("enqueue", &EngineCore::enqueue)
      .function("advance", &EngineCore::advance)
      .function("report", &EngineCore::report)
      .function("reportNamed", &EngineCore::report_named)
      .function("cancelDeployment", &EngineCore::cancel_deployment)
      .function("csvBegin", &EngineCore::csv_begin)
      .function("csvPush", &EngineCore::csv_push)
      .function("csvFinish", &EngineCore::csv_finish)
      .function("csvAbort", &EngineCore::csv_abort)
      .function("setCapacity", &EngineCore::set_capacity)
      .function("setDialRate", &EngineCore::set_dial_rate)
      .function("setDeployment", &EngineCore::set_deployment)
      .function("deploymentPolicy", &EngineCore::deployment_policy)
      .function("suppression", &EngineCore::suppression)
      .function("get", &EngineCore::get)
      .function("stats", &EngineCore::stats)
      .function("nextWakeup", &EngineCore::next_wakeup)
      .function("now", &EngineCore::now)
      .function("snapshot", &EngineCore::snapshot)
      .function("compact", &EngineCore::compact)
      .function("dispose", &EngineCore::dispose)
      .function("headerAddress", &EngineCore::header_address);
  emscripten::function("buildResultPayload", &build_result_payload);
  emscripten::function("engineVocabulary", &engine_vocabulary);
}
