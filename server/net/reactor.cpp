// The event loop's heart: construction, the loop itself, dispatch of poller
// events, accepting and TLS handshakes. Reading lines and flushing queues
// are in reactor_lines.cpp; timeouts, reaping and shutdown in
// reactor_timeouts.cpp.
#include "net/reactor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "net/signal_pipe.h"
#include "tls/tls_log_lines.h"
#include "web/http_response.h"
#include "web/static_files.h"

namespace chat {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Queued output is flushed after this many events (and accepts), not only
// at the end of a batch. A busy room has a handful of events per batch, so
// this costs nothing there; in a storm (10,000 clients joining, or leaving
// at once) it keeps each receiver's queue from collecting thousands of
// "entered"/"left" lines before the first write: measured with
// flood --clients 10000.
constexpr std::size_t kFlushEvery = 64;
constexpr int kAcceptsPerWakeup = 128;

}  // namespace

Reactor::Reactor(const ServerLimits& limits, Chat& chat, const Renderers& renderers, std::unique_ptr<Poller> poller,
                 std::vector<UniqueFd> listeners, int signal_fd, ServerLog& log, TlsSetup tls, WebSetup web,
                 IrcSetup irc)
    : limits_(limits),
      poller_(std::move(poller)),
      listeners_(std::move(listeners)),
      tls_(std::move(tls)),
      web_(std::move(web)),
      irc_(std::move(irc)),
      signal_fd_(signal_fd),
      log_(log),
      chat_(chat),
      admission_(limits.max_clients, limits.max_per_ip),
      handshake_rate_(limits.tls_handshake_rate),
      scratch_(kReadChunk),
      acceptor_(/*nonblocking=*/true) {
  loop_.renderers = &renderers;
  loop_.replay_budget = ReplayBudget(limits.replay_rate);
  // Each embedded file's whole response is built once and shared by every
  // connection that asks for it, like a line.
  if (!web_.listeners.empty()) {
    web_.policy.tls = tls_.credentials != nullptr;
    for (const web::StaticFile& f : web::static_files()) {
      web_files_.emplace_back(std::string(f.path), make_line(web::file_response(f.type, f.body, web_.policy)));
    }
  }
  admission_.watch_bans(&chat_);
}

Reactor::~Reactor() = default;

void Reactor::set_limits(const ServerLimits& limits) {
  const std::size_t max_line = limits_.max_line;
  limits_ = limits;
  limits_.max_line = max_line;
  admission_.set_limits(limits.max_clients, limits.max_per_ip);
  handshake_rate_.set_limit(limits.tls_handshake_rate);
  for (auto& conn : connections_) {
    if (conn && !conn->dead) conn->set_limits(limits_);
  }
}

int Reactor::run() {
  for (const auto* set : {&listeners_, &tls_.listeners, &web_.listeners, &irc_.listeners}) {
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
      close_connection(*conn, (e.ready & kFailed) ? Disconnect::error : Disconnect::eof);
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
    // Event-loop lag: the work this wake-up did, sleep excluded.
    loop_.counters.loop_iteration_seconds.observe(Clock::now() - loop_.now);
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

std::error_code Reactor::attach_passwords(PasswordPool& pool) {
  int fds[2];
  if (::pipe(fds) != 0) return {errno, std::generic_category()};
  password_wake_read_ = UniqueFd(fds[0]);
  password_wake_write_ = UniqueFd(fds[1]);
  for (const int fd : fds) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 || ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      return {errno, std::generic_category()};
    }
  }
  if (const auto ec = poller_->add(fds[0], kReadable)) return ec;
  passwords_ = &pool;
  const int wake = fds[1];
  // On a worker thread; a full pipe already says "results wait".
  pool.set_ready([wake] { [[maybe_unused]] const ssize_t n = ::write(wake, "", 1); });
  return {};
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
  for (const UniqueFd& l : web_.listeners) {
    if (l.get() == event.fd) {
      accept_clients(event.fd, /*tls=*/tls_.credentials != nullptr, /*web=*/true);
      return;
    }
  }
  for (const UniqueFd& l : irc_.listeners) {
    if (l.get() == event.fd) {
      accept_clients(event.fd, /*tls=*/false, /*web=*/false, /*irc=*/true);
      return;
    }
  }
  // A connection closed earlier in this batch is still in the table (its fd
  // stays open until reap(), so the number cannot be reused) but is marked
  // dead: its stale event is ignored here.
  Connection* conn = connection(event.fd);
  if (conn == nullptr) {
    if (passwords_ != nullptr && event.fd == password_wake_read_.get()) {
      take_passwords();
      return;
    }
    if (task_ != nullptr) task_->on_event(event);  // the cluster link's sockets
    return;
  }
  if (conn->dead) return;
  if (conn->handshaking) [[unlikely]] {
    on_handshake(*conn);
    return;
  }
  if (conn->web_request) [[unlikely]] {
    on_http_request(*conn);
    return;
  }
  if ((event.ready & kReadable) && conn->reading) on_readable(*conn);
  if ((event.ready & kWritable) && !conn->dead) on_writable(*conn);
}

