#include "transport/connect.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "transport/tls_connect.h"

namespace chat::client {

namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const noexcept { freeaddrinfo(list); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// The outcome of one address: 0 on success, else an errno value; -1 when
// cancelled.
int connect_one(const addrinfo& ai, Clock::time_point deadline, int cancel_fd, UniqueFd& out) {
  UniqueFd fd(::socket(ai.ai_family, ai.ai_socktype, ai.ai_protocol));
  if (!fd) return errno;
  // fcntl rather than SOCK_NONBLOCK | SOCK_CLOEXEC, which macOS lacks.
  if (::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK) != 0) return errno;
  ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);

  if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) return errno;
    for (;;) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return ETIMEDOUT;
      pollfd fds[2] = {{fd.get(), POLLOUT, 0}, {cancel_fd, POLLIN, 0}};
      const int n = ::poll(fds, cancel_fd >= 0 ? 2 : 1, static_cast<int>(left.count()));
      if (n < 0) {
        if (errno == EINTR) continue;  // the signal, if any, shows up on cancel_fd
        return errno;
      }
      if (cancel_fd >= 0 && (fds[1].revents & POLLIN) != 0) return -1;
      if (fds[0].revents != 0) break;
    }
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0) return errno;
    if (error != 0) return error;
  }

  // Chat lines are small and interactive: send them at once.
  const int one = 1;
  (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  out = std::move(fd);
  return 0;
}

}  // namespace

std::string format_endpoint(const std::string& host, const std::string& port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

ConnectResult connect_to(const std::string& host, const std::string& port,
                         std::chrono::milliseconds timeout, int cancel_fd, ssl_ctx_st* tls) {
  const std::string endpoint = format_endpoint(host, port);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &raw);
  if (rc != 0) {
    const char* why = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    return ConnectError{"cannot resolve " + host + ": " + why};
  }
  const AddrInfoList list(raw);

  int last_error = ECONNREFUSED;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd;
    const auto deadline = Clock::now() + timeout;
    const int error = connect_one(*ai, deadline, cancel_fd, fd);
    if (error == 0 && tls != nullptr) return tls_handshake(std::move(fd), tls, host, endpoint, deadline, cancel_fd);
    if (error == 0) return ServerStream(std::move(fd));
    if (error < 0) return ConnectCancelled{};
    last_error = error;
  }
  return ConnectError{"cannot connect to " + endpoint + ": " + std::strerror(last_error)};
}

}  // namespace chat::client
