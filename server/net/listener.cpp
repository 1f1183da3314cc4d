#include "net/listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "socket_address.h"

namespace chat {

namespace {

struct Attempt {
  UniqueFd fd;
  int error = 0;
};

Attempt listen_on(const sockaddr* addr, socklen_t len, bool v6only, bool reuse_port) {
  Attempt a{UniqueFd(::socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0))};
  if (!a.fd) return {UniqueFd(), errno};
  const int one = 1;
  ::setsockopt(a.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port && ::setsockopt(a.fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    return {UniqueFd(), errno};
  }
  if (addr->sa_family == AF_INET6) {
    const int flag = v6only ? 1 : 0;
    ::setsockopt(a.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &flag, sizeof flag);
  }
  if (::bind(a.fd.get(), addr, len) < 0 || ::listen(a.fd.get(), SOMAXCONN) < 0) return {UniqueFd(), errno};
  return a;
}

void set_port(sockaddr_storage& addr, unsigned port) {
  if (addr.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(addr).sin_port = htons(static_cast<uint16_t>(port));
  if (addr.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6&>(addr).sin6_port = htons(static_cast<uint16_t>(port));
}

std::string failure(const sockaddr* addr, socklen_t len, int error) {
  return "cannot listen on " + format_address(addr, len) + ": " + std::strerror(error);
}

std::variant<std::vector<UniqueFd>, std::string> listen_everywhere(unsigned port, bool reuse_port) {
  sockaddr_in6 any6{};
  any6.sin6_family = AF_INET6;
  any6.sin6_addr = in6addr_any;
  any6.sin6_port = htons(static_cast<uint16_t>(port));
  Attempt dual = listen_on(reinterpret_cast<sockaddr*>(&any6), sizeof any6, false, reuse_port);
  if (dual.fd) {
    std::vector<UniqueFd> out;
    out.push_back(std::move(dual.fd));
    return out;
  }
  if (dual.error != EAFNOSUPPORT) return failure(reinterpret_cast<sockaddr*>(&any6), sizeof any6, dual.error);

  sockaddr_in any4{};  // no IPv6 on this system
  any4.sin_family = AF_INET;
  any4.sin_addr.s_addr = htonl(INADDR_ANY);
  any4.sin_port = htons(static_cast<uint16_t>(port));
  Attempt v4 = listen_on(reinterpret_cast<sockaddr*>(&any4), sizeof any4, false, reuse_port);
  if (!v4.fd) return failure(reinterpret_cast<sockaddr*>(&any4), sizeof any4, v4.error);
  std::vector<UniqueFd> out;
  out.push_back(std::move(v4.fd));
  return out;
}

}  // namespace

unsigned bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(addr).sin6_port);
  return 0;
}

std::variant<std::vector<UniqueFd>, std::string> open_listeners(const std::optional<std::string>& host,
                                                                unsigned port, bool reuse_port) {
  if (!host) return listen_everywhere(port, reuse_port);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host->c_str(), service.c_str(), &hints, &found); rc != 0) {
    return "cannot listen on " + *host + ": " + ::gai_strerror(rc);
  }
  std::vector<UniqueFd> out;
  std::string error;
  for (const addrinfo* ai = found; ai != nullptr && error.empty(); ai = ai->ai_next) {
    sockaddr_storage addr{};
    std::memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    if (!out.empty()) set_port(addr, bound_port(out.front().get()));  // port 0: one port for all
    const auto* sa = reinterpret_cast<const sockaddr*>(&addr);
    Attempt a = listen_on(sa, ai->ai_addrlen, /*v6only=*/true, reuse_port);
    if (a.fd) {
      out.push_back(std::move(a.fd));
    } else {
      error = failure(sa, ai->ai_addrlen, a.error);
    }
  }
  ::freeaddrinfo(found);
  if (!error.empty()) return error;
  return out;
}

}  // namespace chat
