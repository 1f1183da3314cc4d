// A `chat` child for end-to-end tests: its stdin is a pipe the test holds
// open (so the client stays in its loop until the test says otherwise), its
// stdout and stderr are read on demand with bounded waits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unique_fd.h"

namespace chat::test {

using namespace std::chrono_literals;

class ChatProcess {
 public:
  // Starts the chat binary (CHAT_PATH) with `args`. Throws on failure.
  explicit ChatProcess(const std::vector<std::string>& args);
  ~ChatProcess();  // SIGKILL if still running, then reap
  ChatProcess(const ChatProcess&) = delete;
  ChatProcess& operator=(const ChatProcess&) = delete;

  // Types `line` and Enter on chat's stdin.
  void send_line(std::string_view line);
  // End of input (what Ctrl-D or the end of a pipe gives).
  void close_stdin();
  void signal(int signo) const;

  // Waits until stdout (or stderr) contains `needle`; false on timeout or
  // once both pipes reached EOF without it.
  bool wait_stdout(std::string_view needle, std::chrono::milliseconds timeout = 5s);
  bool wait_stderr(std::string_view needle, std::chrono::milliseconds timeout = 5s);

  // Reads stdout and stderr to EOF and reaps the child; its exit code (128+signal
  // if killed), or nullopt if it did not finish within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 5s);

  [[nodiscard]] const std::string& stdout_text() const { return out_; }
  [[nodiscard]] const std::string& stderr_text() const { return err_; }

 private:
  // Reads whatever is available until `done()` holds, both pipes are at EOF,
  // or `deadline` passes. Returns done().
  template <class Done>
  bool pump(Done done, std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  UniqueFd pidfd_;
  UniqueFd stdin_, stdout_, stderr_;
  std::string out_, err_;
};

}  // namespace chat::test
