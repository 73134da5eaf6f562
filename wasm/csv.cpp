// validateCsv / createCsvValidator (fuse/bridge_csv.hpp): a streaming validator as an embind class.
// JS must delete() it (js/api/common.js track/release; finish() releases it).
#include "binding.hpp"
#include "fuse/bridge_csv.hpp"

namespace fuse::wasm {
namespace {

class CsvValidation {
 public:
  CsvValidation(const std::string& params_json, const std::string& options_json)
      : validation_(params_json, options_json) {}

  // The chunk is already in the wasm heap (js/wasm-backend.js copies it there with one memcpy).
  val push(std::uintptr_t ptr, std::size_t len) {
    validation_.push(heap_bytes(ptr, len));
    val out = val::object();
    out.set("rows", static_cast<double>(validation_.rows()));
    out.set("bytes", static_cast<double>(validation_.bytes()));
    out.set("fileError", validation_.has_file_error());
    return out;
  }

  std::string finish() { return validation_.finish(); }

 private:
  bridge::CsvValidation validation_;
};

}  // namespace
}  // namespace fuse::wasm

EMSCRIPTEN_BINDINGS(fuse_csv) {
  emscripten::class_<fuse::wasm::CsvValidation>("CsvValidation")
      .constructor<const std::string&, const std::string&>()
      .function("push", &fuse::wasm::CsvValidation::push)
      .function("finish", &fuse::wasm::CsvValidation::finish);
}
