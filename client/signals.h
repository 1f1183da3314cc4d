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

  // Readable once SIGINT or SIGTERM arrived.
  [[nodiscard]] int fd() const noexcept { return read_end_.get(); }

 private:
  UniqueFd read_end_, write_end_;
};

// A peer that closed its socket must not kill us with SIGPIPE: the write
// fails with EPIPE instead and the loop reports the disconnect.
void ignore_sigpipe();

}  // namespace chat::client
