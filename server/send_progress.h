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

 private:
  int unsent_ = -1;  // bytes queued in the kernel at the last check
};

}  // namespace chat
