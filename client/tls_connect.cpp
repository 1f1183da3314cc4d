#include "tls_connect.h"

#include <openssl/err.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "tls_client_context.h"

namespace chat::client {

ConnectResult tls_handshake(UniqueFd socket, SSL_CTX* ctx, const std::string& host, const std::string& endpoint,
                            std::chrono::steady_clock::time_point deadline, int cancel_fd) {
  auto made = tls::make_client_ssl(ctx, socket.get(), host);
  if (auto* error = std::get_if<tls::TlsError>(&made)) return ConnectError{"TLS: " + error->message};
  tls::SslPtr ssl = std::move(std::get<tls::SslPtr>(made));

  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_connect(ssl.get());
    if (rc == 1) return ServerStream(std::move(socket), std::move(ssl));
    const int error = SSL_get_error(ssl.get(), rc);
    short events = 0;
    if (error == SSL_ERROR_WANT_READ) {
      events = POLLIN;
    } else if (error == SSL_ERROR_WANT_WRITE) {
      events = POLLOUT;
    } else if (error == SSL_ERROR_SYSCALL && errno == EINTR) {
      continue;
    } else {
      const bool verify_failed = SSL_get_verify_result(ssl.get()) != X509_V_OK;
      return ConnectError{"TLS: " + tls::handshake_failure(ssl.get(), error, endpoint), verify_failed};
    }
    for (;;) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return ConnectError{"TLS: handshake with " + endpoint + " timed out"};
      pollfd fds[2] = {{socket.get(), events, 0}, {cancel_fd, POLLIN, 0}};
      const int n = ::poll(fds, cancel_fd >= 0 ? 2 : 1, static_cast<int>(left.count()));
      if (n < 0 && errno == EINTR) continue;  // the signal, if any, shows up on cancel_fd
      if (n < 0) return ConnectError{"TLS: poll: " + std::string(std::strerror(errno))};
      if (cancel_fd >= 0 && (fds[1].revents & POLLIN) != 0) return ConnectCancelled{};
      if (fds[0].revents != 0) break;
    }
  }
}

}  // namespace chat::client
