#include "tls_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

namespace chat::tls {

void ContextFree::operator()(ssl_ctx_st* ctx) const noexcept { SSL_CTX_free(ctx); }
void SslFree::operator()(ssl_st* ssl) const noexcept { SSL_free(ssl); }

std::string take_error_line(std::string_view fallback) {
  std::string line;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    // "error:0A00010B:SSL routines::wrong version number": the reason is
    // what a user can act on; the rest is kept for searching.
    const char* reason = ERR_reason_error_string(code);
    if (!line.empty()) line += "; ";
    line += reason != nullptr ? reason : text;
  }
  return line.empty() ? std::string(fallback) : line;
}

std::variant<Stream, std::string> Stream::open(ssl_ctx_st* ctx, int fd, Role role, std::string_view server_name) {
  ERR_clear_error();
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) return "cannot create a TLS session: " + take_error_line();
  if (SSL_set_fd(ssl.get(), fd) != 1) return "cannot attach TLS to the socket: " + take_error_line();
  if (role == Role::server) {
    SSL_set_accept_state(ssl.get());
  } else {
    SSL_set_connect_state(ssl.get());
    if (!server_name.empty()) {
      const std::string name(server_name);
      if (SSL_set_tlsext_host_name(ssl.get(), name.c_str()) != 1) {
        return "cannot set the TLS server name: " + take_error_line();
      }
    }
  }
  return Stream(std::move(ssl));
}

Result Stream::outcome(int rc, std::size_t bytes) {
  if (rc == 1) return {Status::done, bytes, {}};
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_WANT_READ:
      return {Status::want_read, 0, {}};
    case SSL_ERROR_WANT_WRITE:
      return {Status::want_write, 0, {}};
    case SSL_ERROR_ZERO_RETURN:
      return {Status::closed, 0, {}};
    case SSL_ERROR_SYSCALL:
      // With SSL_OP_IGNORE_UNEXPECTED_EOF a bare EOF is ZERO_RETURN; this
      // is a socket error (a reset), or EOF in the middle of a handshake.
      if (ERR_peek_error() == 0) {
        ERR_clear_error();
        if (saved_errno == 0) {
          return {Status::error, 0, handshake_done() ? "connection closed" : "connection closed during the TLS handshake"};
        }
        return {Status::error, 0, std::strerror(saved_errno), /*socket_error=*/true};
      }
      return {Status::error, 0, take_error_line()};
    default:
      return {Status::error, 0, take_error_line()};
  }
}

Result Stream::handshake() {
  ERR_clear_error();
  errno = 0;
  const int rc = SSL_do_handshake(ssl_.get());
  return outcome(rc == 1 ? 1 : rc, 0);
}

bool Stream::handshake_done() const noexcept { return SSL_is_init_finished(ssl_.get()) == 1; }

Result Stream::read(std::span<char> out) {
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  const int rc = SSL_read_ex(ssl_.get(), out.data(), out.size(), &n);
  return outcome(rc == 1 ? 1 : 0, n);
}

Result Stream::write(std::span<const char> in) {
  ERR_clear_error();
  errno = 0;
  std::size_t n = 0;
  const int rc = SSL_write_ex(ssl_.get(), in.data(), in.size(), &n);
  return outcome(rc == 1 ? 1 : 0, n);
}

void Stream::shutdown() noexcept {
  if (!ssl_ || !handshake_done()) return;
  ERR_clear_error();
  // 0: sent, the peer's close_notify not awaited; <0: could not send now.
  [[maybe_unused]] const int rc = SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

std::size_t Stream::pending() const noexcept {
  const int n = SSL_pending(ssl_.get());
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

bool Stream::ktls_send() const noexcept { return BIO_get_ktls_send(SSL_get_wbio(ssl_.get())) == 1; }

bool Stream::ktls_recv() const noexcept { return BIO_get_ktls_recv(SSL_get_rbio(ssl_.get())) == 1; }

std::string Stream::description() const {
  const char* cipher = SSL_get_cipher_name(ssl_.get());
  return std::string(SSL_get_version(ssl_.get())) + " " + (cipher != nullptr ? cipher : "(none)");
}

}  // namespace chat::tls
