// TextArena: the core's one arena for text (internal).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace fuse {

// Append-only text in blocks that start at 4 KiB and double up to 1 MiB (a small holder stays
// small) and never move: a reference is (block << 32 | offset), and a view of held text stays
// valid until clear(). The engine keeps its calls' text here; an upload holds its rows' text here
// until they are queued.
class TextArena {
 public:
  std::uint64_t add(std::string_view a, std::string_view b) {
    const std::size_t n = a.size() + b.size();
    if (n == 0) return 0;
    if (blocks_.empty() || used_ + n > block_size_) {
      const std::size_t next = blocks_.empty() ? kFirstBlock : std::min(kBlock, std::max(kFirstBlock, block_size_ * 2));
      block_size_ = n > next ? n : next;
      if (blocks_.empty()) block_size_of_first_ = block_size_;
      blocks_.push_back(std::unique_ptr<char[]>(new char[block_size_]));
      allocated_ += block_size_;
      used_ = 0;
    }
    char* p = blocks_.back().get() + used_;
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
    const std::uint64_t ref = (static_cast<std::uint64_t>(blocks_.size() - 1) << 32) | used_;
    used_ += n;
    return ref;
  }
  // Holds a copy of `s`; the view stays valid until clear().
  std::string_view hold(std::string_view s) { return get(add(s, {}), 0, s.size()); }
  std::string_view get(std::uint64_t ref, std::size_t offset, std::size_t length) const noexcept {
    if (length == 0) return {};
    return {blocks_[ref >> 32].get() + (ref & 0xFFFFFFFFu) + offset, length};
  }
  // Every block (the last one's unused tail included) and their pointer array.
  std::size_t memory_bytes() const noexcept {
    return allocated_ + blocks_.capacity() * sizeof(blocks_[0]);
  }
  // Empties it, keeping the first block (unless it was made for one huge text) for reuse.
  void clear() {
    if (!blocks_.empty() && block_size_of_first_ <= kBlock) {
      blocks_.resize(1);
      block_size_ = block_size_of_first_;
      allocated_ = block_size_;
    } else {
      blocks_.clear();
      block_size_ = allocated_ = 0;
    }
    used_ = 0;
  }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  static constexpr std::size_t kFirstBlock = std::size_t{1} << 12;
  std::size_t block_size_of_first_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0, block_size_ = 0, allocated_ = 0;
};

}  // namespace fuse
