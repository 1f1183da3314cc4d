#include "async_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

#include "socket_address.h"

namespace chat::test {

AsyncPeer::AsyncPeer(std::uint16_t port, int rcvbuf) {
  fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd_) throw std::system_error(errno, std::generic_category(), "socket");
  if (rcvbuf > 0) ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // On loopback this usually completes at once; EINPROGRESS is fine too:
  // sends wait in out_ until the socket is writable.
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    fd_.reset();
    return;
  }
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    name_ = format_address(reinterpret_cast<sockaddr*>(&local), length);
  }
}

short AsyncPeer::events(bool read) const {
  short e = read ? POLLIN : 0;
  if (!out_.empty()) e |= POLLOUT;
  return e;
}

AsyncPeer::Io AsyncPeer::flush() {
  while (fd_ && !out_.empty()) {
    const ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN)) return Io::ok;
    return Io::closed;
  }
  return fd_ ? Io::ok : Io::closed;
}

AsyncPeer::Io AsyncPeer::receive(std::vector<std::string>& lines, std::size_t max_bytes) {
  char buffer[65536];
  while (fd_ && max_bytes > 0) {
    const std::size_t want = std::min(sizeof buffer, max_bytes);
    const ssize_t n = ::recv(fd_.get(), buffer, want, MSG_DONTWAIT);
    if (n > 0) {
      max_bytes -= static_cast<std::size_t>(n);
      in_.append(buffer, static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (std::size_t newline; (newline = in_.find('\n', start)) != std::string::npos; start = newline + 1) {
        lines.emplace_back(in_, start, newline - start);
      }
      in_.erase(0, start);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::ok;
    return Io::closed;  // EOF, or ECONNRESET and friends
  }
  return fd_ ? Io::ok : Io::closed;
}

void AsyncPeer::shutdown_write() {
  if (fd_) ::shutdown(fd_.get(), SHUT_WR);
}

void AsyncPeer::close_reset() {
  if (!fd_) return;
  const linger abort_on_close{1, 0};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  fd_.reset();
}

void AsyncPeer::close() { fd_.reset(); }

}  // namespace chat::test
