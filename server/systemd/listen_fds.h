// Socket activation without libsystemd: the listening sockets systemd (or
// systemd-socket-activate, or any other launcher speaking the protocol of
// sd_listen_fds(3)) passes as fds 3, 4, ... with LISTEN_PID, LISTEN_FDS and
// LISTEN_FDNAMES. docs/OPERATIONS.md says why chatd reads them itself.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "unique_fd.h"

namespace chat {

// The first passed fd (SD_LISTEN_FDS_START).
inline constexpr int kFirstPassedFd = 3;

struct PassedSocket {
  int fd = -1;
  std::string name;  // LISTEN_FDNAMES' entry: "plain", "tls", ... ("" without names)
};

// The sockets the three variables describe for the process `self`: none
// when LISTEN_PID is unset or another process's (the variables were meant
// for a parent). Pure. On a malformed value, the one line saying which.
std::variant<std::vector<PassedSocket>, std::string> parse_listen_fds(const char* listen_pid, const char* listen_fds,
                                                                      const char* listen_fdnames, pid_t self);

// chatd's listening sockets by role.
struct ActivatedListeners {
  std::vector<UniqueFd> plain;
  std::vector<UniqueFd> tls;
  std::vector<UniqueFd> metrics;  // --metrics' port
  std::vector<UniqueFd> web;      // --web-port's port
  std::vector<std::string> ignored;  // names chatd does not serve (their fds are closed)
  [[nodiscard]] bool any() const { return !plain.empty() || !tls.empty(); }
};

// Takes the sockets from this process's environment: each must be a
// listening stream socket; it is made non-blocking and close-on-exec, and
// the variables are unset so no child inherits them. Named "plain", "tls",
// "web" or "metrics"; a single socket with another name (systemd's default is the
// socket unit's name) or none is the plain port.
std::variant<ActivatedListeners, std::string> take_listen_fds();

}  // namespace chat
