#include "acceptor.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "messages.h"
#include "server_log.h"
#include "socket_address.h"

namespace chat {

namespace {

UniqueFd open_spare() { return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)); }

}  // namespace

Acceptor::Acceptor(bool nonblocking)
    : flags_(SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0)), spare_fd_(open_spare()) {}

std::optional<Accepted> Acceptor::accept(int listener_fd) {
  while (true) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    UniqueFd client(::accept4(listener_fd, reinterpret_cast<sockaddr*>(&addr), &len, flags_));
    if (client) {
      const int one = 1;
      ::setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return Accepted{std::move(client), format_address(reinterpret_cast<const sockaddr*>(&addr), len)};
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE) {
      spare_fd_.reset();
      UniqueFd shed(::accept4(listener_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (shed) refuse_client(std::move(shed), "out of file descriptors");
      spare_fd_ = open_spare();
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      diagnostic(std::string("accept failed: ") + std::strerror(errno));
    }
    return std::nullopt;
  }
}

void refuse_client(UniqueFd client, std::string_view why) {
  // A fresh socket's buffer takes this line without blocking.
  const std::string full = msg::server_full();
  [[maybe_unused]] const ssize_t n = ::send(client.get(), full.data(), full.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  diagnostic("refused a connection: " + std::string(why));
}

}  // namespace chat
