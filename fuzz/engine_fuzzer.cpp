// libFuzzer target: the queue engine. Arbitrary text goes to Engine::restore (which must refuse it
// cleanly or give an engine whose snapshot restores to the same text), to buildResultPayload and to
// enqueueCsv as an upload (all or nothing); the same bytes also drive a fresh engine as a script of
// operations, and the bridge's packed actions, checking what must always hold.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <set>
#include <string_view>
#include <vector>

#include "fuse/bridge_engine.hpp"
#include "fuse/engine.hpp"
#include "fuse/engine_csv.hpp"

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
  std::set<std::string> suppressed;  // in the engine-wide list: never dialed
  // SPEC 14 calling hours the script may set (per call or per deployment).
  fuse::CallingHours hour_table[3];
  {
    fuse::Problems ignored;
    static_cast<void>(fuse::read_calling_hours("09:00-17:00", "h", hour_table[0], ignored));
    static_cast<void>(fuse::read_calling_hours("mon-fri 08:00-21:00; sat 10:00-12:00", "h", hour_table[1], ignored));
    static_cast<void>(fuse::read_calling_hours("00:00-00:30,23:00-24:00", "h", hour_table[2], ignored));
  }
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
        if ((op & 24) == 24) r.options.calling_hours = hour_table[arg % 3];
        const std::string deployment(1, static_cast<char>('A' + (arg >> 6)));
        if (engine.enqueue(deployment, r, now, problems)) results.push_back(0);
        break;
      }
      case 2: engine.advance(now, actions, problems); break;
      case 3:
      case 4: {
        static const char* kEvents[] = {"connected", "disconnected", "busy", "noanswer", "informationtone", "queued", "rejected", "connected"};
        // A reason (rejected needs one; the others refuse it), sometimes one the engine must refuse.
        static const char* kReasons[] = {"", "503 Service Unavailable", "", "bad\r\nreason"};
        engine.report(std::to_string(1 + arg % (results.size() + 1)), kEvents[(arg >> 5) & 7], kReasons[(arg >> 8) & 3],
                      now - (op & 8 ? 1 : 0), actions, problems);
        break;
      }
      case 5: engine.cancel_deployment(std::string(1, static_cast<char>('A' + (arg & 3))), now, actions, problems); break;
      case 6:
        // Capacity, and SPEC 14's run-time policy: pacing, deployment weight and hours, suppression.
        switch ((op >> 3) & 3) {
          case 0: engine.set_capacity(arg & 3); break;
          case 1: static_cast<void>(engine.set_dial_rate((arg & 7) == 0 ? 0 : 250u * arg, problems)); break;
          case 2: {
            fuse::DeploymentPolicy policy;
            policy.weight = 1 + (arg & 7);
            if (arg & 8) policy.calling_hours = hour_table[(arg >> 4) % 3];
            check(engine.set_deployment_policy(std::string(1, static_cast<char>('A' + (arg >> 6))), policy, problems));
            break;
          }
          default: {
            const std::string number = "617200" + std::to_string(1000 + (arg & 0x7F));
            bool changed = false;
            if (arg & 0x80) {
              check(engine.unsuppress("", number, changed, problems));
              check(changed == (suppressed.erase(number) == 1));
            } else {
              check(engine.suppress("", number, changed, problems));
              check(changed == suppressed.insert(number).second);
            }
          }
        }
        break;
      default:
        if (const auto w = engine.next_wakeup()) {
          check(*w >= engine.now().value_or(0));
          now = std::max(now, *w);
        }
    }
    for (const auto& a : actions) {
      check(a.call < results.size());
      if (a.type == fuse::Action::Type::result) check(++results[a.call] == 1);
      if (a.type == fuse::Action::Type::dial) {
        check(engine.stats().counts.in_flight() <= std::max<std::uint64_t>(engine.capacity(), 1) + 4);
        check(!suppressed.count(std::string(engine.dial_info(a).phone_number)));
      }
    }
  }
  fuse::Problems p;
  auto copy = fuse::Engine::restore(engine.snapshot(), p);
  check(copy.has_value() && copy->snapshot() == engine.snapshot());
}

