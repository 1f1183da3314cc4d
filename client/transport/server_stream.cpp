#include "transport/server_stream.h"

#include <sys/socket.h>

#include <cerrno>

namespace chat::client {

namespace {

bool retry_later(int error) { return error == EINTR || error == EAGAIN || error == EWOULDBLOCK; }

IoResult plain_result(ssize_t n, bool reading) {
  if (n > 0) return {IoResult::Kind::bytes, static_cast<std::size_t>(n)};
  if (n < 0 && retry_later(errno)) return {};
  if (n == 0 && !reading) return {};
  return {IoResult::Kind::closed, 0};
}

}  // namespace

IoResult ServerStream::read(std::span<char> buf) {
  if (!tls_) return plain_result(::recv(socket_.get(), buf.data(), buf.size(), 0), true);
  read_wants_write_ = false;
  return tls_result(tls_.read(buf), true);
}

IoResult ServerStream::write(std::string_view bytes) {
  if (!tls_) return plain_result(::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL), false);
  write_wants_read_ = false;
  return tls_result(tls_.write(bytes), false);
}

IoResult ServerStream::tls_result(const tls::Result& r, bool reading) {
  switch (r.status) {
    case tls::Status::done:
      return {IoResult::Kind::bytes, r.bytes};
    case tls::Status::want_read:
      if (!reading) write_wants_read_ = true;
      return {};
    case tls::Status::want_write:
      if (reading) read_wants_write_ = true;
      return {};
    case tls::Status::error:
      if (r.error.empty() && retry_later(errno)) return {};
      [[fallthrough]];
    case tls::Status::closed:  // close_notify, a reset, a TLS alert: the end either way
      break;
  }
  return {IoResult::Kind::closed, 0};
}

void ServerStream::shutdown_write() noexcept {
  // close_notify first (not waiting for the server's: its EOF still reaches
  // read()), then the TCP write side.
  if (tls_) tls_.shutdown();
  ::shutdown(socket_.get(), SHUT_WR);
}

}  // namespace chat::client
