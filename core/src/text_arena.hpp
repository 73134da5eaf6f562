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

// Append-only text in blocks that start at 4 KiB and double up to 64 KiB (a small holder stays
// small; below glibc's mmap threshold, so blocks reuse freed heap memory, such as an upload's
// buffers, instead of mapping fresh pages) and never move: a reference is (block << 32 | offset), and a view of held text stays
// valid until clear(), or until a rollback to a mark taken before it. The engine keeps its calls'
// text here; an upload holds its rows' text here until they are queued, rolling back after each
// batch so the next one reuses the same blocks.
class TextArena {
 public:
  // A place in the arena to roll back to: what was added after it is dropped, its blocks kept.
  struct Mark {
    std::size_t block = 0;
    std::size_t used = 0;
  };

  std::uint64_t add(std::string_view a, std::string_view b) {
    const std::size_t n = a.size() + b.size();
    if (n == 0) return 0;
    if (blocks_.empty() || used_ + n > blocks_[current_].size) next_block(n);
    char* p = blocks_[current_].data.get() + used_;
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
    const std::uint64_t ref = (static_cast<std::uint64_t>(current_) << 32) | used_;
    used_ += n;
    return ref;
  }
  // Holds a copy of `s`; the view stays valid until clear() (or a rollback past it).
  std::string_view hold(std::string_view s) { return get(add(s, {}), 0, s.size()); }
  std::string_view get(std::uint64_t ref, std::size_t offset, std::size_t length) const noexcept {
    if (length == 0) return {};
    return {blocks_[ref >> 32].data.get() + (ref & 0xFFFFFFFFu) + offset, length};
  }
  Mark mark() const noexcept { return {current_, used_}; }
  // Drops what was added after `m`, keeping every block for what comes next.
  void rollback(Mark m) noexcept {
    current_ = m.block;
    used_ = m.used;
  }
  // Every block (unused tails included) and their array.
  std::size_t memory_bytes() const noexcept { return allocated_ + blocks_.capacity() * sizeof(blocks_[0]); }
  // Empties it, keeping the first block (unless it was made for one huge text) for reuse.
  void clear() {
    if (!blocks_.empty() && blocks_[0].size <= kBlock) {
      blocks_.resize(1);
      allocated_ = blocks_[0].size;
    } else {
      blocks_.clear();
      allocated_ = 0;
    }
    current_ = used_ = 0;
  }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size;
  };

  // Moves on to a block with room for n bytes: the next one kept from before a rollback, or a new
  // one twice the size of the last (a kept block too small for n is passed over, staying unused).
  void next_block(std::size_t n) {
    const bool started = !blocks_.empty();
    std::size_t i = started ? current_ + 1 : 0;
    while (i < blocks_.size() && blocks_[i].size < n) ++i;
    if (i == blocks_.size()) {
      const std::size_t last = started ? blocks_.back().size : 0;
      const std::size_t next = started ? std::min(kBlock, std::max(kFirstBlock, last * 2)) : kFirstBlock;
      const std::size_t size = n > next ? n : next;
      blocks_.push_back({std::unique_ptr<char[]>(new char[size]), size});
      allocated_ += size;
      i = blocks_.size() - 1;
    }
    current_ = i;
    used_ = 0;
  }

  static constexpr std::size_t kBlock = std::size_t{1} << 16;
  static constexpr std::size_t kFirstBlock = std::size_t{1} << 12;
  std::vector<Block> blocks_;
  std::size_t current_ = 0, used_ = 0, allocated_ = 0;
};

}  // namespace fuse
