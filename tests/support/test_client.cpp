#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "socket_address.h"
#include "pop_line.h"

namespace chat::test {

namespace {

using Clock = std::chrono::steady_clock;

// How long send_raw may wait for the server to accept bytes before the test
// is declared stuck.
constexpr auto kSendTimeout = 10s;

[[noreturn]] void throw_errno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

int millis_until(Clock::time_point deadline) {
  const auto now = Clock::now();
  if (now >= deadline) return 0;
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1);
}

}  // namespace

TestClient::TestClient(std::uint16_t port, std::string host, int rcvbuf) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  } else {
    throw std::invalid_argument("TestClient: not a numeric address: " + host);
  }

  // Non-blocking, so every wait below is a poll with a deadline.
  fd_.reset(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd_) throw_errno(errno, "socket");
  if (rcvbuf > 0 &&
      ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0) {
    throw_errno(errno, "setsockopt SO_RCVBUF");
  }
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    if (errno != EINPROGRESS) throw_errno(errno, "connect to " + host);
    pollfd p{fd_.get(), POLLOUT, 0};
    if (::poll(&p, 1, 5000) != 1) throw std::runtime_error("connect to " + host + ": timed out");
    int error = 0;
    socklen_t error_length = sizeof error;
    ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &error_length);
    if (error != 0) throw_errno(error, "connect to " + host);
  }

  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    throw_errno(errno, "getsockname");
  }
  name_ = format_address(reinterpret_cast<sockaddr*>(&local), local_length);
}

void TestClient::send_raw(std::string_view bytes) {
  const auto deadline = Clock::now() + kSendTimeout;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) throw_errno(errno, "send");
    pollfd p{fd_.get(), POLLOUT, 0};
    if (::poll(&p, 1, millis_until(deadline)) == 0) {
      throw std::runtime_error("send: the server accepted no data for 10 s");
    }
  }
}

void TestClient::send_line(std::string_view line) {
  std::string bytes(line);
  bytes += '\n';
  send_raw(bytes);
}

std::optional<std::string> TestClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto line = pop_line(pending_)) return line;
    if (eof_) return std::nullopt;
    pollfd p{fd_.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, millis_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return std::nullopt;  // timed out
    char buffer[65536];
    const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      pending_.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;  // EOF or reset (ECONNRESET): the server is done with us
    }
  }
}

void TestClient::expect_line(std::string_view expected, std::chrono::milliseconds timeout) {
  const auto line = read_line(timeout);
  INFO("client " << name_ << " expected the line \"" << expected << "\"");
  REQUIRE(line.has_value());
  REQUIRE(*line == std::string(expected));
}

bool TestClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  pending_.clear();
  while (!eof_) {
    pollfd p{fd_.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, millis_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) eof_ = true;
  }
  return true;
}

bool TestClient::no_line_within(std::chrono::milliseconds window) {
  return !read_line(window).has_value();
}

void TestClient::shutdown_write() { ::shutdown(fd_.get(), SHUT_WR); }

void TestClient::reset() {
  const linger abort_on_close{1, 0};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  fd_.reset();
  eof_ = true;
}

}  // namespace chat::test
