// Socket addresses as users see them: "10.0.2.15:33084", "[2001:db8::1]:4000".
#pragma once

#include <sys/socket.h>

#include <string>

namespace chat {

// Formats a peer address the way the protocol names an anonymous user:
// IPv4 as ADDR:PORT, IPv6 as [ADDR]:PORT, and an IPv4-mapped IPv6 address
// (what a dual-stack listener reports for an IPv4 peer) as plain IPv4.
std::string format_address(const sockaddr* addr, socklen_t len);

}  // namespace chat
