// libFuzzer target: queue-request validation on arbitrary params text, and the sensitive-data scan
// on arbitrary key/value pairs. Checks what must hold for every input, not just that nothing crashes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuse/bridge_validation.hpp"
#include "fuse/queue_request.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_problems(const fuse::Problems& problems) {
  for (const auto& p : problems) {
    check(fuse::code_name(p.code) != "unknown");
    check(!p.message.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const fuse::ValidationOptions options{1700000000, size % 2 == 1};

  fuse::QueueRequest request;
  fuse::Problems problems;
  const bool ok = fuse::validate_queue_request(input, options, request, problems);
  check(ok == !fuse::has_error(problems));
  check_problems(problems);
  if (ok) {
    check(request.metadata.size() <= fuse::kMaxMetadataBytes);
    check(request.options.max_attempts >= 1 && request.options.max_attempts <= 10);
    check(request.options.result_url.size() <= 4 * fuse::kMaxResultUrlChars);
    // Normalised metadata reads back as itself.
    if (!request.metadata.empty()) {
      fuse::QueueRequest again;
      fuse::Problems again_problems;
      check(fuse::validate_queue_request("{\"phone_number\":\"6175551234\",\"metadata\":" + request.metadata + "}",
                                         fuse::ValidationOptions{0, false}, again, again_problems));
      check(again.metadata == request.metadata);
    }
  }
  const std::string json = fuse::bridge::validate_queue_request(input, "{\"now\":1700000000}");
  check(json.rfind("{\"ok\":", 0) == 0 && json.back() == '}');

  // key '\0' value: the scan on its own.
  const std::size_t split = input.find('\0');
  if (split != std::string_view::npos) {
    fuse::Problems scan;
    fuse::scan_sensitive_metadata(input.substr(0, split), input.substr(split + 1), options, "f", scan);
    check_problems(scan);
    check(scan.size() <= 3);
  }
  return 0;
}
