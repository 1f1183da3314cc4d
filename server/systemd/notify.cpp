#include "systemd/notify.h"

#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace chat {

namespace {

std::optional<long long> parse_whole(const char* text) {
  if (text == nullptr) return std::nullopt;
  const std::string_view s(text);
  long long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

Notifier Notifier::from_environment() {
  Notifier n;
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr) return n;
  const std::string name(path);
  ::unsetenv("NOTIFY_SOCKET");
  if (name.empty() || (name[0] != '/' && name[0] != '@') || name.size() >= sizeof n.address_.sun_path) return n;
  n.address_.sun_family = AF_UNIX;
  std::memcpy(n.address_.sun_path, name.data(), name.size());
  if (name[0] == '@') n.address_.sun_path[0] = '\0';  // abstract: no terminating NUL counted
  n.address_length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name[0] == '/' ? 1 : 0));
  n.socket_ = UniqueFd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  return n;
}

void Notifier::send(std::string_view state) const {
  if (!active()) return;
  [[maybe_unused]] const ssize_t n = ::sendto(socket_.get(), state.data(), state.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                                              reinterpret_cast<const sockaddr*>(&address_), address_length_);
}

std::optional<std::chrono::microseconds> watchdog_interval(const char* watchdog_usec, const char* watchdog_pid,
                                                           long self) {
  const auto usec = parse_whole(watchdog_usec);
  if (!usec) return std::nullopt;
  if (watchdog_pid != nullptr) {
    const auto pid = parse_whole(watchdog_pid);
    if (!pid || *pid != self) return std::nullopt;
  }
  return std::chrono::microseconds(*usec);
}

std::optional<std::chrono::microseconds> watchdog_interval_from_environment() {
  auto interval = watchdog_interval(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid());
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  return interval;
}

}  // namespace chat
