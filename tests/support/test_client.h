// A blocking-with-deadline TCP client that talks to chatd exactly as nc would.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "unique_fd.h"

namespace chat::test {

using namespace std::chrono_literals;

class TestClient {
 public:
  // Connects to host:port (127.0.0.1 or ::1). `rcvbuf` > 0 sets SO_RCVBUF
  // before connecting (for slow-reader tests). Throws on failure.
  explicit TestClient(std::uint16_t port, std::string host = "127.0.0.1", int rcvbuf = 0);

  // The name chatd gives this client before /nick: "127.0.0.1:54321".
  [[nodiscard]] const std::string& address_name() const { return name_; }

  // Sends raw bytes (blocking until all are written).
  void send_raw(std::string_view bytes);
  // Sends `line` followed by "\n".
  void send_line(std::string_view line);

  // Next line without its "\n"; nullopt on timeout or EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 5s);
  // Reads the next line and returns it; fails the current Catch2 test
  // (REQUIRE) if it is not exactly `expected` within the timeout.
  void expect_line(std::string_view expected, std::chrono::milliseconds timeout = 5s);
  // True once the server closed the connection (EOF or reset) within the
  // timeout, having discarded any lines before it.
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  // True if no complete line arrives within `window` (used sparingly, only
  // to check that something was NOT sent, after a barrier like /who).
  bool no_line_within(std::chrono::milliseconds window);

  void shutdown_write();   // half-close, as nc does at end of input
  void reset();            // abortive close (RST) via SO_LINGER 0
  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  std::string name_;
  std::string pending_;  // bytes read past the last returned line
  bool eof_ = false;
};

}  // namespace chat::test
