// Whether a peer is reading, seen from the kernel's send queue.
//
// A slow reader frees socket space a little at a time, and the socket is
// reported writable (and a blocking send wakes) only once a good part of a
// possibly megabytes-large send buffer is free. A reader that reads slowly
// but steadily would then look stalled for longer than --stall-timeout.
// Both engines ask this before calling a reader stalled.
#pragma once

namespace chat {

class SendProgress {
 public:
  // True if the kernel's send queue for `fd` shrank since the last call,
  // i.e. the peer took bytes. Always false where the system cannot tell.
  bool peer_read_since_last_check(int fd);
  // `bytes` were just written to the socket: the next check expects the
  // queue that much longer, so only bytes the peer took show as a shrink.
  void wrote(int bytes) noexcept {
    if (unsent_ >= 0) unsent_ += bytes;
  }

  // Bytes the kernel holds for `fd` that it has not sent yet (the peer's
  // window is closed, or they are on their way out); -1 where the system
  // cannot tell. The threads engine's writer watches these: lines can sit
  // there, out of its queue, with the peer taking none of them.
  static int unsent_bytes(int fd);

 private:
  int unsent_ = -1;  // bytes queued in the kernel at the last check
};

}  // namespace chat
