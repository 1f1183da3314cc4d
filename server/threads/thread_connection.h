// One client of the threads engine: a socket, a reader thread and a writer
// thread. The reader frames lines and hands them to the room under the
// server's lock; deliveries land in this connection's queue under its own
// lock and wake the writer, which writes outside any lock. A receiver that
// never reads therefore blocks only its own writer thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/event.h"
#include "core/member.h"
#include "net/output_queue.h"
#include "net/send_progress.h"
#include "socket_address.h"
#include "tls_stream.h"
#include "unique_fd.h"

namespace chat {

class ThreadServer;
class ThreadConnection;

// Declared before taking the room lock, so that it ends after the lock is
// released: deliveries made meanwhile to idle connections are sent then.
// Without one on the thread, deliver() wakes the writer instead.
class DeferredSends {
 public:
  DeferredSends();
  ~DeferredSends();
  DeferredSends(const DeferredSends&) = delete;
  DeferredSends& operator=(const DeferredSends&) = delete;

  static DeferredSends* current() noexcept;
  // Tries the sockets now (outside the room lock), as the destructor does.
  void flush();
  void add(std::shared_ptr<ThreadConnection> conn) { pending_.push_back(std::move(conn)); }

 private:
  std::vector<std::shared_ptr<ThreadConnection>> pending_;
  DeferredSends* outer_;
};

class ThreadConnection final : public Member, public std::enable_shared_from_this<ThreadConnection> {
 public:
  // `tls`: a server-side TLS stream on `fd`, its handshake done (then `fd` must be
  // non-blocking: both threads wait in poll(), outside the TLS lock), or
  // empty for plain TCP.
  ThreadConnection(ThreadServer& server, UniqueFd fd, PeerAddress peer, tls::Stream tls = {});

  // Starts the writer, then the reader. Throws std::system_error if the
  // writer cannot be created (nothing runs then); if only the reader cannot
  // be, the client is told "! server full" and closed, and false returned.
  bool start();

  // Member: called with the server's room lock held.
  void deliver(const SharedLine& line) override;
  bool accepts_reply(std::size_t bytes, std::size_t lines) override;
  // As Connection::accepts_replay; the charge reaches the reader's rate
  // limiter after the line that asked (replay_charge_).
  bool accepts_replay(std::size_t bytes, std::size_t lines) override;
  // Member: the password check this reader waits for is answered.
  void resume() override;
  // Member: over TLS, or from loopback.
  [[nodiscard]] bool confidential() const override { return is_tls_ || peer_.loopback; }
  // Member: the chat removed it: stop reading, flush, close.
  void drop(DropReason why) override;
  // A line the server must get through (see OutputQueue::Kind::control).
  void deliver_control(const SharedLine& line);
  // A notice the server sends on its own, rendered in this connection's
  // protocol and queued as a control line (see Connection::notice).
  void notice(const Event& event);
  // DeferredSends: try the socket without blocking, outside the room lock.
  void send_deferred();

  // Called with the room lock held: stop reading, flush what is queued,
  // then close. With `leave`, the user leaves the room first.
  void finish(bool leave);
  // Wakes the reader (shutdown): its blocked read() returns end-of-file.
  void stop_reading() noexcept;
  // Unblocks both threads at once (shutdown deadline): nothing more is sent.
  void abort() noexcept;

  // Tells a client no thread could be started for "! server full"; for a
  // fresh socket, whose buffer takes it without blocking.
  void refuse(std::string_view line) noexcept;

  [[nodiscard]] const std::string& peer_name() const { return peer_name_; }

  // Guarded by the room lock.
  std::optional<MemberId> member;
  double replay_charge = 0;  // rate-limit lines owed for replays (read_loop takes them)
  int threads_running = 2;
  bool resumed = false;  // Chat::Outcome::wait answered (resume())
  std::condition_variable resumed_cv;  // with the room lock: resumed, or member gone

 private:
  void read_loop();
  void write_loop();
  // The socket as read_loop and write_loop see it: read() and writev()
  // with their timeouts (SO_RCVTIMEO, SO_SNDTIMEO: -1 and EAGAIN), plain
  // or through TLS (thread_connection_tls.cpp).
  ssize_t read_some(std::span<char> buffer);
  ssize_t write_some(std::span<const iovec> iov);
  // Whether read_some() has bytes without the socket (TLS: decrypted, held).
  bool input_buffered();
  ssize_t read_tls(std::span<char> buffer);
  ssize_t write_tls(std::span<const iovec> iov);
  // Waits (outside the TLS lock) for what `status` asks; false on timeout.
  bool await(tls::Status status, int timeout_ms) const;
  void close_tls() noexcept;

  ThreadServer& server_;
  UniqueFd fd_;
  PeerAddress peer_;
  std::string peer_name_;

  void queue(const SharedLine& line, OutputQueue::Kind kind);

  std::mutex mutex_;  // guards output_, closing_, deferred_, watching_, next_unsent_check_
  std::condition_variable wake_writer_;
  OutputQueue output_;
  bool closing_ = false;
  bool deferred_ = false;  // a DeferredSends will try the socket; the writer waits
  // The writer watches output the kernel holds unsent (timed waits); when
  // false, send_deferred() wakes it if it leaves some there.
  bool watching_ = false;
  OutputQueue::Clock::time_point next_unsent_check_{};  // send_deferred(): when to ask the kernel again

  // TLS: one SSL object, used by the reader (SSL_read) and the
  // writer (SSL_write), which OpenSSL does not allow at once: every call is
  // made under tls_mutex_, never a wait.
  const bool is_tls_;
  std::mutex tls_mutex_;  // guards tls_
  tls::Stream tls_;
  std::size_t tls_retry_ = 0;  // writer only: bytes of the SSL_write to repeat
  std::vector<char> tls_record_;  // writer only: the record being written
};

}  // namespace chat
