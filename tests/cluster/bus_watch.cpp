#include "bus_watch.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace chat::test {

namespace {

using Clock = std::chrono::steady_clock;

std::set<unsigned long> socket_inodes(pid_t pid) {
  std::set<unsigned long> inodes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) inodes.insert(st.st_ino);
  }
  return inodes;
}

// Calls fn(local port, bytes not yet read) for each of `pid`'s established
// TCP sockets to redis_port.
template <typename Fn>
void for_each_redis_socket(pid_t pid, std::uint16_t redis_port, Fn&& fn) {
  const auto inodes = socket_inodes(pid);
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  while (std::getline(tcp, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    unsigned long inode = 0;
    in >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (state != "01" || inodes.count(inode) == 0) continue;  // 01: ESTABLISHED
    const auto colon = remote.find(':');
    if (colon == std::string::npos || std::stoul(remote.substr(colon + 1), nullptr, 16) != redis_port) continue;
    const auto qcolon = queues.find(':');
    fn(static_cast<std::uint16_t>(std::stoul(local.substr(local.find(':') + 1), nullptr, 16)),
       static_cast<long>(std::stoul(queues.substr(qcolon + 1), nullptr, 16)));
  }
}

// Bytes not yet read on `pid`'s TCP sockets to redis_port; -1 if none was
// found (not connected yet).
long unread_bytes(pid_t pid, std::uint16_t redis_port) {
  long total = -1;
  for_each_redis_socket(pid, redis_port, [&](std::uint16_t, long unread) { total = std::max(total, 0L) + unread; });
  return total;
}

}  // namespace

BusWatch::BusWatch(std::uint16_t redis_port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(redis_port);
  if (!fd_ || ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("BusWatch: cannot connect to redis");
  }
  const std::string request = "*2\r\n$10\r\nPSUBSCRIBE\r\n$1\r\n*\r\n";
  if (::send(fd_.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    throw std::runtime_error("BusWatch: cannot subscribe");
  }
  if (!wait_for("psubscribe", std::chrono::seconds(5))) throw std::runtime_error("BusWatch: no subscription");
}

bool BusWatch::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  return wait_from(0, needle, timeout);
}

bool BusWatch::wait_for_count(const std::string& needle, std::size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::size_t from = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!wait_from(from, needle, std::max(left, std::chrono::milliseconds(0)))) return false;
    from = seen_.find(needle, from) + 1;
  }
  return true;
}

bool BusWatch::sync(std::chrono::milliseconds timeout) {
  const std::size_t from = seen_.size();
  const std::string ping = "*1\r\n$4\r\nPING\r\n";
  if (::send(fd_.get(), ping.data(), ping.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(ping.size())) return false;
  return wait_from(from, "$4\r\npong\r\n", timeout);  // PING in subscribe mode: ["pong", ""]
}

bool BusWatch::wait_from(std::size_t from, const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char buffer[65536];
  while (seen_.find(needle, from) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    seen_.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

bool await_drained(pid_t pid, std::uint16_t redis_port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (unread_bytes(pid, redis_port) == 0) return true;
    if (Clock::now() >= deadline) return false;
    // Nothing to wait on: /proc is polled, briefly, within the bound.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::vector<std::uint16_t> redis_client_ports(pid_t pid, std::uint16_t redis_port) {
  std::vector<std::uint16_t> ports;
  for_each_redis_socket(pid, redis_port, [&](std::uint16_t port, long) { ports.push_back(port); });
  return ports;
}

}  // namespace chat::test
