// One protocol line, built once and shared by every receiver's queue.
//
// A broadcast to N receivers costs N reference-count increments, not N
// copies. The count is intrusive (one word beside the text, no separate
// control block) and atomic, because the threads engine releases lines on
// other threads than the one that built them. Line buffers are recycled
// through a small pool, so building a line on the hot path allocates
// nothing once the pool is warm.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace chat {

class SharedLine {
 public:
  SharedLine() noexcept = default;
  SharedLine(const SharedLine& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  SharedLine(SharedLine&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedLine& operator=(const SharedLine& other) noexcept {
    if (other.block_ != nullptr) other.block_->refs.fetch_add(1, std::memory_order_relaxed);
    reset();
    block_ = other.block_;
    return *this;
  }
  SharedLine& operator=(SharedLine&& other) noexcept {
    if (this != &other) {
      reset();
      block_ = std::exchange(other.block_, nullptr);
    }
    return *this;
  }
  ~SharedLine() { reset(); }

  void reset() noexcept {
    if (block_ != nullptr && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) recycle(block_);
    block_ = nullptr;
  }

  // The whole line, including its trailing "\n".
  [[nodiscard]] const std::string& operator*() const noexcept { return block_->text; }
  [[nodiscard]] const std::string* operator->() const noexcept { return &block_->text; }
  explicit operator bool() const noexcept { return block_ != nullptr; }
  // What holding this line keeps allocated: its block, its text's heap
  // buffer if the text does not fit inline, and the allocator's header on
  // each (see docs/SECURITY.md, "Memory bound").
  [[nodiscard]] std::size_t footprint() const noexcept { return footprint_for(block_->text.capacity()); }
  // The same for a text buffer of `capacity` bytes.
  [[nodiscard]] static std::size_t footprint_for(std::size_t capacity) noexcept;

  // Identity, for tests: two handles to the same line compare equal.
  [[nodiscard]] const void* get() const noexcept { return block_; }

  // Builds a line in a pooled buffer: `fill(std::string&)` appends the text
  // to an empty string whose capacity is usually already there.
  template <class Fill>
  static SharedLine build(Fill&& fill) {
    SharedLine line(acquire());
    fill(line.block_->text);
    return line;
  }

 private:
  struct Block {
    std::atomic<std::uint32_t> refs{1};
    std::string text;
  };
  friend struct LinePool;

  explicit SharedLine(std::unique_ptr<Block> block) noexcept : block_(block.release()) {}
  static std::unique_ptr<Block> acquire();  // from the pool, text empty, refs 1
  static void recycle(Block* block) noexcept;

  Block* block_ = nullptr;  // owned jointly by every handle; see recycle()
};

inline SharedLine make_line(std::string_view text_with_newline) {
  return SharedLine::build([&](std::string& out) { out.append(text_with_newline); });
}

}  // namespace chat
