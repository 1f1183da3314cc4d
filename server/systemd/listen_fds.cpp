#include "systemd/listen_fds.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace chat {

namespace {

std::optional<long> parse_whole(const char* text) {
  const std::string_view s(text);
  long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::variant<std::vector<PassedSocket>, std::string> parse_listen_fds(const char* listen_pid, const char* listen_fds,
                                                                      const char* listen_fdnames, pid_t self) {
  std::vector<PassedSocket> out;
  if (listen_pid == nullptr || listen_fds == nullptr) return out;
  const auto pid = parse_whole(listen_pid);
  if (!pid) return "LISTEN_PID='" + std::string(listen_pid) + "' is not a process id";
  if (*pid != self) return out;  // meant for another process
  const auto count = parse_whole(listen_fds);
  if (!count || *count > 1000) return "LISTEN_FDS='" + std::string(listen_fds) + "' is not a number of sockets";
  std::vector<std::string> names;
  if (listen_fdnames != nullptr) {
    std::string_view rest(listen_fdnames);
    while (true) {
      const auto colon = rest.find(':');
      names.emplace_back(rest.substr(0, colon));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
    if (names.size() != static_cast<std::size_t>(*count)) {
      return "LISTEN_FDNAMES='" + std::string(listen_fdnames) + "' names " + std::to_string(names.size()) +
             " sockets, LISTEN_FDS says " + std::to_string(*count);
    }
  }
  for (long i = 0; i < *count; ++i) {
    out.push_back({kFirstPassedFd + static_cast<int>(i), names.empty() ? std::string() : names[static_cast<std::size_t>(i)]});
  }
  return out;
}

std::variant<ActivatedListeners, std::string> take_listen_fds() {
  auto parsed = parse_listen_fds(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"), std::getenv("LISTEN_FDNAMES"),
                                 ::getpid());
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
  auto& passed = std::get<std::vector<PassedSocket>>(parsed);
  ActivatedListeners out;
  for (const PassedSocket& socket : passed) {
    UniqueFd fd(socket.fd);  // owned from here on, whatever happens
    const std::string which = "passed socket " + std::to_string(socket.fd) +
                              (socket.name.empty() ? "" : " (" + socket.name + ")");
    int type = 0, listening = 0;
    socklen_t len = sizeof type;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
      return which + " is not a socket: " + std::strerror(errno);
    }
    len = sizeof listening;
    if (type != SOCK_STREAM || ::getsockopt(fd.get(), SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
        listening == 0) {
      return which + " is not a listening stream socket (ListenStream= in the .socket unit)";
    }
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) < 0 || ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) < 0) {
      return which + ": " + std::strerror(errno);
    }
    if (socket.name == "tls") {
      out.tls.push_back(std::move(fd));
    } else if (socket.name == "metrics") {
      out.metrics.push_back(std::move(fd));
    } else if (socket.name == "web") {
      out.web.push_back(std::move(fd));
    } else if (socket.name == "plain" || passed.size() == 1) {
      out.plain.push_back(std::move(fd));
    } else {
      out.ignored.push_back(socket.name);
    }
  }
  return out;
}

}  // namespace chat
