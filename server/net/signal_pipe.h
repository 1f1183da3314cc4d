// SIGINT, SIGTERM, SIGHUP and SIGUSR1 turned into a readable byte (the
// self-pipe trick), so every engine, select included, learns of them
// through its normal wait and nothing but write() runs inside the handler.
// The byte is the signal number. SIGUSR2 is ignored: no signal an operator
// may send by habit ends chatd unannounced (docs/OPERATIONS.md lists them).
#pragma once

#include <functional>
#include <system_error>

#include "unique_fd.h"

namespace chat {

class SignalPipe {
 public:
  // Installs the handlers and ignores SIGPIPE (a peer that vanished mid-write
  // must cost an EPIPE, not the server). Only one may exist at a time.
  static SignalPipe install(std::error_code& error);

  [[nodiscard]] int read_fd() const noexcept { return read_.get(); }

  // What drain() does itself, on the thread that calls it (the loop's):
  // set by main before the engine runs; an empty one is not called.
  struct Handlers {
    std::function<void()> reload;    // SIGHUP; then drain() reports no hangup
    std::function<void()> report;    // SIGUSR1 (without one it is ignored)
    std::function<void()> stopping;  // SIGINT or SIGTERM, before drain() reports stop
  };
  static void set_handlers(Handlers handlers);

  // What the bytes waiting on `read_fd` ask for; reads them all.
  struct Received {
    bool stop = false;    // SIGINT or SIGTERM
    bool hangup = false;  // SIGHUP without a reload handler: the engine reloads the TLS certificate
  };
  static Received drain(int read_fd);
  // The one line chatd logs for a SIGHUP.
  static void log_hangup();

 private:
  SignalPipe(UniqueFd r, UniqueFd w) : read_(std::move(r)), write_(std::move(w)) {}
  UniqueFd read_, write_;
};

}  // namespace chat
