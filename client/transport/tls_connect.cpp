#include "transport/tls_connect.h"

#include <poll.h>

#include <cerrno>
#include <cstring>

#include "tls_client_context.h"

namespace chat::client {

ConnectResult tls_handshake(UniqueFd socket, ssl_ctx_st* ctx, const std::string& host, const std::string& endpoint,
                            std::chrono::steady_clock::time_point deadline, int cancel_fd) {
  auto opened = tls::open_client_stream(ctx, socket.get(), host);
  if (auto* error = std::get_if<tls::TlsError>(&opened)) return ConnectError{"TLS: " + error->message};
  tls::Stream stream = std::move(std::get<tls::Stream>(opened));

  for (;;) {
    const tls::Result step = stream.handshake();
    short events = 0;
    if (step.status == tls::Status::done) {
      return ServerStream(std::move(socket), std::move(stream));
    } else if (step.status == tls::Status::want_read) {
      events = POLLIN;
    } else if (step.status == tls::Status::want_write) {
      events = POLLOUT;
    } else {
      return ConnectError{"TLS: " + tls::handshake_failure(stream, step, endpoint), tls::verify_failed(stream)};
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
