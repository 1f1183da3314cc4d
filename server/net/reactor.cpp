#include "net/reactor.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "net/signal_pipe.h"
#include "tls/tls_log_lines.h"

namespace chat {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr auto kTimeoutCheckEvery = std::chrono::milliseconds(250);
constexpr auto kShutdownFlushTime = std::chrono::seconds(1);
// Queued output is flushed after this many events (and accepts), not only
// at the end of a batch. A busy room has a handful of events per batch, so
// this costs nothing there; in a storm (10,000 clients joining, or leaving
// at once) it keeps each receiver's queue from collecting thousands of
// "entered"/"left" lines before the first write: measured with
// flood --clients 10000.
constexpr std::size_t kFlushEvery = 64;
constexpr int kAcceptsPerWakeup = 128;
// Lines handled per connection per wake-up (lines the rate limit drops are
// nearly free and do not count). A client that writes 100 KB of "x\n" at
// once with --rate-limit 0 gets this many lines handled, then everyone
// else gets a turn: its burst cannot make the loop broadcast 50,000 lines
// before anyone else is read (docs/SECURITY.md). A paste takes a turn or two.
constexpr std::size_t kLinesPerWakeup = 64;

// Closing a socket with unread input makes the kernel send a reset, and a
// reset can destroy output the peer has not read yet ("> Server shutting
// down", the reply before /quit). Read what is already there first.
void discard_unread_input(int fd) {
  char sink[4096];
  for (int i = 0; i < 16 && ::read(fd, sink, sizeof sink) > 0; ++i) {
  }
}

}  // namespace

Reactor::Reactor(const ServerLimits& limits, Chat& chat, const Renderers& renderers, std::unique_ptr<Poller> poller,
                 std::vector<UniqueFd> listeners, int signal_fd, ServerLog& log, TlsSetup tls)
    : limits_(limits),
      poller_(std::move(poller)),
      listeners_(std::move(listeners)),
      tls_(std::move(tls)),
      signal_fd_(signal_fd),
      log_(log),
      chat_(chat),
      admission_(limits.max_clients, limits.max_per_ip),
      scratch_(kReadChunk),
      acceptor_(/*nonblocking=*/true) {
  loop_.renderers = &renderers;
}

Reactor::~Reactor() = default;

int Reactor::run() {
  for (const auto* set : {&listeners_, &tls_.listeners}) {
    for (const UniqueFd& l : *set) {
      if (const auto ec = poller_->add(l.get(), kReadable)) {
        diagnostic("cannot watch the listening socket: " + ec.message());
        return 1;
      }
    }
  }
  if (const auto ec = poller_->add(signal_fd_, kReadable)) {
    diagnostic("cannot watch the signal pipe: " + ec.message());
    return 1;
  }

  std::vector<PollEvent> events;
  while (true) {
    if (const auto ec = poller_->wait(events, wait_timeout_ms())) {
      diagnostic(std::string(poller_->name()) + " failed: " + ec.message());
      return 1;
    }
    loop_.now = Clock::now();
    // Peers already gone both ways are closed before anything is delivered
    // in this batch: when 10,000 clients vanish at once, nobody queues
    // "left" lines for thousands of connections that are about to close.
    // So are those whose interest change the poller could not apply.
    for (const PollEvent& e : events) {
      Connection* conn = (e.ready & (kHangup | kFailed)) ? connection(e.fd) : nullptr;
      if (conn == nullptr || conn->dead) continue;
      if (e.ready & kFailed) diagnostic("cannot update " + conn->peer_name() + ": " + e.error.message());
      close_connection(*conn);
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      dispatch(events[i]);
      if ((i + 1) % kFlushEvery == 0) settle();
    }
    settle();
    serve_backlogs();
    send_due_reports();
    settle();
    if (task_ != nullptr) {
      task_->on_tick(loop_.now);
      settle();
    }
    if (loop_.now >= next_timeout_check_) {
      check_timeouts();
      next_timeout_check_ = loop_.now + kTimeoutCheckEvery;
      settle();
    }
    reap();
    const bool drained = admission_.clients() == 0 && (task_ == nullptr || task_->finished());
    if (shutting_down_ && (drained || loop_.now >= shutdown_deadline_)) break;
    ++iteration_;
  }

  // Whatever could not be flushed in time is dropped with its socket.
  for (auto& conn : connections_) {
    if (conn) poller_->remove(conn->fd());
  }
  connections_.clear();
  log_.event("exit\n");
  return 0;
}

