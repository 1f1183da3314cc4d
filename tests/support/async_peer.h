// A non-blocking TCP client for single-threaded drivers that juggle many
// connections in one poll() loop (fuzz and soak tests): it never blocks, it
// buffers what the socket does not take, and it splits input into lines.
#pragma once

#include <poll.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "unique_fd.h"

namespace chat::test {

class AsyncPeer {
 public:
  // Starts connecting to 127.0.0.1:port. `rcvbuf` > 0 sets SO_RCVBUF first
  // (a small window keeps chatd's output queued in chatd). Throws if the
  // socket cannot even be created.
  explicit AsyncPeer(std::uint16_t port, int rcvbuf = 0);

  // The name chatd gives this peer before /nick: "127.0.0.1:54321".
  [[nodiscard]] const std::string& address_name() const { return name_; }
  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] bool open() const { return static_cast<bool>(fd_); }
  // Bytes queued but not yet taken by the socket.
  [[nodiscard]] std::size_t unsent() const { return out_.size(); }

  // Queues bytes; they go out on flush().
  void queue(std::string_view bytes) { out_.append(bytes); }
  void queue_line(std::string_view line) {
    out_.append(line);
    out_ += '\n';
  }

  // What to ask poll() for: POLLOUT while output is pending, POLLIN if `read`.
  [[nodiscard]] short events(bool read) const;

  enum class Io { ok, closed };
  // Writes what the socket takes now. `closed` on a reset or other error.
  Io flush();
  // Reads at most `max_bytes` (in 64 KiB reads) and appends each complete
  // line, without its "\n", to `lines`. `closed` on EOF or error (the
  // trailing partial line is dropped).
  Io receive(std::vector<std::string>& lines,
             std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

  void shutdown_write();
  void close_reset();  // abortive close: SO_LINGER 0, the kernel sends RST
  void close();        // orderly close: FIN

 private:
  UniqueFd fd_;
  std::string name_;
  std::string out_;
  std::string in_;
};

}  // namespace chat::test
