// The byte stream to the server: a plain non-blocking socket, or the same
// socket with TLS on it once the handshake is done (tls_connect.h). The
// sessions read and write through it and never ask which.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "tls_stream.h"
#include "unique_fd.h"

namespace chat::client {

struct IoResult {
  enum class Kind { bytes, would_block, closed };
  Kind kind = Kind::would_block;
  std::size_t count = 0;  // kind bytes
};

class ServerStream {
 public:
  ServerStream() = default;
  explicit ServerStream(UniqueFd socket) noexcept : socket_(std::move(socket)) {}
  // `tls` runs on `socket`, its handshake done.
  ServerStream(UniqueFd socket, tls::Stream tls) noexcept : socket_(std::move(socket)), tls_(std::move(tls)) {}

  [[nodiscard]] int fd() const noexcept { return socket_.get(); }
  [[nodiscard]] bool is_tls() const noexcept { return static_cast<bool>(tls_); }

  // `closed` is the end of the stream (EOF, close_notify, reset or a TLS
  // error alike): the sessions report all of them as the server going away.
  IoResult read(std::span<char> buf);
  IoResult write(std::string_view bytes);
  // No more from us: close_notify (TLS), then the TCP write side. Reading
  // goes on until the server closes.
  void shutdown_write() noexcept;

  // Bytes TLS has decrypted but read() has not returned: poll() would not
  // report them, so read again before polling.
  [[nodiscard]] bool has_buffered() const noexcept { return tls_ && tls_.pending() > 0; }
  // TLS may need the other direction to progress (a read that must write a
  // reply, a write waiting on a read): poll for it too.
  [[nodiscard]] bool read_wants_write() const noexcept { return read_wants_write_; }
  [[nodiscard]] bool write_wants_read() const noexcept { return write_wants_read_; }

 private:
  IoResult tls_result(const tls::Result& r, bool reading);

  UniqueFd socket_;
  tls::Stream tls_;
  bool read_wants_write_ = false;
  bool write_wants_read_ = false;
};

}  // namespace chat::client
