// One receiver's unsent output: shared lines waiting for the socket, with
// the bound that keeps a slow reader from costing anyone else anything.
// The bound counts memory, not payload: each queued line is charged what
// holding it keeps allocated (its text, its block, its ring slot), so
// --max-queue bounds what a receiver that never reads can pin, however
// short its lines (docs/SECURITY.md).
//
// Pure bookkeeping (no sockets, the clock passed in), so the skip and stall
// rules are unit-tested without waiting.
#pragma once

#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <vector>
#include <span>

#include "base/shared_line.h"
#include "core/renderer.h"

namespace chat {

class OutputQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // `notices` renders the queue's own "N messages skipped" notice in the
  // receiver's protocol; none: the classic protocol's.
  explicit OutputQueue(std::size_t max_bytes, const Renderer* notices = nullptr);

  // Control lines (shutdown, idle disconnect, refusals, drop and skip
  // notices) may use this much beyond the limit, so a full queue still
  // gets them.
  static constexpr std::size_t kControlReserve = 4096;

  // What queueing `line` is charged against the limit.
  [[nodiscard]] static std::size_t charge(const SharedLine& line) noexcept {
    return line.footprint() + 2 * sizeof(SharedLine);  // the ring keeps up to 2 slots per line
  }
  // What a line of `bytes` built for this receiver alone is charged, at
  // least (for deciding whether to build a reply at all).
  [[nodiscard]] static std::size_t charge_estimate(std::size_t bytes) noexcept;

  // A new --max-queue (SIGHUP): lines queued stay; the bound applies to
  // the next ones.
  void set_limit(std::size_t max_bytes) noexcept { max_bytes_ = max_bytes; }

  // response: a web port's HTTP response, queued before any line and
  // bounded by the embedded files' size, not by --max-queue.
  enum class Kind { normal, control, response };

  // Queues `line` unless that would take the charged memory past the limit
  // (plus kControlReserve for a control line), in which case the line is
  // skipped for this receiver and counted. Returns whether it was queued.
  // `now` starts the stall clock if the queue was empty.
  bool push(const SharedLine& line, Clock::time_point now, Kind kind = Kind::normal);

  // Whether `lines` lines of `bytes` in total would be queued now. If not,
  // they count as one skipped message (a reply not built at all).
  bool admit_reply(std::size_t bytes, std::size_t lines);
  // Counts a reply refused for another reason as one skipped message.
  void skip_reply() noexcept { ++skipped_; }

  // Fills `iov` with the unsent bytes, oldest first; returns how many
  // entries were used.
  std::size_t gather(std::span<iovec> iov) const;

  // Copies the first unsent bytes into `out` (as many as fit); returns how
  // many. For TLS, where each receiver encrypts its own copy.
  std::size_t copy_front(std::span<char> out) const;

  // Marks `n` bytes as written (n > 0 restarts the stall clock). When the
  // queue drains below half the limit after skipping lines, queues the
  // "N messages skipped" notice.
  void consume(std::size_t n, Clock::time_point now);

  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  // Memory charged for the queued lines; at most the limit plus the reserve.
  [[nodiscard]] std::size_t charged() const noexcept { return charged_; }
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

  [[nodiscard]] SharedLine skipped_notice(std::size_t count) const;

  std::size_t max_bytes_;
  const Renderer* notices_;

  // A ring of lines, oldest at head_: unlike a deque it allocates only when
  // it grows, not every few dozen pushes. Its capacity is a power of two.
  std::vector<SharedLine> ring_;
  std::size_t mask_ = 0;  // ring_.size() - 1, or 0 before the first push
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t front_offset_ = 0;  // bytes of the oldest line already written
  std::size_t bytes_ = 0;         // unsent bytes in total
  std::size_t charged_ = 0;       // charge() of every queued line
  std::size_t skipped_ = 0;       // lines skipped since the last notice
  Clock::time_point progress_at_{};
};

}  // namespace chat
