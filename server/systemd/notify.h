// The service manager's notification socket (sd_notify(3)'s protocol,
// spoken directly): READY=1, STATUS=..., STOPPING=1 and WATCHDOG=1 as
// datagrams to the AF_UNIX socket named by NOTIFY_SOCKET. Without it every
// call does nothing, so chatd outside systemd is unchanged.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <optional>
#include <string_view>

#include "unique_fd.h"

namespace chat {

class Notifier {
 public:
  // From NOTIFY_SOCKET (a path, or "@name" for the abstract namespace),
  // which is then unset so no child inherits it. Inactive without it.
  static Notifier from_environment();

  [[nodiscard]] bool active() const { return socket_.get() >= 0; }
  // One datagram, never blocking (MSG_DONTWAIT): a manager that does not
  // read costs a lost notification, never a stalled loop. Errors ignored.
  void send(std::string_view state) const;

 private:
  UniqueFd socket_;
  sockaddr_un address_{};
  socklen_t address_length_ = 0;
};

// The watchdog interval asked for by WATCHDOG_USEC (when WATCHDOG_PID is
// unset or this process), or none. Pure for given values.
std::optional<std::chrono::microseconds> watchdog_interval(const char* watchdog_usec, const char* watchdog_pid,
                                                           long self);
std::optional<std::chrono::microseconds> watchdog_interval_from_environment();

}  // namespace chat
