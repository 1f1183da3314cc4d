#include "threads/thread_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <system_error>
#include <utility>
#include <cerrno>
#include <vector>

#include "line_framer.h"
#include "net/rate_limiter.h"
#include "net/limits.h"
#include "net/send_progress.h"
#include "threads/thread_server.h"

namespace chat {

ThreadConnection::ThreadConnection(ThreadServer& server, UniqueFd fd, PeerAddress peer, tls::Stream tls)
    : server_(server),
      fd_(std::move(fd)),
      peer_(std::move(peer)),
      peer_name_(peer_.name()),
      output_(server.limits_.max_queue, &server.renderers_[protocol()]),
      is_tls_(static_cast<bool>(tls)),
      tls_(std::move(tls)) {}

namespace {
thread_local DeferredSends* current_sends = nullptr;

// How often the kernel's send queue is looked at while output may wait
// there unsent (the reactor's timeout check period).
constexpr auto kStallCheckEvery = std::chrono::milliseconds(250);
}  // namespace

DeferredSends::DeferredSends() : outer_(current_sends) { current_sends = this; }

DeferredSends::~DeferredSends() {
  current_sends = outer_;
  for (const auto& conn : pending_) conn->send_deferred();
}

DeferredSends* DeferredSends::current() noexcept { return current_sends; }

void DeferredSends::flush() {
  for (const auto& conn : std::exchange(pending_, {})) conn->send_deferred();
}

void ThreadConnection::notice(const Event& event) {
  deliver_control(server_.renderers_.render(protocol(), event));
}

bool ThreadConnection::start() {
  // Detached: the server waits for every connection to unregister (the
  // last thing each thread does) before it goes away.
  std::thread([self = shared_from_this()] { self->write_loop(); }).detach();
  try {
    std::thread([self = shared_from_this()] { self->read_loop(); }).detach();
  } catch (const std::system_error&) {
    threads_running = 1;  // the writer sends the refusal, then unregisters
    notice(Event{.kind = Event::Kind::server_full});
    finish(/*leave=*/false);
    return false;
  }
  return true;
}

void ThreadConnection::deliver(const SharedLine& line) { queue(line, OutputQueue::Kind::normal); }

void ThreadConnection::deliver_control(const SharedLine& line) { queue(line, OutputQueue::Kind::control); }

bool ThreadConnection::accepts_reply(std::size_t bytes, std::size_t lines) {
  std::lock_guard lock(mutex_);
  return output_.admit_reply(bytes, lines);
}

bool ThreadConnection::accepts_replay(std::size_t bytes, std::size_t lines) {
  replay_charge += static_cast<double>(bytes / kReplayBytesPerLine);
  std::lock_guard lock(mutex_);
  // Not built for a client that reads nothing, nor past its address's
  // budget (a reconnect starts a fresh rate limiter, not a fresh budget).
  if (output_.bytes() > kReplayBacklog || !server_.replay_budget_.take(peer_, bytes, ReplayBudget::Clock::now())) {
    output_.skip_reply();
    return false;
  }
  return output_.admit_reply(bytes, lines);
}

void ThreadConnection::queue(const SharedLine& line, OutputQueue::Kind kind) {
  std::lock_guard lock(mutex_);
  if (closing_) return;
  const bool was_empty = output_.empty();
  if (!output_.push(line, OutputQueue::Clock::now(), kind) || !was_empty) return;  // the writer has it in hand
  // Nothing was queued, so the writer is idle: most lines can go straight
  // to the socket, without waking a writer thread (a futex call and a
  // context switch per receiver per line), once the room lock is released.
  // (Not over TLS: the writer owns the retry state of SSL_write.)
  // (Nor while the writer watches bytes stuck in the kernel: its check of
  // the kernel's send queue must see every byte written to it.)
  DeferredSends* sends = is_tls_ || watching_ ? nullptr : DeferredSends::current();
  if (sends != nullptr) {
    deferred_ = true;
    sends->add(shared_from_this());
  } else {
    wake_writer_.notify_one();
  }
}

void ThreadConnection::send_deferred() {
  std::lock_guard lock(mutex_);
  if (!deferred_) return;
  deferred_ = false;
  if (watching_) {  // began meanwhile: the writer's to send
    wake_writer_.notify_one();
    return;
  }
  while (!output_.empty() && !closing_) {
    std::array<iovec, 64> iov;
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = output_.gather(iov);
    const ssize_t n = ::sendmsg(fd_.get(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n <= 0) break;  // full, or an error: the writer's
    output_.consume(static_cast<std::size_t>(n), OutputQueue::Clock::now());
  }
  // Lines the kernel took but could not send (the peer's window is shut)
  // are the writer's to watch for a stall, as if still queued. Asked at
  // most every kStallCheckEvery (a syscall per line cost ~10% of CPU per
  // delivery in room100): a peer that shuts its window is seen at the next
  // line after that; one sent nothing more is not, as on the reactor.
  if (server_.limits_.stall_timeout_s > 0 && output_.empty() && !closing_) {
    const auto now = OutputQueue::Clock::now();
    if (now >= next_unsent_check_) {
      next_unsent_check_ = now + kStallCheckEvery;
      watching_ = SendProgress::unsent_bytes(fd_.get()) > 0;
    }
  }
  if (!output_.empty() || closing_ || watching_) wake_writer_.notify_one();
}

void ThreadConnection::resume() {
  resumed = true;
  resumed_cv.notify_all();
}

void ThreadConnection::drop(DropReason /*why*/) {  // this engine counts no metrics
  finish(/*leave=*/false);
  stop_reading();
}

void ThreadConnection::finish(bool leave) {
  if (leave && member) server_.chat_.leave(*member);
  member.reset();
  resumed_cv.notify_all();  // a reader waiting for a password check stops waiting
  std::lock_guard lock(mutex_);
  closing_ = true;
  wake_writer_.notify_one();
}

void ThreadConnection::stop_reading() noexcept { ::shutdown(fd_.get(), SHUT_RD); }

void ThreadConnection::refuse(std::string_view line) noexcept {
  [[maybe_unused]] const ssize_t n = ::send(fd_.get(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void ThreadConnection::abort() noexcept { ::shutdown(fd_.get(), SHUT_RDWR); }

void ThreadConnection::read_loop() {
  LineFramer framer(server_.limits_.max_line);
  RateLimiter rate_limiter(server_.limits_.rate_limit, OutputQueue::Clock::now());
  std::vector<char> buffer(16 * 1024);
  bool reading = true;  // over TLS the handshake is done: the accept thread did it
  while (reading) {
    if (const auto due = rate_limiter.report_due()) {
      // Dropped lines are reported once the burst is over: wait for more
      // input only until then.
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*due - OutputQueue::Clock::now()).count();
      pollfd p{fd_.get(), POLLIN, 0};
      if (!input_buffered() && ::poll(&p, 1, static_cast<int>(std::clamp<long long>(wait, 0, 1000))) == 0) {
        DeferredSends sends;
        std::lock_guard lock(server_.room_mutex_);
        if (!member) break;
        if (const std::size_t dropped = rate_limiter.take_due_report(OutputQueue::Clock::now())) {
          notice(Event{.kind = Event::Kind::slow_down, .count = dropped});
        }
        continue;
      }
    }
    const ssize_t n = read_some(buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {  // SO_RCVTIMEO: --idle-timeout
      std::lock_guard lock(server_.room_mutex_);
      notice(Event{.kind = Event::Kind::idle_disconnect, .count = server_.limits_.idle_timeout_s});
      break;
    }
    if (n <= 0) break;  // EOF, reset, or woken by shutdown()

    DeferredSends sends;  // after the lock is released
    std::unique_lock lock(server_.room_mutex_);
    if (!member) break;  // dropped or shutting down meanwhile
    const auto now = OutputQueue::Clock::now();
    framer.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), [&](const Frame& f) {
      if (f.kind == Frame::Kind::too_long) {
        notice(Event{.kind = Event::Kind::line_too_long, .count = server_.limits_.max_line});
        return true;
      }
      const RateLimiter::Decision rate = rate_limiter.on_line(now);
      if (rate.report_dropped > 0) notice(Event{.kind = Event::Kind::slow_down, .count = rate.report_dropped});
      const Chat::Outcome outcome = rate.pass ? server_.chat_.handle(*member, parse_command(f.text)) : Chat::Outcome::stay;
      if (outcome == Chat::Outcome::quit || !member) reading = false;  // !member: dropped by its own line
      if (outcome == Chat::Outcome::wait) {
        // A password check (accounts): the lines after it wait for its
        // answer, which comes under this lock from a password worker. What
        // was queued before it goes out meanwhile.
        lock.unlock();
        sends.flush();
        lock.lock();
        resumed_cv.wait(lock, [&] { return resumed || !member; });
        resumed = false;
        if (!member) reading = false;
      }
      rate_limiter.charge(std::exchange(replay_charge, 0.0));
      return reading;
    });
  }
  {
    DeferredSends sends;
    std::lock_guard lock(server_.room_mutex_);
    finish(/*leave=*/true);  // a half-closed peer still gets its queued output
  }
  server_.thread_finished(*this);
}

namespace {

// The writer's view of whether its peer takes what it is sent, by the rule
// the reactor applies (docs/ARCHITECTURE.md, "stall"): output waits for the
// peer while it is in the queue or in the kernel unsent; the peer is
// stalled once output has waited and it has taken none of it (the kernel
// sent nothing it held, its send queue never shrank) for --stall-timeout.
class StallWatch {
 public:
  using Clock = OutputQueue::Clock;
  StallWatch(int fd, Clock::duration limit) : fd_(fd), limit_(limit) {}

  struct Seen {
    bool taken = false;    // the peer took bytes since the last look
    bool stalled = false;  // output waited and it took none for the limit
  };
  // Looks at the socket at `now`, with `queued` output not yet written and
  // `wrote` bytes just written (plain text: over TLS the kernel got a few
  // more, which never shows as a shrink).
  Seen observe(Clock::time_point now, bool queued, std::size_t wrote = 0) {
    progress_.wrote(static_cast<int>(wrote));
    const bool acked = progress_.peer_read_since_last_check(fd_);
    const int unsent = SendProgress::unsent_bytes(fd_);
    // Taken: acknowledged, or all sent (its window is open); where the
    // kernel cannot tell, a write that went through counts, as before.
    const bool taken = acked || unsent == 0 || (unsent < 0 && wrote > 0);
    if (taken) taken_at_ = now;
    in_kernel_ = unsent > 0;
    return {taken, limit_ > Clock::duration::zero() && (queued || in_kernel_) && now - taken_at_ >= limit_};
  }
  // Output waits again after nothing did: its clock starts now.
  void restart(Clock::time_point now) {
    taken_at_ = now;
    progress_.peer_read_since_last_check(fd_);
  }
  // Output the kernel took but has not sent: watched with timed waits.
  [[nodiscard]] bool in_kernel() const { return in_kernel_; }

 private:
  int fd_;
  Clock::duration limit_;
  SendProgress progress_;
  Clock::time_point taken_at_ = Clock::now();
  bool in_kernel_ = false;
};

}  // namespace

void ThreadConnection::write_loop() {
  using Clock = OutputQueue::Clock;
  std::array<iovec, 64> iov;
  StallWatch watch(fd_.get(), std::chrono::seconds(server_.limits_.stall_timeout_s));
  const bool watching = server_.limits_.stall_timeout_s > 0;
  bool stalled = false;
  while (!stalled) {
    std::size_t count = 0;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return (!output_.empty() && !deferred_) || closing_; };
      while (!ready()) {
        if (!watching_) {
          // Nothing waits for the peer: sleep until something does (a
          // line queued, or send_deferred() left bytes in the kernel).
          wake_writer_.wait(lock, [&] { return ready() || watching_; });
          watch.restart(Clock::now());
          watching_ = watching;
          continue;
        }
        if (wake_writer_.wait_for(lock, kStallCheckEvery, ready)) break;
        stalled = watch.observe(Clock::now(), false).stalled;
        watching_ = watch.in_kernel();
        if (stalled) break;
      }
      if (stalled) break;
      if (output_.empty()) break;  // closing, and everything is out
      // Only this thread pops lines; a concurrent push may move the handles
      // but never the text they share, so these pointers stay valid after
      // the lock is released.
      count = output_.gather(iov);
    }
    // Blocking, bounded by SO_SNDTIMEO (--stall-timeout): it returns once
    // all is taken, or what was by then; fails if nothing was for that long.
    if (watching) watch.observe(Clock::now(), true);  // acks since the last write; where the wait starts
    const ssize_t n = write_some(std::span<const iovec>(iov.data(), count));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        // Timed out waiting for space: stalled, unless the peer took bytes
        // meanwhile (a slow but steady reader).
        if (watch.observe(Clock::now(), true).taken) continue;
        stalled = true;
      }
      break;
    }
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    output_.consume(static_cast<std::size_t>(n), now);
    if (watching) {
      // The bytes left the queue; while the kernel cannot send them they
      // still wait for the peer, and the clock goes on.
      stalled = watch.observe(now, !output_.empty(), static_cast<std::size_t>(n)).stalled;
      watching_ = watch.in_kernel();
    }
  }

  {
    DeferredSends sends;
    std::lock_guard lock(server_.room_mutex_);
    if (stalled) {
      const std::string& name = member ? server_.chat_.name_of(*member) : peer_name_;
      std::lock_guard out_lock(mutex_);
      // Pending: queued, and what the kernel holds unsent for the peer.
      const std::size_t pending = output_.bytes() + static_cast<std::size_t>(
                                                        std::max(0, SendProgress::unsent_bytes(fd_.get())));
      diagnostic("dropping", "dropping " + name + ": it accepted no output for " +
                 std::to_string(server_.limits_.stall_timeout_s) + " s (" + std::to_string(pending) +
                 " bytes pending)");
    }
    finish(/*leave=*/true);
    // The seat is free from the moment the peer can see the close (the
    // shutdown below), not when both threads are gone.
    server_.admission_.release(peer_);
  }
  // Unread input would turn the close into a reset that can destroy the
  // peer's last unread lines; then wake the reader if it still blocks.
  if (is_tls_) close_tls();
  char sink[4096];
  for (int i = 0; i < 16 && ::recv(fd_.get(), sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
  ::shutdown(fd_.get(), SHUT_RDWR);
  server_.thread_finished(*this);
}

}  // namespace chat

namespace chat {

ssize_t ThreadConnection::read_some(std::span<char> buffer) {
  if (is_tls_) return read_tls(buffer);
  return ::read(fd_.get(), buffer.data(), buffer.size());
}

ssize_t ThreadConnection::write_some(std::span<const iovec> iov) {
  if (is_tls_) return write_tls(iov);
  return ::writev(fd_.get(), iov.data(), static_cast<int>(iov.size()));
}

bool ThreadConnection::input_buffered() {
  if (!is_tls_) return false;
  std::lock_guard lock(tls_mutex_);
  return tls_.pending() > 0;
}

}  // namespace chat