Connection* Reactor::connection(int fd) const {
  const auto slot = static_cast<std::size_t>(fd);
  return slot < connections_.size() ? connections_[slot].get() : nullptr;
}

void Reactor::dispatch(const PollEvent& event) {
  if (event.fd == signal_fd_) {
    const SignalPipe::Received received = SignalPipe::drain(signal_fd_);
    if (received.hangup) {
      if (tls_.credentials != nullptr) {
        tls_.credentials->reload_and_log();  // new connections only; nobody is dropped
      } else {
        SignalPipe::log_hangup();
      }
    }
    if (received.stop && !shutting_down_) begin_shutdown();
    return;
  }
  for (const UniqueFd& l : listeners_) {
    if (l.get() == event.fd) {
      accept_clients(event.fd, /*tls=*/false);
      return;
    }
  }
  for (const UniqueFd& l : tls_.listeners) {
    if (l.get() == event.fd) {
      accept_clients(event.fd, /*tls=*/true);
      return;
    }
  }
  // A connection closed earlier in this batch is still in the table (its fd
  // stays open until reap(), so the number cannot be reused) but is marked
  // dead: its stale event is ignored here.
  Connection* conn = connection(event.fd);
  if (conn == nullptr) {
    if (task_ != nullptr) task_->on_event(event);  // the cluster link's sockets
    return;
  }
  if (conn->dead) return;
  if (conn->handshaking) [[unlikely]] {
    on_handshake(*conn);
    return;
  }
  if ((event.ready & kReadable) && conn->reading) on_readable(*conn);
  if ((event.ready & kWritable) && !conn->dead) on_writable(*conn);
}

void Reactor::accept_clients(int listener_fd, bool tls) {
  // Every listener speaks the canonical protocol today.
  const Renderer& notices = (*loop_.renderers)[kCanonicalProtocol];
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    std::optional<Accepted> accepted = acceptor_.accept(listener_fd, notices);
    if (!accepted) return;
    // Counted from the first byte: a client stuck in its handshake holds a
    // seat (and its address's share) until the handshake timeout.
    if (!admit_or_refuse(admission_, *accepted, notices)) continue;
    const int fd = accepted->fd.get();
    tls::Stream stream;
    if (tls) {
      auto opened = tls::Stream::open(tls_.credentials->context(), fd, tls::Stream::Role::server);
      if (auto* error = std::get_if<std::string>(&opened)) {
        admission_.release(accepted->peer);
        diagnostic("TLS failed", "TLS failed: " + accepted->peer.name() + ": " + *error);
        continue;  // closed: a plain refusal would mean nothing to a TLS client
      }
      stream = std::move(std::get<tls::Stream>(opened));
    }
    if (const auto ec = poller_->add(fd, kReadable)) {  // select: fd >= FD_SETSIZE
      admission_.release(accepted->peer);
      refuse_client(std::move(accepted->fd), notices, Event::Kind::server_full,
                    accepted->peer.name() + ": " + std::string(poller_->name()) + " cannot watch fd " +
                        std::to_string(fd) + ": " + ec.message());
      continue;
    }

    const auto slot = static_cast<std::size_t>(fd);
    if (slot >= connections_.size()) connections_.resize(slot + 1);
    connections_[slot] = std::make_unique<Connection>(std::move(accepted->fd), std::move(accepted->peer), limits_,
                                                      loop_, std::move(stream));
    Connection& conn = *connections_[slot];
    conn.interest = kReadable;
    if (conn.handshaking) {
      ++handshakes_;  // the ClientHello is awaited like any input
      continue;
    }
    admit_to_room(conn);
  }
}

void Reactor::admit_to_room(Connection& conn) {
  conn.member = chat_.join(conn, conn.peer_name(), join_gate_.announce_now(loop_.now));
}

