// chatd's side of the history writer process (history_writer.h): starts
// it, owns the socket to it, and ends it.
#pragma once

#include <sys/types.h>

#include <string>
#include <variant>

#include "unique_fd.h"

namespace chat {

class WriterProcess {
 public:
  // Starts `executable --history-writer PID` (PID: this process) in a
  // process group of its own (a terminal's Ctrl-C reaches chatd only), with
  // one end of a socketpair as its fd 3 and no other descriptor of chatd's
  // (no listening socket, no client). Call it from the thread that stays
  // until the writer is done with: on Linux the writer dies with it. The
  // error line on failure.
  static std::variant<WriterProcess, std::string> start(const std::string& executable);

  WriterProcess(WriterProcess&& other) noexcept;
  WriterProcess& operator=(WriterProcess&&) = delete;
  WriterProcess(const WriterProcess&) = delete;
  WriterProcess& operator=(const WriterProcess&) = delete;
  // Closes the socket (the writer exits once its batch is done) and waits
  // for it a little (kReapWait); a writer that has not exited by then is
  // left to the kernel (SIGKILLed first if kill() was called).
  ~WriterProcess();

  [[nodiscard]] int fd() const { return channel_.get(); }
  [[nodiscard]] pid_t pid() const { return pid_; }

  // Gives up on the writer whatever it is doing: SIGKILL (its transaction
  // is rolled back), and the socket shut down, which wakes a thread of
  // chatd's waiting on it. Safe from any thread while another uses fd().
  void kill();

 private:
  WriterProcess(pid_t pid, UniqueFd channel) : pid_(pid), channel_(std::move(channel)) {}
  pid_t pid_ = -1;
  UniqueFd channel_;
  bool killed_ = false;  // kill() was called: the destructor does not wait
};

}  // namespace chat
