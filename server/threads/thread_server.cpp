#include "threads/thread_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <utility>

#include "net/acceptor.h"
#include "net/signal_pipe.h"
#include "threads/thread_connection.h"
#include "tls/tls_log_lines.h"

namespace chat {

namespace {

constexpr auto kShutdownFlushTime = std::chrono::seconds(1);
constexpr auto kShutdownJoinTime = std::chrono::seconds(5);

}  // namespace

ThreadServer::ThreadServer(const ServerLimits& limits, Chat& chat, const Renderers& renderers,
                           std::vector<UniqueFd> listeners, int signal_fd,
                           ServerLog& log, TlsSetup tls)
    : limits_(limits),
      renderers_(renderers),
      listeners_(std::move(listeners)),
      tls_(std::move(tls)),
      signal_fd_(signal_fd),
      log_(log),
      chat_(chat),
      admission_(limits.max_clients, limits.max_per_ip),
      handshake_rate_(limits.tls_handshake_rate),
      handshakes_(limits.tls_handshake_timeout_s),
      replay_budget_(limits.replay_rate) {
  admission_.watch_bans(&chat_);
}

ThreadServer::~ThreadServer() = default;

void ThreadServer::attach_passwords(PasswordPool& pool) {
  pool.set_ready([this, &pool] {
    DeferredSends sends;  // after the lock is released
    std::lock_guard lock(room_mutex_);
    for (PasswordResult& result : pool.drain()) chat_.on_password(std::move(result));
  });
}

int ThreadServer::run() {
  std::vector<pollfd> fds;
  for (const UniqueFd& l : listeners_) fds.push_back({l.get(), POLLIN, 0});
  for (const UniqueFd& l : tls_.listeners) fds.push_back({l.get(), POLLIN, 0});  // after the plain ones
  fds.push_back({signal_fd_, POLLIN, 0});
  const std::size_t fixed = fds.size();  // then the handshakes in flight
  const PendingHandshakes::Done done = [this](Accepted client, tls::Stream stream) {
    start_connection(std::move(client), std::move(stream));
  };
  const PendingHandshakes::Failed failed = [this](const Accepted& client) {
    std::lock_guard lock(room_mutex_);
    admission_.release(client.peer);
  };

  Acceptor acceptor(/*nonblocking=*/false);
  while (true) {
    fds.resize(fixed);
    handshakes_.append_pollfds(fds);
    if (::poll(fds.data(), fds.size(), handshakes_.poll_timeout_ms(PendingHandshakes::Clock::now())) < 0) {
      if (errno == EINTR) continue;
      diagnostic(std::string("poll failed: ") + std::strerror(errno));
      return 1;
    }
    if (fds[fixed - 1].revents != 0) {
      const SignalPipe::Received received = SignalPipe::drain(signal_fd_);
      if (received.hangup) {
        if (tls_.credentials != nullptr) {
          tls_.credentials->reload_and_log();  // new connections only; nobody is dropped
        } else {
          SignalPipe::log_hangup();
        }
      }
      if (received.stop) break;  // SIGINT or SIGTERM
    }
    // The handshakes first: those accepted below take their first step now.
    handshakes_.step(std::span<const pollfd>(fds).subspan(fixed), PendingHandshakes::Clock::now(), done, failed);
    for (std::size_t i = 0; i + 1 < fixed; ++i) {
      if (fds[i].revents == 0) continue;
      // Listeners are non-blocking: take every pending connection.
      const bool tls = i >= listeners_.size();
      while (std::optional<Accepted> accepted = acceptor.accept(fds[i].fd, renderers_[kCanonicalProtocol])) {
        if (tls) {
          start_handshake(std::move(*accepted), done, failed);
        } else {
          start_connection(std::move(*accepted), {});
        }
      }
    }
  }
  handshakes_.clear();
  shut_down();
  log_.event("exit\n");
  return 0;
}

void ThreadServer::start_handshake(Accepted client, const PendingHandshakes::Done& done,
                                   const PendingHandshakes::Failed& failed) {
  if (!handshake_rate_.admit(client.peer, HandshakeRate::Clock::now())) {
    diagnostic("TLS handshake rate", tls_handshake_refused(client.peer.name()));
    return;  // closed before any cryptography
  }
  // Non-blocking: the handshake never holds up the accept loop, and then
  // both threads wait in poll(), outside the TLS lock, with the timeouts
  // SO_SNDTIMEO and SO_RCVTIMEO give plain sockets.
  const int flags = ::fcntl(client.fd.get(), F_GETFL);
  ::fcntl(client.fd.get(), F_SETFL, flags | O_NONBLOCK);
  auto opened = tls::Stream::open(tls_.credentials->context(), client.fd.get(), tls::Stream::Role::server);
  if (auto* error = std::get_if<std::string>(&opened)) {
    diagnostic("TLS failed", "TLS failed: " + client.peer.name() + ": " + *error);
    return;
  }
  {
    // A seat from accept on, as on the reactor: a crowd of handshakes
    // counts against --max-clients and --max-per-ip.
    std::lock_guard lock(room_mutex_);
    if (admit_or_refuse(admission_, client, renderers_[kCanonicalProtocol]) != Admission::Verdict::admitted) return;
  }
  handshakes_.add(std::move(client), std::move(std::get<tls::Stream>(opened)), PendingHandshakes::Clock::now(), done,
                  failed);
}

void ThreadServer::start_connection(Accepted client, tls::Stream stream) {
  const bool tls = static_cast<bool>(stream);
  if (!tls && limits_.stall_timeout_s > 0) {
    // A writer blocked this long without a single byte accepted gives up.
    const timeval timeout{static_cast<time_t>(limits_.stall_timeout_s), 0};
    ::setsockopt(client.fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  }
  if (limits_.idle_timeout_s > 0 && !tls) {
    // A reader blocked this long without a byte from the user: idle.
    const timeval timeout{static_cast<time_t>(limits_.idle_timeout_s), 0};
    ::setsockopt(client.fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  DeferredSends sends;  // the welcome and "entered" lines, after the lock
  std::lock_guard lock(room_mutex_);
  // Over TLS the seat was taken when the handshake began.
  if (!tls && admit_or_refuse(admission_, client, renderers_[kCanonicalProtocol]) != Admission::Verdict::admitted) return;
  const PeerAddress peer = client.peer;
  auto conn = std::make_shared<ThreadConnection>(*this, std::move(client.fd), std::move(client.peer), std::move(stream));
  connections_.emplace(conn.get(), conn);
  bool started = false;
  try {
    started = conn->start();
  } catch (const std::system_error& e) {
    // No thread runs for it: refuse this one client, keep serving the rest.
    connections_.erase(conn.get());
    admission_.release(peer);
    conn->refuse(*renderers_.render(conn->protocol(), Event{.kind = Event::Kind::server_full}));
    note_thread_failure(peer, e);
    return;
  }
  if (!started) {  // its writer sends the refusal and unregisters
    note_thread_failure(peer, std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again)));
    return;
  }
  thread_failure_logged_ = false;
  conn->member = chat_.join(*conn, conn->peer_name(), join_gate_.announce_now(JoinGate::Clock::now()));
}

void ThreadServer::note_thread_failure(const PeerAddress& peer, const std::system_error& e) {
  // Once per run of failures, not once per refused client.
  if (std::exchange(thread_failure_logged_, true)) return;
  diagnostic("refused " + peer.name() + ": cannot start a thread (" + e.code().message() +
             "); refusing new clients until threads can be created again");
}

void ThreadServer::thread_finished(ThreadConnection& conn) {
  std::lock_guard lock(room_mutex_);
  if (--conn.threads_running > 0) return;  // the second thread out unregisters
  connections_.erase(&conn);
  memory_trim_.on_clients(connections_.size());
  if (connections_.empty()) all_done_.notify_all();
}

void ThreadServer::shut_down() {
  for (UniqueFd& l : listeners_) l.reset();
  std::unique_lock lock(room_mutex_);
  const Event shutting_down{.kind = Event::Kind::shutting_down};
  Rendering notice(renderers_, shutting_down);
  // Everyone leaves at once: no "left" lines. Readers are woken by the
  // half-shutdown; writers flush, then close.
  for (auto& [ptr, conn] : connections_) {
    if (conn->member) conn->deliver_control(notice.line(conn->protocol()));
    conn->finish(/*leave=*/false);
    conn->stop_reading();
  }
  if (!all_done_.wait_for(lock, kShutdownFlushTime, [&] { return connections_.empty(); })) {
    for (auto& [ptr, conn] : connections_) conn->abort();  // out of time: drop what is left
    all_done_.wait_for(lock, kShutdownJoinTime, [&] { return connections_.empty(); });
  }
}

}  // namespace chat
