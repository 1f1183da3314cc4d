// A log stream (stdout's event log or stderr's diagnostics) that never
// blocks its callers: lines go into a bounded buffer that a writer thread of
// its own drains with ordinary blocking write(2) calls. If the reader of the
// stream stops (a full pipe, a suspended terminal), the buffer fills, further
// lines are dropped and counted, and "chatd: N log lines dropped" is written
// where they were missed once the stream moves again. The fd's flags are
// never touched: it may be a file description shared with the parent shell.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace chat {

class LogWriter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultCapacity = 1 << 20;

  // `fd` is not owned. Starts the writer thread.
  explicit LogWriter(int fd, std::size_t capacity = kDefaultCapacity);
  // Waits up to a second for the buffer to drain; a writer still blocked
  // then is left behind (it holds its own state) and ends with the process.
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues whole lines (`lines` ends in "\n"); thread-safe, never blocks
  // on the fd. Lines that do not fit are dropped and counted.
  void write(std::string_view lines);

  // Queues one diagnostic line of a `cause` (a short fixed text such as
  // "refused a connection"): the first in a second is written, the rest of
  // that second are counted and summed up when it ends as
  // "chatd: CAUSE: N more in the last second".
  void write_limited(std::string_view cause, std::string_view line);

  // Waits until everything queued so far has been written, at most
  // `timeout`; false if the stream did not take it in time.
  bool drain(std::chrono::milliseconds timeout);

 private:
  struct State;
  static void run(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace chat
