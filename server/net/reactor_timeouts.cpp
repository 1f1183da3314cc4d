// The reactor's clocks: stalled readers, idle users and unfinished TLS
// handshakes dropped, closed connections reaped after each iteration, and
// the shutdown that tells everyone and flushes for at most a second.
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "net/reactor.h"
#include "tls/tls_log_lines.h"

namespace chat {

namespace {

constexpr auto kShutdownFlushTime = std::chrono::seconds(1);

// Closing a socket with unread input makes the kernel send a reset, and a
// reset can destroy output the peer has not read yet ("> Server shutting
// down", the reply before /quit). Read what is already there first.
void discard_unread_input(int fd) {
  char sink[4096];
  for (int i = 0; i < 16 && ::read(fd, sink, sizeof sink) > 0; ++i) {
  }
}

}  // namespace

void Reactor::check_timeouts() {
  const bool stalls = limits_.stall_timeout_s > 0 && write_waiters_ > 0;
  const bool idles = limits_.idle_timeout_s > 0 && !shutting_down_;
  const bool web = web_requests_ > 0 || websockets_ > 0;
  if (!stalls && !idles && handshakes_ == 0 && !web) return;
  const auto handshake_limit = std::chrono::seconds(limits_.tls_handshake_timeout_s);
  for (auto& slot : connections_) {
    if (!slot || slot->dead) continue;
    if (slot->handshaking) {  // slowloris: a socket that never finishes its handshake
      if (loop_.now - slot->last_input < handshake_limit) continue;
      diagnostic("TLS handshake timed out",
                 tls_handshake_timed_out(slot->peer_name(), limits_.tls_handshake_timeout_s));
      ++loop_.counters.tls_handshakes_timed_out;
      close_connection(*slot, Disconnect::tls_handshake);
      continue;
    }
    if (web && slot->is_web()) [[unlikely]] {
      check_web_timeouts(*slot);
      if (slot->dead || slot->web_request) continue;
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
  close_connection(conn, Disconnect::stall);
}

void Reactor::drop_idle(Connection& conn) {
  if (!conn.reading || loop_.now - conn.last_input < std::chrono::seconds(limits_.idle_timeout_s)) return;
  conn.notice(Event{.kind = Event::Kind::idle_disconnect, .count = limits_.idle_timeout_s});
  conn.closing_because(Disconnect::idle);
  conn.ws_close(web::close_code::policy_violation, "idle");
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
  for (auto* set : {&listeners_, &tls_.listeners, &web_.listeners}) {
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
    slot->closing_because(Disconnect::shutdown);
    if (slot->member) slot->deliver_control(notice.line(slot->protocol()));
    slot->ws_close(web::close_code::going_away, "server shutting down");
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
  const bool web = web_requests_ > 0 || websockets_ > 0;
  int timeout = stalls || idles || handshakes_ > 0 || web ? static_cast<int>(kTimeoutCheckEvery.count()) : -1;
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
