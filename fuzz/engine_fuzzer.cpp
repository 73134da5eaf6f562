// libFuzzer target: the queue engine. Arbitrary text goes to Engine::restore (which must refuse it
// cleanly or give an engine whose snapshot restores to the same text) and to buildResultPayload; the
// same bytes also drive a fresh engine as a script of operations, checking what must always hold.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuse/bridge_engine.hpp"
#include "fuse/engine.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_restore(std::string_view input) {
  fuse::Problems problems;
  auto engine = fuse::Engine::restore(input, problems);
  if (!engine) {
    check(problems.size() == 1 && problems.front().code == fuse::Code::invalid_snapshot);
    return;
  }
  const std::string snap = engine->snapshot();
  fuse::Problems again_problems;
  auto again = fuse::Engine::restore(snap, again_problems);
  check(again.has_value() && again->snapshot() == snap);
  // It runs: advance to the next wakeup and a day later.
  fuse::Actions a, b;
  fuse::Problems p;
  if (const auto w = engine->next_wakeup()) {
    check(engine->advance(*w, a, p) == again->advance(*w, b, p));
    check(a.size() == b.size());
  }
  const std::int64_t later = engine->now().value_or(0) + 86400;
  a.clear();
  b.clear();
  check(engine->advance(later, a, p) == again->advance(later, b, p));
  check(a.size() == b.size());
  check(engine->snapshot() == again->snapshot());
}

void run_script(std::string_view input) {
  fuse::Engine engine(fuse::EngineOptions{1 + static_cast<std::uint32_t>(input.empty() ? 0 : input[0] & 3), 30});
  std::int64_t now = 1700000000;
  std::vector<int> results;
  fuse::Actions actions;
  fuse::Problems problems;
  for (std::size_t i = 1; i + 1 < input.size(); i += 2) {
    const auto op = static_cast<unsigned char>(input[i]);
    const auto arg = static_cast<unsigned char>(input[i + 1]);
    now += op >> 5;
    actions.clear();
    problems.clear();
    switch (op & 7) {
      case 0:
      case 1: {
        fuse::QueueRequest r;
        r.phone_number = "617200" + std::to_string(1000 + arg);
        r.options.max_attempts = 1 + (arg & 3);
        r.options.reattempt_wait = arg & 4 ? 0 : 60;
        if (arg & 8) r.options.end_timestamp = now + 1 + arg;
        if (arg & 16) r.options.start_timestamp = now + (arg & 32);
        const std::string deployment(1, static_cast<char>('A' + (arg >> 6)));
        if (engine.enqueue(deployment, r, now, problems)) results.push_back(0);
        break;
      }
      case 2: engine.advance(now, actions, problems); break;
      case 3:
      case 4: {
        static const char* kEvents[] = {"connected", "disconnected", "busy", "noanswer", "informationtone", "queued", "x", "connected"};
        engine.report(std::to_string(1 + arg % (results.size() + 1)), kEvents[(arg >> 5) & 7], now - (op & 8 ? 1 : 0),
                      actions, problems);
        break;
      }
      case 5: engine.cancel_deployment(std::string(1, static_cast<char>('A' + (arg & 3))), now, actions, problems); break;
      case 6: engine.set_capacity(arg & 3); break;
      default:
        if (const auto w = engine.next_wakeup()) {
          check(*w >= engine.now().value_or(0));
          now = std::max(now, *w);
        }
    }
    for (const auto& a : actions) {
      check(a.call < results.size());
      if (a.type == fuse::Action::Type::result) check(++results[a.call] == 1);
      if (a.type == fuse::Action::Type::dial) check(engine.stats().counts.in_flight() <= std::max<std::uint64_t>(engine.capacity(), 1) + 4);
    }
  }
  fuse::Problems p;
  auto copy = fuse::Engine::restore(engine.snapshot(), p);
  check(copy.has_value() && copy->snapshot() == engine.snapshot());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_restore(input);
  const std::string payload = fuse::bridge::build_result_payload(input);
  check(!payload.empty() && payload.front() == '{' && payload.back() == '}');
  run_script(input);
  return 0;
}
