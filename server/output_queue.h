// One receiver's unsent output: shared lines waiting for the socket, with
// the bound that keeps a slow reader from costing anyone else anything.
//
// Pure bookkeeping (no sockets, the clock passed in), so the skip and stall
// rules are unit-tested without waiting.
#pragma once

#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <vector>
#include <span>

#include "shared_line.h"

namespace chat {

class OutputQueue {
 public:
  using Clock = std::chrono::steady_clock;

  explicit OutputQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Queues `line` unless that would take the unsent bytes past the limit, in
  // which case the line is skipped for this receiver and counted. Returns
  // whether it was queued. `now` starts the stall clock if the queue was empty.
  bool push(const SharedLine& line, Clock::time_point now);

  // Fills `iov` with the unsent bytes, oldest first; returns how many
  // entries were used.
  std::size_t gather(std::span<iovec> iov) const;

  // Marks `n` bytes as written (n > 0 restarts the stall clock). When the
  // queue drains below half the limit after skipping lines, queues the
  // "N messages skipped" notice.
  void consume(std::size_t n, Clock::time_point now);

  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t skipped() const noexcept { return skipped_; }

  // The reader made progress that consume() cannot see (the kernel's send
  // queue shrank): restarts the stall clock.
  void note_progress(Clock::time_point now) noexcept { progress_at_ = now; }

  // True if output has been pending with no byte accepted for `limit`.
  [[nodiscard]] bool stalled(Clock::time_point now, Clock::duration limit) const noexcept {
    return !empty() && now - progress_at_ >= limit;
  }

 private:
  void grow();
  void pop_front();

  std::size_t max_bytes_;
  // A ring of lines, oldest at head_: unlike a deque it allocates only when
  // it grows, not every few dozen pushes. Its capacity is a power of two.
  std::vector<SharedLine> ring_;
  std::size_t mask_ = 0;  // ring_.size() - 1, or 0 before the first push
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t front_offset_ = 0;  // bytes of the oldest line already written
  std::size_t bytes_ = 0;         // unsent bytes in total
  std::size_t skipped_ = 0;       // lines skipped since the last notice
  Clock::time_point progress_at_{};
};

}  // namespace chat