void Reactor::on_handshake(Connection& conn) {
  const tls::Result r = conn.handshake();
  switch (r.status) {
    case tls::Status::want_read:
      update_interest(conn, kReadable);
      return;
    case tls::Status::want_write:
      update_interest(conn, kWritable);
      return;
    case tls::Status::closed:
    case tls::Status::error:
      diagnostic("TLS handshake failed", tls_handshake_failed(conn.peer_name(), r));
      close_connection(conn);
      return;
    case tls::Status::done:
      break;
  }
  --handshakes_;
  // From here on the connection is like a plain one: welcome, "entered",
  // lines through the same framer and limits. The idle clock starts now.
  conn.last_input = loop_.now;
  update_interest(conn, kReadable);
  if (conn.dead) return;
  admit_to_room(conn);
  // A line sent right behind the handshake may already be decrypted.
  on_readable(conn);
}

void Reactor::on_readable(Connection& conn) {
  if (conn.paused) return;  // an event from before it paused
  if (conn.read_turn == iteration_ && iteration_ != 0) return;  // one turn per wake-up
  conn.read_turn = iteration_;
  conn.last_input = loop_.now;
  using Cost = Connection::FrameCost;
  const auto status = conn.read_lines(scratch_, kLinesPerWakeup, [&](const Frame& frame) {
    if (frame.kind == Frame::Kind::too_long) {
      conn.notice(Event{.kind = Event::Kind::line_too_long, .count = limits_.max_line});
      return Cost::counted;
    }
    // Every line counts, commands included, before it is interpreted: a
    // burst of /nick, /who or /join costs what a burst of text does.
    const RateLimiter::Decision rate = conn.rate_limiter.on_line(loop_.now);
    if (rate.report_dropped > 0) conn.notice(Event{.kind = Event::Kind::slow_down, .count = rate.report_dropped});
    if (!rate.pass) return Cost::free;  // dropped unparsed: not worth a turn
    switch (chat_.handle_line(*conn.member, frame.text)) {
      case Chat::Outcome::stay:
        return Cost::counted;
      case Chat::Outcome::quit:
        leave_room(conn);
        return Cost::stop;
      case Chat::Outcome::wait:  // a /nick claim in the cluster: later lines wait for its answer
        conn.paused = true;
        return Cost::pause;
    }
    return Cost::counted;
  });
  if (conn.paused) [[unlikely]] {
    // Not read, not served until resume_paused(): no readable events meanwhile.
    update_interest(conn, conn.interest & ~kReadable);
  } else if (conn.has_backlog() && !conn.backlog_listed && conn.reading) {
    conn.backlog_listed = true;
    backlogged_.push_back(conn.fd());
  }
  if (conn.rate_limiter.report_due() && !conn.report_listed) {
    conn.report_listed = true;
    report_waiters_.push_back(conn.fd());
  }

  if (status == Connection::IoStatus::error) {
    if (conn.is_tls() && !conn.tls_error().empty()) {
      diagnostic("TLS error", "TLS error: " + conn.peer_name() + ": " + conn.tls_error());
    }
    close_connection(conn);
  } else if (status == Connection::IoStatus::eof) {
    // The peer may only have half-closed (nc at end of input, chat in pipe
    // mode): it still gets what is queued for it, then we close.
    leave_room(conn);
  }
  if (conn.reading || conn.dead) return;
  // No more input: stop watching for it (a level-triggered poller would
  // report the EOF forever) and close once the output is out.
  if (conn.output().empty()) {
    close_connection(conn);
  } else {
    update_interest(conn, kWritable);
  }
}

void Reactor::serve_backlogs() {
  // Connections whose socket had more lines than one turn's share: the
  // lines are already read, so no poller event will come for them.
  std::vector<int> waiting = std::move(backlogged_);
  backlogged_.clear();
  for (int fd : waiting) {
    Connection* conn = connection(fd);
    if (conn == nullptr) continue;
    conn->backlog_listed = false;
    if (conn->dead || !conn->reading || conn->paused || !conn->has_backlog()) continue;
    if (conn->read_turn == iteration_) {  // had its turn through an event
      conn->backlog_listed = true;
      backlogged_.push_back(fd);
      continue;
    }
    on_readable(*conn);
  }
}

