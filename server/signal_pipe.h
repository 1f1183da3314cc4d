// SIGINT and SIGTERM turned into a readable byte (the self-pipe trick), so
// every engine, select included, learns of them through its normal wait and
// nothing but write() runs inside the handler.
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

 private:
  SignalPipe(UniqueFd r, UniqueFd w) : read_(std::move(r)), write_(std::move(w)) {}
  UniqueFd read_, write_;
};

}  // namespace chat
