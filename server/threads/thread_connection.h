// One client of the threads engine: a socket, a reader thread and a writer
// thread. The reader frames lines and hands them to the room under the
// server's lock; deliveries land in this connection's queue under its own
// lock and wake the writer, which writes outside any lock. A receiver that
// never reads therefore blocks only its own writer thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "output_queue.h"
#include "room.h"
#include "socket_address.h"
#include "unique_fd.h"

namespace chat {

class ThreadServer;

class ThreadConnection final : public Member {
 public:
  ThreadConnection(ThreadServer& server, UniqueFd fd, PeerAddress peer);

  // Starts both threads; `self` keeps the object alive while they run.
  void start(const std::shared_ptr<ThreadConnection>& self);

  // Member: called with the server's room lock held.
  void deliver(const SharedLine& line) override;

  // Called with the room lock held: stop reading, flush what is queued,
  // then close. With `leave`, the user leaves the room first.
  void finish(bool leave);
  // Wakes the reader (shutdown): its blocked read() returns end-of-file.
  void stop_reading() noexcept;
  // Unblocks both threads at once (shutdown deadline): nothing more is sent.
  void abort() noexcept;

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

  std::mutex mutex_;  // guards output_ and closing_
  std::condition_variable wake_writer_;
  OutputQueue output_;
  bool closing_ = false;
};

}  // namespace chat