void Reactor::send_due_reports() {
  // "! slow down: N messages dropped" once the burst is over, not when the
  // next line comes (which may be never).
  for (std::size_t i = 0; i < report_waiters_.size();) {
    Connection* conn = connection(report_waiters_[i]);
    if (conn != nullptr && !conn->dead && conn->reading) {
      if (const std::size_t dropped = conn->rate_limiter.take_due_report(loop_.now)) {
        conn->notice(Event{.kind = Event::Kind::slow_down, .count = dropped});
      }
      if (conn->rate_limiter.report_due()) {
        ++i;
        continue;
      }
    }
    if (conn != nullptr) conn->report_listed = false;
    report_waiters_[i] = report_waiters_.back();
    report_waiters_.pop_back();
  }
}

void Reactor::leave_room(Connection& conn) {
  conn.reading = false;
  if (conn.member) {
    // Announced in settle(), after every connection found dead meanwhile is
    // marked so: the "left" lines go only to those still there.
    pending_leaves_.push_back(*conn.member);
    conn.member.reset();
  }
}

void Reactor::process_leaves() {
  for (std::size_t i = 0; i < pending_leaves_.size(); ++i) chat_.leave(pending_leaves_[i]);
  pending_leaves_.clear();
}

void Reactor::resume_paused() {
  // Connections whose /nick the cluster has answered (Connection::resume):
  // their next lines, read or still in the socket, get turns again.
  std::vector<Connection*> resumed = std::move(loop_.to_resume);
  loop_.to_resume.clear();
  for (Connection* conn : resumed) {
    if (conn->dead || !conn->paused) continue;
    conn->paused = false;
    if (!conn->reading) continue;
    update_interest(*conn, conn->interest | kReadable);
    if (!conn->dead && conn->has_backlog() && !conn->backlog_listed) {
      conn->backlog_listed = true;
      backlogged_.push_back(conn->fd());
    }
  }
}

void Reactor::settle() {
  if (!loop_.to_resume.empty()) [[unlikely]] resume_paused();
  // Announcing leaves queues output; flushing it can find more dead peers,
  // whose leaves are announced in turn.
  do {
    process_leaves();
    flush_scheduled();
  } while (!pending_leaves_.empty());
}

void Reactor::on_writable(Connection& conn) {
  if (conn.flush() == Connection::IoStatus::error) {
    if (conn.is_tls() && !conn.tls_error().empty()) {
      diagnostic("TLS error", "TLS error: " + conn.peer_name() + ": " + conn.tls_error());
    }
    close_connection(conn);
    return;
  }
  if (conn.output().empty() && !conn.reading) {
    close_connection(conn);
    return;
  }
  const unsigned reads = conn.reading && !conn.paused ? kReadable : kNone;
  update_interest(conn, reads | (conn.output().empty() ? kNone : kWritable));
}

void Reactor::flush_scheduled() {
  // Try to write everything queued during this iteration now, before
  // sleeping: most sockets take it at once, and only those that come up
  // short get write interest. Indexing, not iterators: closing one
  // connection delivers its "left" line to others, which may append here.
  for (std::size_t i = 0; i < loop_.to_flush.size(); ++i) {
    Connection& conn = *loop_.to_flush[i];
    conn.flush_scheduled = false;
    if (conn.dead) continue;
    if (!(conn.interest & kWritable)) on_writable(conn);
  }
  loop_.to_flush.clear();
}

void Reactor::update_interest(Connection& conn, unsigned interest) {
  if (interest == conn.interest) return;
  if ((interest & kWritable) && !(conn.interest & kWritable)) ++write_waiters_;
  if (!(interest & kWritable) && (conn.interest & kWritable)) --write_waiters_;
  conn.interest = interest;
  if (const auto ec = poller_->modify(conn.fd(), interest)) {
    diagnostic("cannot update", "cannot update " + conn.peer_name() + ": " + ec.message());
    close_connection(conn);
  }
}

void Reactor::close_connection(Connection& conn) {
  if (conn.dead) return;
  if (conn.handshaking) --handshakes_;
  conn.handshaking = false;
  leave_room(conn);
  if (conn.interest & kWritable) --write_waiters_;
  conn.dead = true;
  admission_.release(conn.peer());
  dead_fds_.push_back(conn.fd());
}

