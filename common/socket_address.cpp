#include "socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace chat {

namespace {

PeerAddress from_ipv4(const in_addr& in, unsigned port) {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &in, text, sizeof text);
  return {text, port, false, (ntohl(in.s_addr) >> 24) == 127};
}

}  // namespace

std::string PeerAddress::name() const {
  return ipv6 ? "[" + host + "]:" + std::to_string(port) : host + ":" + std::to_string(port);
}

PeerAddress describe_address(const sockaddr* addr, socklen_t len) {
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return from_ipv4(in->sin_addr, ntohs(in->sin_port));
  }
  if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    const unsigned port = ntohs(in6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      in_addr v4{};
      std::memcpy(&v4, in6->sin6_addr.s6_addr + 12, sizeof v4);
      return from_ipv4(v4, port);
    }
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return {text, port, true, IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) != 0};
  }
  return {"unknown", 0, false, false};
}

std::string format_address(const sockaddr* addr, socklen_t len) { return describe_address(addr, len).name(); }

}  // namespace chat
