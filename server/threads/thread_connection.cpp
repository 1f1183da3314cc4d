#include "thread_connection.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <vector>

#include "line_framer.h"
#include "messages.h"
#include "rate_limiter.h"
#include "send_progress.h"
#include "thread_server.h"

namespace chat {

ThreadConnection::ThreadConnection(ThreadServer& server, UniqueFd fd, PeerAddress peer)
    : server_(server),
      fd_(std::move(fd)),
      peer_(std::move(peer)),
      peer_name_(peer_.name()),
      output_(server.options_.max_queue) {}

void ThreadConnection::start(const std::shared_ptr<ThreadConnection>& self) {
  // Detached: the server waits for every connection to unregister (the
  // last thing each thread does) before it goes away.
  std::thread([self] { self->read_loop(); }).detach();
  std::thread([self] { self->write_loop(); }).detach();
}

void ThreadConnection::deliver(const SharedLine& line) {
  std::lock_guard lock(mutex_);
  if (closing_) return;
  const auto now = OutputQueue::Clock::now();
  if (!output_.empty()) {  // the writer is busy with earlier lines: queue behind them
    output_.push(line, now);
    return;
  }
  // Nothing queued, so the writer is idle and not mid-write: try the socket
  // from this thread without blocking. Most lines go out here, and waking a
  // writer thread (a futex call and a context switch per receiver per line)
  // is left for sockets that are full.
  const ssize_t n = ::send(fd_.get(), line->data(), line->size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(line->size())) return;
  output_.push(line, now);
  if (n > 0) output_.consume(static_cast<std::size_t>(n), now);
  wake_writer_.notify_one();  // the rest, or the error, is the writer's
}

void ThreadConnection::finish(bool leave) {
  if (leave && member) server_.room_.leave(*member);
  member.reset();
  std::lock_guard lock(mutex_);
  closing_ = true;
  wake_writer_.notify_one();
}

void ThreadConnection::stop_reading() noexcept { ::shutdown(fd_.get(), SHUT_RD); }

void ThreadConnection::abort() noexcept { ::shutdown(fd_.get(), SHUT_RDWR); }

void ThreadConnection::read_loop() {
  LineFramer framer(server_.options_.max_line);
  RateLimiter rate_limiter(server_.options_.rate_limit, OutputQueue::Clock::now());
  std::vector<char> buffer(16 * 1024);
  bool reading = true;
  while (reading) {
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {  // SO_RCVTIMEO: --idle-timeout
      std::lock_guard lock(server_.room_mutex_);
      deliver(make_line(msg::idle_disconnect(server_.options_.idle_timeout_s)));
      break;
    }
    if (n <= 0) break;  // EOF, reset, or woken by shutdown()

    std::lock_guard lock(server_.room_mutex_);
    if (!member) break;  // dropped or shutting down meanwhile
    const auto now = OutputQueue::Clock::now();
    framer.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), [&](const Frame& f) {
      if (f.kind == Frame::Kind::too_long) {
        deliver(server_.too_long_line_);
        return true;
      }
      const RateLimiter::Decision rate = rate_limiter.on_line(now);
      if (rate.report_dropped > 0) deliver(make_line(msg::slow_down(rate.report_dropped)));
      if (rate.pass && server_.room_.handle_line(*member, f.text) == Room::Outcome::quit) reading = false;
      return reading;
    });
  }
  {
    std::lock_guard lock(server_.room_mutex_);
    finish(/*leave=*/true);  // a half-closed peer still gets its queued output
  }
  server_.thread_finished(*this);
}

void ThreadConnection::write_loop() {
  std::array<iovec, 64> iov;
  SendProgress send_progress;
  bool stalled = false;
  while (true) {
    std::size_t count = 0;
    {
      std::unique_lock lock(mutex_);
      wake_writer_.wait(lock, [&] { return !output_.empty() || closing_; });
      if (output_.empty()) break;  // closing, and everything is out
      // Only this thread pops lines; a concurrent push may move the handles
      // but never the text they share, so these pointers stay valid after
      // the lock is released.
      count = output_.gather(iov);
    }
    // Blocking, bounded by SO_SNDTIMEO (--stall-timeout): it returns as
    // soon as any byte is taken, or fails if none is for that long.
    send_progress.peer_read_since_last_check(fd_.get());  // where the wait starts
    const ssize_t n = ::writev(fd_.get(), iov.data(), static_cast<int>(count));
    if (n < 0) {
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && send_progress.peer_read_since_last_check(fd_.get())) {
        continue;  // timed out waiting for space, but the reader is reading
      }
      stalled = (errno == EAGAIN || errno == EWOULDBLOCK);
      break;
    }
    std::lock_guard lock(mutex_);
    output_.consume(static_cast<std::size_t>(n), OutputQueue::Clock::now());
  }

  {
    std::lock_guard lock(server_.room_mutex_);
    if (stalled) {
      const std::string& name = member ? server_.room_.name_of(*member) : peer_name_;
      std::lock_guard out_lock(mutex_);
      diagnostic("dropping", "dropping " + name + ": it accepted no output for " +
                 std::to_string(server_.options_.stall_timeout_s) + " s (" + std::to_string(output_.bytes()) +
                 " bytes pending)");
    }
    finish(/*leave=*/true);
    // The seat is free from the moment the peer can see the close (the
    // shutdown below), not when both threads are gone.
    server_.admission_.release(peer_);
  }
  // Unread input would turn the close into a reset that can destroy the
  // peer's last unread lines; then wake the reader if it still blocks.
  char sink[4096];
  for (int i = 0; i < 16 && ::recv(fd_.get(), sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
  ::shutdown(fd_.get(), SHUT_RDWR);
  server_.thread_finished(*this);
}

}  // namespace chat
