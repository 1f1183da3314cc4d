#include "net/acceptor.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "base/server_log.h"
#include "net/admission.h"
#include "socket_address.h"

namespace chat {

namespace {

UniqueFd open_spare() { return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)); }

}  // namespace

Acceptor::Acceptor(bool nonblocking)
    : flags_(SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0)), spare_fd_(open_spare()) {}

std::optional<Accepted> Acceptor::accept(int listener_fd, const Renderer& notices) {
  while (true) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    UniqueFd client(::accept4(listener_fd, reinterpret_cast<sockaddr*>(&addr), &len, flags_));
    if (client) {
      const int one = 1;
      ::setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return Accepted{std::move(client), describe_address(reinterpret_cast<const sockaddr*>(&addr), len)};
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE) {
      spare_fd_.reset();
      UniqueFd shed(::accept4(listener_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (shed) ++shed_;
      if (shed) refuse_client(std::move(shed), notices, Event::Kind::server_full, "out of file descriptors");
      spare_fd_ = open_spare();
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      diagnostic("accept failed", std::string("accept failed: ") + std::strerror(errno));
    }
    return std::nullopt;
  }
}

void refuse_client(UniqueFd client, const Renderer& notices, Event::Kind notice, std::string_view why) {
  std::string line;
  notices.render(Event{.kind = notice}, line);
  // A fresh socket's buffer takes this line without blocking.
  [[maybe_unused]] const ssize_t n = ::send(client.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  diagnostic("refused a connection", "refused a connection: " + std::string(why));
}

Admission::Verdict admit_or_refuse(Admission& admission, Accepted& client, const Renderer& notices) {
  const Admission::Verdict verdict = admission.admit(client.peer);
  switch (verdict) {
    case Admission::Verdict::admitted:
      break;
    case Admission::Verdict::server_full:
      refuse_client(std::move(client.fd), notices, Event::Kind::server_full,
                    client.peer.name() + ": server full (--max-clients " + std::to_string(admission.max_clients()) + ")");
      break;
    case Admission::Verdict::too_many_from_address:
      refuse_client(std::move(client.fd), notices, Event::Kind::too_many_from_address,
                    client.peer.name() + ": too many connections from " + client.peer.host + " (--max-per-ip " +
                        std::to_string(admission.max_per_address()) + ")");
      break;
    case Admission::Verdict::banned:
      refuse_client(std::move(client.fd), notices, Event::Kind::banned_from_server,
                    client.peer.name() + ": banned from this server");
      break;
  }
  return verdict;
}

}  // namespace chat
