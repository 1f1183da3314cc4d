// The listening sockets chatd serves on.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "unique_fd.h"

namespace chat {

// Opens non-blocking listening sockets (SO_REUSEADDR, backlog SOMAXCONN):
// with no host, one dual-stack socket on [::] (0.0.0.0 where the system has
// no IPv6); with a host, one per address it resolves to ("localhost" gives
// both ::1 and 127.0.0.1), all on the same port even when `port` is 0.
// With `reuse_port`, SO_REUSEPORT too: several chatd processes (all with
// it, same user) then listen on one port and the kernel spreads new
// connections over them; without it a busy port fails as before.
// On failure returns the user-facing message, e.g.
// "cannot listen on 127.0.0.1:8888: Address already in use".
std::variant<std::vector<UniqueFd>, std::string> open_listeners(const std::optional<std::string>& host,
                                                                unsigned port, bool reuse_port = false);

// The port a socket is bound to (the real one after binding port 0).
unsigned bound_port(int fd);

}  // namespace chat
