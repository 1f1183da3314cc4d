// One connection to the server as the interactive session uses it: a
// non-blocking socket, the bytes queued for it, and the lines coming back.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "line_framer.h"
#include "transport/server_stream.h"

namespace chat::client {

class ServerLink {
 public:
  explicit ServerLink(ServerStream server);

  [[nodiscard]] int fd() const noexcept { return server_.fd(); }
  [[nodiscard]] bool wants_write() const noexcept {
    return (sent_ < out_.size() && !broken_) || server_.read_wants_write();
  }
  // TLS: a write waits for the socket to become readable (send_pending on
  // either event then).
  [[nodiscard]] bool write_wants_read() const noexcept { return server_.write_wants_read(); }
  // TLS: a read waits for the socket to become writable (read on either).
  [[nodiscard]] bool read_wants_write() const noexcept { return server_.read_wants_write(); }

  void queue(std::string_view bytes);
  // Sends what the socket takes now. False once the connection is broken.
  bool send_pending();
  // Half-closes once everything queued is sent (the user has nothing more
  // to say); the server answers by closing after its last lines.
  void finish_when_sent() noexcept { finishing_ = true; }
  void shutdown_if_done();

  enum class ReadResult { open, closed };
  // Reads what arrived and calls `on_line` for each complete line (the raw
  // text, not yet sanitized) or for "! overlong line from server skipped".
  // `closed` on EOF or error; a last line without "\n" is still delivered.
  ReadResult read(const std::function<void(std::string_view)>& on_line);

 private:
  ServerStream server_;
  std::string out_;
  std::size_t sent_ = 0;
  LineFramer lines_;
  bool broken_ = false;
  bool finishing_ = false;
  bool half_closed_ = false;
};

}  // namespace chat::client
