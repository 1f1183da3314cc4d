#include "connection.h"

#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <climits>

namespace chat {

namespace {
constexpr std::size_t kMaxIovecs = IOV_MAX < 1024 ? IOV_MAX : 1024;
}  // namespace

Connection::Connection(UniqueFd fd, PeerAddress peer, const Options& options, LoopContext& loop)
    : last_input(loop.now),
      rate_limiter(options.rate_limit, loop.now),
      fd_(std::move(fd)),
      peer_(std::move(peer)),
      peer_name_(peer_.name()),
      framer_(options.max_line),
      output_(options.max_queue),
      loop_(loop) {}

void Connection::deliver(const SharedLine& line) { queue(line, OutputQueue::Kind::normal); }

void Connection::deliver_control(const SharedLine& line) { queue(line, OutputQueue::Kind::control); }

void Connection::queue(const SharedLine& line, OutputQueue::Kind kind) {
  if (dead) return;
  if (output_.push(line, loop_.now, kind) && !flush_scheduled) {
    flush_scheduled = true;
    loop_.to_flush.push_back(this);
  }
}

Connection::IoStatus Connection::flush() {
  // Up to IOV_MAX (1024 on Linux) lines per writev: under load a receiver
  // collects dozens of lines per loop iteration, and each extra syscall
  // costs more than the lines it carries. 16 KiB of stack.
  std::array<iovec, kMaxIovecs> iov;
  while (!output_.empty()) {
    const std::size_t count = output_.gather(iov);
    std::size_t offered = 0;
    for (std::size_t i = 0; i < count; ++i) offered += iov[i].iov_len;

    const ssize_t n = ::writev(fd_.get(), iov.data(), static_cast<int>(count));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::ok;
      return IoStatus::error;
    }
    output_.consume(static_cast<std::size_t>(n), loop_.now);
    if (static_cast<std::size_t>(n) < offered) return IoStatus::ok;  // socket buffer full
  }
  return IoStatus::ok;
}

}  // namespace chat