void Reactor::check_timeouts() {
  const bool stalls = limits_.stall_timeout_s > 0 && write_waiters_ > 0;
  const bool idles = limits_.idle_timeout_s > 0 && !shutting_down_;
  if (!stalls && !idles && handshakes_ == 0) return;
  const auto handshake_limit = std::chrono::seconds(limits_.tls_handshake_timeout_s);
  for (auto& slot : connections_) {
    if (!slot || slot->dead) continue;
    if (slot->handshaking) {  // slowloris: a socket that never finishes its handshake
      if (loop_.now - slot->last_input < handshake_limit) continue;
      diagnostic("TLS handshake timed out",
                 tls_handshake_timed_out(slot->peer_name(), limits_.tls_handshake_timeout_s));
      close_connection(*slot);
      continue;
    }
    if (stalls) drop_stalled(*slot);
    if (idles && !slot->dead) drop_idle(*slot);
  }
}

void Reactor::drop_stalled(Connection& conn) {
  if (!(conn.interest & kWritable)) return;  // not waiting for the socket
  if (conn.peer_read_since_last_check()) conn.note_output_progress(loop_.now);
  if (!conn.output().stalled(loop_.now, std::chrono::seconds(limits_.stall_timeout_s))) return;
  const std::string name = conn.member ? chat_.name_of(*conn.member) : conn.peer_name();
  diagnostic("dropping", "dropping " + name + ": it accepted no output for " + std::to_string(limits_.stall_timeout_s) +
             " s (" + std::to_string(conn.output().bytes()) + " bytes pending)");
  close_connection(conn);
}

void Reactor::drop_idle(Connection& conn) {
  if (!conn.reading || loop_.now - conn.last_input < std::chrono::seconds(limits_.idle_timeout_s)) return;
  conn.notice(Event{.kind = Event::Kind::idle_disconnect, .count = limits_.idle_timeout_s});
  leave_room(conn);
  update_interest(conn, kWritable);  // closed once the notice is out
}

void Reactor::reap() {
  for (int fd : dead_fds_) {
    poller_->remove(fd);
    discard_unread_input(fd);
    connections_[static_cast<std::size_t>(fd)].reset();  // closes the socket
  }
  dead_fds_.clear();
  memory_trim_.on_clients(admission_.clients());
}

void Reactor::begin_shutdown() {
  process_leaves();  // the room must not keep members whose connections go
  if (task_ != nullptr) task_->on_shutdown();  // while the room still has its members
  shutting_down_ = true;
  shutdown_deadline_ = loop_.now + kShutdownFlushTime;
  for (auto* set : {&listeners_, &tls_.listeners}) {
    for (UniqueFd& l : *set) {
      poller_->remove(l.get());
      l.reset();
    }
  }
  const Event shutting_down{.kind = Event::Kind::shutting_down};
  Rendering notice(*loop_.renderers, shutting_down);
  // Everyone leaves at once: no "left" lines, just flush and close.
  for (auto& slot : connections_) {
    if (!slot || slot->dead) continue;
    if (slot->member) slot->deliver_control(notice.line(slot->protocol()));
    slot->member.reset();
    slot->reading = false;
    if (slot->output().empty()) close_connection(*slot);
  }
}

int Reactor::wait_timeout_ms() const {
  if (shutting_down_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(shutdown_deadline_ - Clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 1000));
  }
  if (!backlogged_.empty()) return 0;  // lines already read are waiting for their turn
  const bool stalls = limits_.stall_timeout_s > 0 && write_waiters_ > 0;
  const bool idles = limits_.idle_timeout_s > 0 && admission_.clients() > 0;
  int timeout = stalls || idles || handshakes_ > 0 ? static_cast<int>(kTimeoutCheckEvery.count()) : -1;
  const auto now = Clock::now();
  for (int fd : report_waiters_) {
    const Connection* conn = connection(fd);
    const auto due = conn != nullptr ? conn->rate_limiter.report_due() : std::nullopt;
    if (!due) continue;
    // Rounded up, so the loop does not wake a moment early and spin.
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*due - now).count();
    const int ms = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
    if (timeout < 0 || ms < timeout) timeout = ms;
  }
  if (task_ != nullptr) {
    const int ms = task_->timeout_ms(now);
    if (ms >= 0 && (timeout < 0 || ms < timeout)) timeout = ms;
  }
  return timeout;
}

}  // namespace chat
