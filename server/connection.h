// One client's connection: its socket, its line framer (the read side) and
// its output queue (the write side). The reactor drives it; the room sees it
// only as a Member to deliver lines to.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "line_framer.h"
#include "options.h"
#include "output_queue.h"
#include "rate_limiter.h"
#include "room.h"
#include "send_progress.h"
#include "socket_address.h"
#include "unique_fd.h"

namespace chat {

// State shared by every connection of one loop: the time of the current
// iteration (so a broadcast to 10,000 receivers reads the clock once) and
// the connections that got output during it, flushed before the loop sleeps.
struct LoopContext {
  OutputQueue::Clock::time_point now{};
  std::vector<class Connection*> to_flush;
};

class Connection final : public Member {
 public:
  Connection(UniqueFd fd, PeerAddress peer, const Options& options, LoopContext& loop);

  // Member: queue a line (or count it as skipped) and schedule a flush.
  void deliver(const SharedLine& line) override;

  enum class IoStatus { ok, eof, error };

  // Reads what the socket has (up to a fair share per call) through the
  // framer; calls on_frame(const Frame&) -> bool for each line, which
  // returns false to stop reading (the connection is closing).
  template <class OnFrame>
  IoStatus read_lines(std::span<char> scratch, OnFrame&& on_frame);

  // Writes queued output with writev until the queue is empty or the socket
  // is full. `ok` with output still queued means "wait until writable".
  IoStatus flush();

  // While output waits for a full socket: whether the peer took bytes out
  // of the kernel's send queue since the last call (see send_progress.h).
  bool peer_read_since_last_check() { return send_progress_.peer_read_since_last_check(fd_.get()); }

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] const PeerAddress& peer() const noexcept { return peer_; }
  [[nodiscard]] const std::string& peer_name() const noexcept { return peer_name_; }
  [[nodiscard]] const OutputQueue& output() const noexcept { return output_; }
  void note_output_progress(OutputQueue::Clock::time_point now) noexcept { output_.note_progress(now); }

  // The reactor's bookkeeping for this connection.
  std::optional<Room::MemberId> member;  // set while in the room
  bool reading = true;                   // false after EOF, /quit or shutdown
  bool dead = false;                     // closed this iteration; reaped after it
  bool flush_scheduled = false;          // already in LoopContext::to_flush
  unsigned interest = 0;                 // what the poller watches for
  OutputQueue::Clock::time_point last_input;  // for --idle-timeout
  RateLimiter rate_limiter;                   // for --rate-limit

 private:
  UniqueFd fd_;
  PeerAddress peer_;
  std::string peer_name_;
  LineFramer framer_;
  OutputQueue output_;
  LoopContext& loop_;
  SendProgress send_progress_;
};

template <class OnFrame>
Connection::IoStatus Connection::read_lines(std::span<char> scratch, OnFrame&& on_frame) {
  // A few reads per wake-up at most, so one fast sender cannot starve the
  // others; level-triggered pollers report the rest next time.
  for (int round = 0; round < 4; ++round) {
    const ssize_t n = ::read(fd_.get(), scratch.data(), scratch.size());
    if (n > 0) {
      bool keep_going = true;
      framer_.feed(std::string_view(scratch.data(), static_cast<std::size_t>(n)), [&](const Frame& f) {
        keep_going = on_frame(f);
        return keep_going;
      });
      // A short read means the socket is drained: skip the EAGAIN round trip.
      if (!keep_going || static_cast<std::size_t>(n) < scratch.size()) return IoStatus::ok;
      continue;
    }
    if (n == 0) return IoStatus::eof;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::ok;
    if (errno != EINTR) return IoStatus::error;
  }
  return IoStatus::ok;
}

}  // namespace chat
