// A scraper for chatd's --metrics port in tests: the port chatd says it
// serves on, and one HTTP request over a real loopback socket, bounded.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "chatd_process.h"
#include "unique_fd.h"

namespace chat::test {

// The port of "serving metrics on http://127.0.0.1:PORT/metrics" on
// chatd's stderr (awaited, bounded); 0 if it never came.
inline std::uint16_t metrics_port(const ChatdProcess& server) {
  const std::string prefix = "serving metrics on http://127.0.0.1:";
  if (!server.wait_stderr(prefix)) return 0;
  const std::string err = server.stderr_text();
  const std::size_t at = err.find(prefix) + prefix.size();
  return static_cast<std::uint16_t>(std::stoul(err.substr(at)));
}

// A connected loopback TCP socket (blocking), or throws.
inline UniqueFd connect_loopback(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  return fd;
}

// Reads until the peer closes or `timeout` passes; what came.
inline std::string read_until_closed(int fd, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[16384];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

// Sends `request` as is and returns the whole response ("" if none came).
inline std::string http_exchange(std::uint16_t port, const std::string& request,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  UniqueFd fd = connect_loopback(port);
  ::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL);
  return read_until_closed(fd.get(), timeout);
}

// The body of GET /metrics, or throws if the answer is not a 200.
inline std::string scrape(std::uint16_t port) {
  const std::string response = http_exchange(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  if (!response.starts_with("HTTP/1.1 200 OK\r\n")) throw std::runtime_error("scrape failed: " + response);
  return response.substr(response.find("\r\n\r\n") + 4);
}

// The value of an unlabelled sample in a scrape ("chatd_users 3"), or -1.
inline double sample_value(const std::string& body, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const std::size_t at = body.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + key.size()));
}

}  // namespace chat::test
