#include "server_stream.h"

#include <openssl/err.h>
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
  if (!ssl_) return plain_result(::recv(socket_.get(), buf.data(), buf.size(), 0), true);
  read_wants_write_ = false;
  ERR_clear_error();
  return tls_result(SSL_read(ssl_.get(), buf.data(), static_cast<int>(buf.size())), true);
}

IoResult ServerStream::write(std::string_view bytes) {
  if (!ssl_) return plain_result(::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL), false);
  write_wants_read_ = false;
  ERR_clear_error();
  return tls_result(SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size())), false);
}

IoResult ServerStream::tls_result(int rc, bool reading) {
  if (rc > 0) return {IoResult::Kind::bytes, static_cast<std::size_t>(rc)};
  switch (SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_WANT_READ:
      if (!reading) write_wants_read_ = true;
      return {};
    case SSL_ERROR_WANT_WRITE:
      if (reading) read_wants_write_ = true;
      return {};
    case SSL_ERROR_SYSCALL:
      if (retry_later(errno)) return {};
      [[fallthrough]];
    default:  // close_notify, a reset, a TLS alert: the end either way
      ERR_clear_error();
      return {IoResult::Kind::closed, 0};
  }
}

void ServerStream::shutdown_write() noexcept {
  if (ssl_) {
    // Sends close_notify; not waiting for the server's (SSL_shutdown would
    // return 0 now): its EOF still reaches read().
    ERR_clear_error();
    (void)SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  ::shutdown(socket_.get(), SHUT_WR);
}

}  // namespace chat::client
