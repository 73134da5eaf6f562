// enqueueCsv's core (fuse/engine_csv.hpp): a CsvValidator whose rows are held until finish(), then
// queued with Engine::enqueue_many.
#include "fuse/engine_csv.hpp"

#include <vector>

#include "text_arena.hpp"

namespace fuse {

namespace {

struct FilePlace {
  std::uint64_t row, line;
};

constexpr std::size_t kBatch = 4096;  // rows per enqueue_many with queue_as_read

}  // namespace

struct EngineCsvUpload::Impl {
  Engine& engine;
  std::string deployment;
  CallOptions shared;
  std::int64_t now;
  TextArena text;  // the held rows' text (views into it stay valid until release())
  std::vector<EngineRow> rows;    // held, in file order
  // The rows' own policies (SPEC 14 columns), each distinct one once; a row names its 1 + index.
  std::vector<RowPolicy> policies;
  std::string last_policy_key;
  std::uint32_t last_policy = 0;
  std::vector<FilePlace> places;  // each held row's place in the file, for enqueue_problems
  bool holding = true;            // false once the upload cannot be accepted
  bool finished = false;
  bool queue_as_read = false;     // rows go to the engine in batches as they come (see the header)
  std::uint64_t queued = 0;       // rows handed to the engine so far
  EngineCsvResult result;
  Problems enqueue_problems;
  std::unique_ptr<CsvValidator> validator;

  Impl(Engine& e, std::string_view d, const CallOptions& s, const CsvOptions& options, bool as_read)
      : engine(e), deployment(d), shared(s), now(options.validation.now), queue_as_read(as_read) {
    validator = std::make_unique<CsvValidator>(shared, options, [this](const CsvRow& r) { hold(r); });
    // Nothing queued yet: enqueue_many checks the time and the deployment (and these default
    // options, which are valid) and changes nothing for zero rows.
    Problems problems;
    CallRef ignored = 0;
    if (!engine.enqueue_many(deployment, CallOptions{}, {}, now, ignored, problems))
      validator->add_upload_problems(problems);
    drop_if_refused();
  }

  void hold(const CsvRow& r) {
    if (!holding) return;
    // The validator checked it, and parsed the number: its key spares the dial a parse.
    std::uint32_t policy = 0;
    if (r.calling_hours || r.timezone) {
      std::string key = r.calling_hours ? calling_hours_text(*r.calling_hours) : std::string("-");
      key += '|';
      if (r.timezone) key += tz::zone_name(*r.timezone);
      if (key != last_policy_key || !last_policy) {
        // Rows mostly repeat one policy (or a few, in runs): a linear look back is enough.
        last_policy = 0;
        for (std::uint32_t i = 0; i < policies.size() && !last_policy; ++i) {
          const RowPolicy& p = policies[i];
          if (p.calling_hours.has_value() == (r.calling_hours != nullptr) && p.timezone.has_value() == (r.timezone != nullptr) &&
              (!r.calling_hours || *p.calling_hours == *r.calling_hours) && (!r.timezone || *p.timezone == *r.timezone))
            last_policy = i + 1;
        }
        if (!last_policy) {
          RowPolicy p;
          if (r.calling_hours) p.calling_hours = *r.calling_hours;
          if (r.timezone) p.timezone = *r.timezone;
          policies.push_back(p);
          last_policy = static_cast<std::uint32_t>(policies.size());
        }
        last_policy_key = std::move(key);
      }
      policy = last_policy;
    }
    rows.push_back({text.hold(r.phone_number), text.hold(r.metadata), true, r.destination.number.key(), policy});
    places.push_back({r.row, r.line});
    if (queue_as_read && rows.size() >= kBatch) queue_held();
  }

  // The held rows go to the engine now (at finish(), or with queue_as_read every kBatch rows).
  void queue_held() {
    if (rows.empty()) return;
    Problems problems;
    CallRef first = 0;
    if (engine.enqueue_many(deployment, shared, rows, now, first, problems, policies)) {
      if (queued == 0) result.first = first;
      queued += rows.size();
      // The engine has its own copy: the next batch reuses this one's memory.
      text.rollback({});
      rows.clear();
      places.clear();
    } else {
      place_problems(problems);
      holding = false;
      release();
    }
  }

  // The engine's problems for held rows, with their place in the file.
  void place_problems(Problems& problems) {
    for (Problem& p : problems) {
      if (p.row >= 1 && p.row <= places.size()) {
        const FilePlace& place = places[p.row - 1];
        p.row = place.row;
        p.line = place.line;
      }
      enqueue_problems.push_back(std::move(p));
    }
  }

  void release() {
    text.clear();
    std::vector<EngineRow>().swap(rows);
    std::vector<FilePlace>().swap(places);
  }

  void drop_if_refused() {
    if (holding && !validator->can_commit()) {
      holding = false;
      release();
    }
  }

  EngineCsvResult finish() {
    if (finished) return result;
    finished = true;
    result.summary = validator->finish();
    CsvSummary& s = result.summary;
    // The held rows: all of them, or with queue_as_read those since the last batch.
    if (holding && s.ok) queue_held();
    release();
    for (const Problem& p : enqueue_problems) {
      ++s.counts[static_cast<std::size_t>(p.code)];
      if (p.severity == Severity::error) ++s.errors;
      else ++s.warnings;
    }
    if (!enqueue_problems.empty()) s.ok = false;
    s.queued = queued;
    return result;
  }
};

EngineCsvUpload::EngineCsvUpload(Engine& engine, std::string_view deployment, const CallOptions& shared,
                                 const CsvOptions& options, bool queue_as_read)
    : impl_(std::make_unique<Impl>(engine, deployment, shared, options, queue_as_read)) {}

EngineCsvUpload::~EngineCsvUpload() = default;

void EngineCsvUpload::add_upload_problems(const Problems& problems) {
  impl_->validator->add_upload_problems(problems);
  impl_->drop_if_refused();
}

void EngineCsvUpload::push(std::string_view chunk) {
  if (impl_->finished) return;
  impl_->validator->push(chunk);
  impl_->drop_if_refused();
}

EngineCsvResult EngineCsvUpload::finish() { return impl_->finish(); }

std::uint64_t EngineCsvUpload::rows() const noexcept { return impl_->validator->rows(); }
std::uint64_t EngineCsvUpload::bytes() const noexcept { return impl_->validator->bytes(); }
const Problems& EngineCsvUpload::problems() const noexcept { return impl_->validator->problems(); }
const Problems& EngineCsvUpload::enqueue_problems() const noexcept { return impl_->enqueue_problems; }

}  // namespace fuse