// The input as an upload into an engine holding one call: nothing or exactly `queued` calls are
// added, with consecutive refs after it, whatever the file.
void check_upload(std::string_view input) {
  fuse::Engine engine(fuse::EngineOptions{2, 45});
  fuse::QueueRequest single;
  single.phone_number = "6172001000";
  fuse::Problems problems;
  check(engine.enqueue("A", single, 1700000000, problems).has_value());
  fuse::CsvOptions options;
  options.validation.now = 1700000000;
  options.partial = !input.empty() && (input[0] & 1);  // e.g. a file starting with a BOM (0xEF)
  options.max_problems = 50;
  fuse::EngineCsvUpload upload(engine, "B", fuse::CallOptions{}, options);
  for (std::size_t i = 0; i < input.size(); i += 7) upload.push(input.substr(i, 7));
  const fuse::EngineCsvResult r = upload.finish();
  check(r.summary.ok == (r.summary.queued > 0));
  check(engine.call_count() == 1 + r.summary.queued);
  if (r.summary.queued) check(r.first == 1);
  check(upload.enqueue_problems().empty());
}

// Packed actions are well formed: records and string lengths add up to what was sent.
void check_packed(const fuse::bridge::PackedActions& p, std::size_t& names) {
  check(!p.numbers.empty());
  if (p.numbers[0] < 0) {
    check(p.numbers.size() == 1 && p.text.rfind("{\"error\":", 0) == 0);
    return;
  }
  std::size_t units = 0;
  for (std::size_t i = 0; i < p.text.size(); ++i) {
    const auto b = static_cast<unsigned char>(p.text[i]);
    units += ((b & 0xC0) != 0x80) + (b >= 0xF0);
  }
  std::size_t k = 2;
  double used = 0;
  const auto field = [&](double length, bool nullable) {
    check(length >= 0 || (nullable && length == -1));
    if (length > 0) used += length;
  };
  for (int n = static_cast<int>(p.numbers[1]); n > 0; --n, ++names) field(p.numbers.at(k++), false);
  for (int i = 0; i < static_cast<int>(p.numbers[0]); ++i) {
    const double type = p.numbers.at(k);
    check(p.numbers.at(k + 1) >= 1);  // the id's number
    if (type == 0) {
      check(p.numbers.at(k + 2) < static_cast<double>(names));
      for (int f = 5; f < 10; ++f) field(p.numbers.at(k + f), f >= 8);
      k += 10;
    } else if (type == 1) {
      check(p.numbers.at(k + 2) < fuse::kCallEventCount);
      k += 4;
    } else {
      check(type == 2 && p.numbers.at(k + 2) < fuse::kCallStatusCount);
      field(p.numbers.at(k + 3), true);
      field(p.numbers.at(k + 4), false);
      k += 5;
    }
  }
  check(k == p.numbers.size());
  check(used == static_cast<double>(units));
}

void run_packed(std::string_view input) {
  fuse::bridge::EngineSession session;
  check(session.configure(R"({"capacity":2,"ringTimeout":30})").empty());
  std::size_t names = 0;
  double now = 1700000000;
  for (std::size_t i = 0; i + 1 < input.size(); i += 2) {
    const auto op = static_cast<unsigned char>(input[i]);
    const auto arg = static_cast<unsigned char>(input[i + 1]);
    now += op >> 5;
    const std::string deployment = std::string(1 + (arg & 1), static_cast<char>('A' + (arg >> 6))) + "\xC3\xA9";
    switch (op & 3) {
      case 0: {
        const std::string params = R"({"phone_number":"617200)" + std::to_string(1000 + arg) + "\"" +
                                   (arg & 4 ? R"(,"metadata":{"n":"\u00e9\ud83d\udcde"},"result_url":"https://x.test/r")" : "") +
                                   (arg & 8 ? R"(,"max_attempts":2,"reattempt_wait":60)" : "") + "}";
        session.enqueue(deployment, params, now, false);
        break;
      }
      case 1: check_packed(session.advance_packed(now - (op & 4 ? 1 : 0)), names); break;
      case 2:
        check_packed(session.report_packed(std::to_string(1 + arg % 16), (arg >> 4) & 15, now,
                                           arg & 256 ? "486 Busy Here" : ""),
                     names);
        break;
      default: check_packed(session.cancel_deployment_packed(deployment, now), names); break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_restore(input);
  const std::string payload = fuse::bridge::build_result_payload(input);
  check(!payload.empty() && payload.front() == '{' && payload.back() == '}');
  run_script(input);
  check_upload(input);
  run_packed(input);
  return 0;
}
