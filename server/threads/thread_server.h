// --engine threads: the classic design done properly. One reader thread per
// connection doing blocking reads and one writer thread per connection
// draining its queue, the room under one lock. Same protocol, same limits,
// same shutdown as the reactor: the only difference is the concurrency
// model, which is what the benchmark compares.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "base/memory_trim.h"
#include "base/server_log.h"
#include "base/shared_line.h"
#include "core/chat.h"
#include "core/renderer.h"
#include "net/acceptor.h"
#include "net/admission.h"
#include "net/join_gate.h"
#include "net/limits.h"
#include "passwords/password_pool.h"
#include "tls/tls_credentials.h"
#include "unique_fd.h"

namespace chat {

class ThreadConnection;

class ThreadServer {
 public:
  // `tls`: the TLS port's listeners, if any (see Reactor). Lines go to
  // `chat`; `renderers` render what the server says itself.
  ThreadServer(const ServerLimits& limits, Chat& chat, const Renderers& renderers, std::vector<UniqueFd> listeners,
               int signal_fd, ServerLog& log, TlsSetup tls = {});
  ~ThreadServer();
  ThreadServer(const ThreadServer&) = delete;
  ThreadServer& operator=(const ThreadServer&) = delete;

  // Hands `pool`'s results (not owned; destroyed after the server) to the
  // chat under the room lock, on the worker that made them. Before run().
  void attach_passwords(PasswordPool& pool);

  // Accepts until SIGINT/SIGTERM, then shuts down; returns the exit code.
  int run();

 private:
  friend class ThreadConnection;

  void accept_from(int listener_fd);
  void start_connection(Accepted client, bool tls);
  void shut_down();
  void note_thread_failure(const PeerAddress& peer, const std::system_error& e);
  // Called by each connection thread as it ends; the last one out unregisters.
  void thread_finished(ThreadConnection& conn);

  const ServerLimits limits_;
  const Renderers& renderers_;
  std::vector<UniqueFd> listeners_;
  TlsSetup tls_;
  int signal_fd_;
  ServerLog& log_;

  std::mutex room_mutex_;  // guards chat_, connections_, admission_, and each member
  Chat& chat_;
  std::unordered_map<ThreadConnection*, std::shared_ptr<ThreadConnection>> connections_;
  Admission admission_;
  HandshakeRate handshake_rate_;  // --tls-handshake-rate; the accept thread's only
  JoinGate join_gate_;  // guarded by room_mutex_
  MemoryTrim memory_trim_;  // guarded by room_mutex_

  std::condition_variable all_done_;  // with room_mutex_: connections_ became empty
  bool thread_failure_logged_ = false;  // guarded by room_mutex_
};

}  // namespace chat
