// One round of sends handed to a completion engine at once (--engine
// uring): each entry points at one receiver's queued lines, the shared line
// buffers themselves (no copy), and gets back what the kernel made of its
// send: bytes sent, or an error. Applying a result to the queue is the
// bookkeeping a writev's return value needs on the other engines, kept
// here, pure, so short sends, EAGAIN, failures and entries dropped before
// their result are unit-tested without a socket (tests/unit/net).
#pragma once

#include <sys/uio.h>

#include <climits>
#include <cstddef>
#include <span>
#include <vector>

#include "net/output_queue.h"

namespace chat {

class SendBatch {
 public:
  // Lines per entry at most, like one writev.
  static constexpr std::size_t kMaxIovecs = IOV_MAX < 1024 ? IOV_MAX : 1024;
  // An entry the engine has not sent (it failed before, or never got to it).
  static constexpr int kNotSent = INT_MIN;

  struct Entry {
    int fd;
    void* owner;           // the caller's: whose queue this is
    std::size_t first;     // its iovecs: iovecs()[first, first + count)
    std::size_t count;
    std::size_t offered;   // bytes in them
    int result = kNotSent; // bytes sent, or -errno
    bool dropped = false;  // its owner went away: the result is not applied
  };

  // What applying a result means for the connection.
  enum class Outcome {
    sent,         // everything offered went; more may be queued behind it
    short_send,   // the socket took part of it: it is full, wait until writable
    would_block,  // EAGAIN: nothing went, wait until writable
    not_sent,     // EINTR, or never sent: nothing went, try again
    failed,       // the socket failed: close it
  };

  void clear() noexcept;
  // Adds an entry for `queue`'s unsent bytes, oldest first (at most
  // kMaxIovecs lines). The queue must not lose lines before the result is
  // applied; it may gain some.
  void add(int fd, void* owner, const OutputQueue& queue);

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] const Entry& entry(std::size_t i) const { return entries_[i]; }
  // The iovecs of entry `i`, for the engine's sendmsg.
  [[nodiscard]] std::span<iovec> iovecs(std::size_t i) {
    return std::span(iov_).subspan(entries_[i].first, entries_[i].count);
  }

  // The engine's answer for entry `i`: bytes sent or -errno.
  void set_result(std::size_t i, int result) noexcept { entries_[i].result = result; }
  // The owner of entry `i` was closed meanwhile: its result is not applied.
  void drop(std::size_t i) noexcept { entries_[i].dropped = true; }

  // Applies entry `i`'s result to `queue` (the one it was made from):
  // consumes the bytes sent, which restarts its stall clock.
  Outcome apply(std::size_t i, OutputQueue& queue, OutputQueue::Clock::time_point now) const;

 private:
  std::vector<Entry> entries_;
  // Entries' iovecs: [0, used_) is this round's. Only ever grows, so a
  // round does not clear 16 KiB per entry before gathering into it.
  std::vector<iovec> iov_;
  std::size_t used_ = 0;
};

}  // namespace chat
