// SIGINT and SIGTERM turned into a readable fd (the self-pipe trick), so the
// poll loop sees them like any other event and no I/O happens in a handler.
#pragma once

#include "unique_fd.h"

namespace chat::client {

class SignalPipe {
 public:
  // Installs the handlers; there is at most one SignalPipe per process.
  // Throws std::system_error if the pipe cannot be made.
  SignalPipe();
  ~SignalPipe();  // restores the default dispositions
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  // Readable once SIGINT or SIGTERM arrived (or SIGWINCH, once watched).
  // Each signal writes its number as one byte.
  [[nodiscard]] int fd() const noexcept { return read_end_.get(); }

  // Also reports SIGWINCH (terminal resized); only the line editor cares.
  void watch_resize();

 private:
  UniqueFd read_end_, write_end_;
};

// Reads every byte waiting on a signal pipe. Returns whether a SIGINT or
// SIGTERM was among them and sets `resized` if a SIGWINCH was.
[[nodiscard]] bool drain_signals(int fd, bool& resized);

// A peer that closed its socket must not kill us with SIGPIPE: the write
// fails with EPIPE instead and the loop reports the disconnect.
void ignore_sigpipe();

}  // namespace chat::client