void Reactor::accept_clients(int listener_fd, bool tls, bool web, bool irc) {
  // The line ports speak the canonical protocol; the web port refuses with
  // an HTTP 503, the IRC port with an ERROR line.
  const Renderer& notices = web && web_.refusals != nullptr ? *web_.refusals
                            : irc                           ? (*loop_.renderers)[irc_.protocol]
                                                            : (*loop_.renderers)[kCanonicalProtocol];
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    std::optional<Accepted> accepted = acceptor_.accept(listener_fd, notices);
    if (!accepted) return;
    // Counted from the first byte: a client stuck in its handshake holds a
    // seat (and its address's share) until the handshake timeout.
    switch (admit_or_refuse(admission_, *accepted, notices)) {
      case Admission::Verdict::admitted:
        break;
      case Admission::Verdict::server_full:
        loop_.counters.refuse(Refusal::server_full);
        continue;
      case Admission::Verdict::too_many_from_address:
        loop_.counters.refuse(Refusal::too_many_from_ip);
        continue;
      case Admission::Verdict::banned:
        loop_.counters.refuse(Refusal::banned);
        continue;
    }
    const int fd = accepted->fd.get();
    tls::Stream stream;
    if (tls) {
      if (!handshake_rate_.admit(accepted->peer, loop_.now)) {
        admission_.release(accepted->peer);
        loop_.counters.refuse(Refusal::tls_handshake_rate);
        diagnostic("TLS handshake rate", tls_handshake_refused(accepted->peer.name()));
        continue;  // closed before any cryptography
      }
      auto opened = tls::Stream::open(tls_.credentials->context(), fd, tls::Stream::Role::server);
      if (auto* error = std::get_if<std::string>(&opened)) {
        admission_.release(accepted->peer);
        loop_.counters.refuse(Refusal::tls_setup);
        diagnostic("TLS failed", "TLS failed: " + accepted->peer.name() + ": " + *error);
        continue;  // closed: a plain refusal would mean nothing to a TLS client
      }
      stream = std::move(std::get<tls::Stream>(opened));
    }
    if (const auto ec = poller_->add(fd, kReadable)) {  // select: fd >= FD_SETSIZE
      admission_.release(accepted->peer);
      loop_.counters.refuse(Refusal::poller);
      refuse_client(std::move(accepted->fd), notices, Event::Kind::server_full,
                    accepted->peer.name() + ": " + std::string(poller_->name()) + " cannot watch fd " +
                        std::to_string(fd) + ": " + ec.message());
      continue;
    }

    const auto slot = static_cast<std::size_t>(fd);
    if (slot >= connections_.size()) connections_.resize(slot + 1);
    std::unique_ptr<irc::IrcClient> irc_client;
    if (irc) irc_client = std::make_unique<irc::IrcClient>(irc_.info, accepted->peer.name());
    const ProtocolId protocol = web ? web_.protocol : irc ? irc_.protocol : kCanonicalProtocol;
    connections_[slot] = std::make_unique<Connection>(std::move(accepted->fd), std::move(accepted->peer), limits_,
                                                      loop_, std::move(stream), protocol, web, std::move(irc_client));
    Connection& conn = *connections_[slot];
    conn.interest = kReadable;
    ++loop_.counters.accepted[static_cast<std::size_t>(web ? Listener::web : tls ? Listener::tls : Listener::plain)];
    if (web) ++web_requests_;  // its request head is awaited, within a deadline
    if (conn.handshaking) {
      ++handshakes_;  // the ClientHello is awaited like any input
      continue;
    }
    if (web || irc) continue;  // in the room once upgraded, or registered (IRC)
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
      ++loop_.counters.tls_handshakes_failed;
      close_connection(conn, Disconnect::tls_handshake);
      return;
    case tls::Status::done:
      break;
  }
  --handshakes_;
  ++loop_.counters.tls_handshakes_ok;
  loop_.counters.tls_handshake_seconds.observe(loop_.now - conn.last_input);  // last_input: the accept
  // From here on the connection is like a plain one: welcome, "entered",
  // lines through the same framer and limits. The idle clock starts now.
  conn.last_input = loop_.now;
  update_interest(conn, kReadable);
  if (conn.dead) return;
  if (conn.web_request) {  // HTTPS: the request head may be decrypted already
    on_http_request(conn);
    return;
  }
  admit_to_room(conn);
  // A line sent right behind the handshake may already be decrypted.
  on_readable(conn);
}

}  // namespace chat
