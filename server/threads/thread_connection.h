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
#include <string>
#include <thread>
#include <vector>

#include "output_queue.h"
#include "room.h"
#include "socket_address.h"
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
  void add(std::shared_ptr<ThreadConnection> conn) { pending_.push_back(std::move(conn)); }

 private:
  std::vector<std::shared_ptr<ThreadConnection>> pending_;
  DeferredSends* outer_;
};

class ThreadConnection final : public Member, public std::enable_shared_from_this<ThreadConnection> {
 public:
  ThreadConnection(ThreadServer& server, UniqueFd fd, PeerAddress peer);

  // Starts the writer, then the reader. Throws std::system_error if the
  // writer cannot be created (nothing runs then); if only the reader cannot
  // be, the client is told "! server full" and closed, and false returned.
  bool start();

  // Member: called with the server's room lock held.
  void deliver(const SharedLine& line) override;
  bool accepts_reply(std::size_t bytes, std::size_t lines) override;
  // A line the server must get through (see OutputQueue::Kind::control).
  void deliver_control(const SharedLine& line);
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
  std::optional<Room::MemberId> member;
  int threads_running = 2;

 private:
  void read_loop();
  void write_loop();

  ThreadServer& server_;
  UniqueFd fd_;
  PeerAddress peer_;
  std::string peer_name_;

  void queue(const SharedLine& line, OutputQueue::Kind kind);

  std::mutex mutex_;  // guards output_, closing_ and deferred_
  std::condition_variable wake_writer_;
  OutputQueue output_;
  bool closing_ = false;
  bool deferred_ = false;  // a DeferredSends will try the socket; the writer waits
};

}  // namespace chat
