// Socket addresses as users see them: "10.0.2.15:33084", "[2001:db8::1]:4000".
#pragma once

#include <sys/socket.h>

#include <string>

namespace chat {

struct PeerAddress {
  std::string host;  // "10.0.2.15", "2001:db8::1": IPv4-mapped IPv6 shown as IPv4
  unsigned port = 0;
  bool ipv6 = false;      // after unmapping
  bool loopback = false;  // 127.0.0.0/8 or ::1

  // The protocol's name for an anonymous user: HOST:PORT, or [HOST]:PORT
  // for IPv6.
  [[nodiscard]] std::string name() const;
};

// Describes an AF_INET or AF_INET6 address; an IPv4-mapped IPv6 address
// (what a dual-stack listener reports for an IPv4 peer) becomes plain IPv4.
PeerAddress describe_address(const sockaddr* addr, socklen_t len);

// describe_address(addr, len).name()
std::string format_address(const sockaddr* addr, socklen_t len);

}  // namespace chat
