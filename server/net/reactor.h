// The event loop: one thread, one Poller, every connection. It accepts,
// reads and frames lines, hands them to the room, and flushes every
// receiver's queue before sleeping again.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/memory_trim.h"
#include "base/server_log.h"
#include "core/chat.h"
#include "core/renderer.h"
#include "net/acceptor.h"
#include "net/admission.h"
#include "net/connection.h"
#include "net/join_gate.h"
#include "net/limits.h"
#include "net/loop_task.h"
#include "net/irc_setup.h"
#include "net/web_setup.h"
#include "net/pollers/poller.h"
#include "passwords/password_pool.h"
#include "net/pollers/sender.h"
#include "net/send_batch.h"
#include "tls/tls_credentials.h"
#include "unique_fd.h"

namespace chat {

class Reactor {
 public:
  // Takes the listening sockets and the read end of the signal pipe; a byte
  // on it starts the shutdown (SIGINT, SIGTERM) or reloads the TLS
  // certificate (SIGHUP). `tls`: the TLS port's listeners, if any. Lines
  // go to `chat`; `renderers` render what the reactor says itself.
  Reactor(const ServerLimits& limits, Chat& chat, const Renderers& renderers, std::unique_ptr<Poller> poller,
          std::vector<UniqueFd> listeners, int signal_fd, ServerLog& log, TlsSetup tls = {}, WebSetup web = {},
          IrcSetup irc = {});
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Serves until SIGINT/SIGTERM has been handled; returns the exit code.
  int run();
  // The poller, for a LoopTask's own fds.
  Poller& poller() { return *poller_; }
  // Drives `task` (not owned) too: --cluster. At most one; set before run().
  void attach(LoopTask* task) { task_ = task; }
  // Hands `pool`'s results (not owned; it must be destroyed before the
  // reactor) to the chat on the loop's thread: accounts. Before run().
  std::error_code attach_passwords(PasswordPool& pool);

  // SIGHUP: new limits for every connection and for those to come. All but
  // max_line, which the framers, the renderers and the rooms were built
  // with (it needs a restart; the caller keeps it unchanged). On the
  // loop's thread (the signal handlers run there).
  void set_limits(const ServerLimits& limits);

  // What --metrics reports of this loop; read on the loop's thread (a
  // scrape is served by a LoopTask of this same loop).
  [[nodiscard]] const LoopCounters& counters() {
    loop_.counters.refused[static_cast<std::size_t>(Refusal::out_of_fds)] = acceptor_.shed();
    return loop_.counters;
  }
  // Open client connections, TLS handshakes in progress included.
  [[nodiscard]] std::size_t connections() const noexcept { return admission_.clients(); }
  // The engine's completion side, if it has one (--engine uring): every
  // queue that got output is then sent in one batch per round.
  void use_sender(std::unique_ptr<Sender> sender) { sender_ = std::move(sender); }

 private:
  using Clock = OutputQueue::Clock;
  // How often stalls, idle users and handshakes are checked.
  static constexpr auto kTimeoutCheckEvery = std::chrono::milliseconds(250);

  void dispatch(const PollEvent& event);
  void accept_clients(int listener_fd, bool tls, bool web = false, bool irc = false);
  // The IRC port (reactor_irc.cpp): one framed line of an IRC client.
  Connection::FrameCost on_irc_line(Connection& conn, std::string_view line);
  // The web port (reactor_web.cpp): the request head, then a file, an
  // error, or the WebSocket.
  void on_http_request(Connection& conn);
  void answer_http(Connection& conn, const SharedLine& response);
  void check_web_timeouts(Connection& conn);
  void on_handshake(Connection& conn);
  void admit_to_room(Connection& conn);
  void on_readable(Connection& conn);
  void on_writable(Connection& conn);
  void after_flush(Connection& conn, Connection::IoStatus status);
  void flush_batched();
  void serve_backlogs();
  void send_due_reports();
  void flush_scheduled();
  void process_leaves();
  void settle();
  void resume_paused();
  void close_dropped();
  void take_passwords();
  void update_interest(Connection& conn, unsigned interest);
  void close_connection(Connection& conn, Disconnect why = Disconnect::error);
  void leave_room(Connection& conn);
  void check_timeouts();
  void drop_stalled(Connection& conn);
  void drop_idle(Connection& conn);
  void reap();
  void begin_shutdown();
  int wait_timeout_ms() const;
  [[nodiscard]] Connection* connection(int fd) const;

  ServerLimits limits_;
  std::unique_ptr<Poller> poller_;
  std::unique_ptr<Sender> sender_;  // none: each queue is written on its own
  SendBatch batch_;                 // with sender_: this round's sends
  std::vector<Connection*> round_;  // with sender_: the queues in batch_'s round
  std::vector<UniqueFd> listeners_;
  TlsSetup tls_;
  WebSetup web_;
  IrcSetup irc_;
  std::vector<std::pair<std::string, SharedLine>> web_files_;  // path -> whole response, built once
  int signal_fd_;
  ServerLog& log_;
  Chat& chat_;
  LoopContext loop_;
  LoopTask* task_ = nullptr;  // the cluster link, or none
  PasswordPool* passwords_ = nullptr;  // accounts, or none
  UniqueFd password_wake_read_, password_wake_write_;  // a byte: results wait in passwords_

  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by fd
  std::vector<int> dead_fds_;  // closed this iteration; destroyed after it
  std::vector<int> backlogged_;  // fds with lines read but not yet handled
  std::vector<int> report_waiters_;  // fds whose dropped lines are not yet reported
  std::uint64_t iteration_ = 0;
  std::vector<MemberId> pending_leaves_;  // left this iteration; announced by settle()
  Admission admission_;
  HandshakeRate handshake_rate_;  // --tls-handshake-rate
  JoinGate join_gate_;
  MemoryTrim memory_trim_;
  std::size_t write_waiters_ = 0;  // connections waiting for writability
  std::size_t handshakes_ = 0;     // TLS connections not done with their handshake
  std::size_t web_requests_ = 0;   // web connections whose request is not answered yet
  std::size_t websockets_ = 0;     // upgraded web connections (pinged when silent)
  std::vector<char> scratch_;      // one read buffer for every connection
  Acceptor acceptor_;
  Clock::time_point next_timeout_check_{};
  bool shutting_down_ = false;
  Clock::time_point shutdown_deadline_{};
};

}  // namespace chat
