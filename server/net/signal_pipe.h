// SIGINT, SIGTERM and SIGHUP turned into a readable byte (the self-pipe
// trick), so every engine, select included, learns of them through its
// normal wait and nothing but write() runs inside the handler. The byte is
// the signal number.
#pragma once

#include <system_error>

#include "unique_fd.h"

namespace chat {

class SignalPipe {
 public:
  // Installs the handlers and ignores SIGPIPE (a peer that vanished mid-write
  // must cost an EPIPE, not the server). Only one may exist at a time.
  static SignalPipe install(std::error_code& error);

  [[nodiscard]] int read_fd() const noexcept { return read_.get(); }

  // What the bytes waiting on `read_fd` ask for; reads them all.
  struct Received {
    bool stop = false;    // SIGINT or SIGTERM
    bool hangup = false;  // SIGHUP: reload (nothing to reload yet: logged)
  };
  static Received drain(int read_fd);
  // The one line chatd logs for a SIGHUP.
  static void log_hangup();

 private:
  SignalPipe(UniqueFd r, UniqueFd w) : read_(std::move(r)), write_(std::move(w)) {}
  UniqueFd read_, write_;
};

}  // namespace chat
