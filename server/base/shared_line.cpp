#include "base/shared_line.h"

#include <mutex>
#include <vector>

namespace chat {

// Free line buffers, shared by every thread (the threads engine builds a
// line on one thread and frees it on another). One uncontended lock per
// line built and per line freed, amortized over all its receivers.
struct LinePool {
  // Enough for every line in flight in a busy room; beyond this, buffers
  // are freed. A buffer grown past kMaxKeptCapacity by one long line is not
  // kept either, so the pool's memory stays small.
  static constexpr std::size_t kMaxFree = 4096;
  static constexpr std::size_t kMaxKeptCapacity = 1024;

  std::mutex mutex;
  std::vector<std::unique_ptr<SharedLine::Block>> free;

  static LinePool& instance() {
    static LinePool pool;
    return pool;
  }
};

std::size_t SharedLine::footprint_for(std::size_t capacity) noexcept {
  // glibc malloc: 8 bytes of header, chunks rounded up to 16.
  constexpr auto allocated = [](std::size_t n) { return (n + 8 + 15) / 16 * 16; };
  static const std::size_t inline_capacity = std::string().capacity();
  return allocated(sizeof(Block)) + (capacity > inline_capacity ? allocated(capacity + 1) : 0);
}

std::unique_ptr<SharedLine::Block> SharedLine::acquire() {
  LinePool& pool = LinePool::instance();
  {
    std::lock_guard lock(pool.mutex);
    if (!pool.free.empty()) {
      std::unique_ptr<Block> block = std::move(pool.free.back());
      pool.free.pop_back();
      return block;
    }
  }
  return std::make_unique<Block>();
}

void SharedLine::recycle(Block* raw) noexcept {
  std::unique_ptr<Block> block(raw);  // the last handle's ownership, made explicit
  if (block->text.capacity() > LinePool::kMaxKeptCapacity) return;
  block->text.clear();
  block->refs.store(1, std::memory_order_relaxed);
  LinePool& pool = LinePool::instance();
  std::lock_guard lock(pool.mutex);
  if (pool.free.size() < LinePool::kMaxFree) pool.free.push_back(std::move(block));
}

}  // namespace chat
