// A chatd child process for integration tests: started on an ephemeral
// 127.0.0.1 port, its stdout and stderr collected by a reader thread so a
// test can await a log line instead of sleeping, stopped on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "unique_fd.h"

namespace chat::test {

using namespace std::chrono_literals;

// The engine under test: the --engine value the test binary was started
// with (see engine_session.cpp), "epoll" on Linux by default.
const std::string& engine_under_test();
// Set once by the test main before any test runs.
void set_engine_under_test(std::string engine);

// Optional ways to start chatd differently; the defaults start it directly.
struct ChatdLaunch {
  // Start chatd under this RLIMIT_NOFILE (soft and hard), through
  // `sh -c 'ulimit -n N && exec chatd ...'`, so its own fd sizing sees it.
  std::optional<unsigned> open_file_limit;
  // Start chatd under this RLIMIT_NPROC (threads count), as `nobody` when
  // the tests run as root (root ignores the limit). Needs setpriv.
  std::optional<unsigned> max_user_processes;
  // Start chatd under this RLIMIT_FSIZE in bytes (through prlimit), so a
  // file it writes past that size fails as on a full disk.
  std::optional<std::uint64_t> file_size_limit;
  // A log nobody reads: chatd's stdout (after the "started" line) or stderr
  // goes to a one-page pipe that the test holds open and never reads, as
  // when a log pipe's reader is stuck. Waiting on that stream fails.
  bool stuck_stdout = false;
  bool stuck_stderr = false;
  // Start chatd through this command, which must exec it in its own
  // process (so pid() is chatd's): {"/usr/bin/env", "NOTIFY_SOCKET=..."},
  // {"systemd-socket-activate", "-l", "127.0.0.1:N"}.
  std::vector<std::string> wrapper;
};

class ChatdProcess {
 public:
  // Starts chatd (path compiled in as CHATD_PATH) with
  //   --host 127.0.0.1 --port 0 --engine <engine_under_test()> <extra_args...>
  // and waits (bounded) for "Chat Server started on port N." to learn N.
  // Throws std::runtime_error if it does not start.
  explicit ChatdProcess(std::vector<std::string> extra_args = {});
  // The same on a chosen address: `host` ("127.0.0.1" or "::1") and `port`
  // (0 = ephemeral; a fixed port for restart tests).
  ChatdProcess(std::string host, std::uint16_t port, std::vector<std::string> extra_args = {});
  // The same, started as `launch` says (pid() is still chatd's own pid).
  ChatdProcess(std::string host, std::uint16_t port, std::vector<std::string> extra_args,
               const ChatdLaunch& launch);
  ~ChatdProcess();  // SIGTERM, bounded wait, then SIGKILL if still running
  ChatdProcess(const ChatdProcess&) = delete;
  ChatdProcess& operator=(const ChatdProcess&) = delete;

  // The plain port (0 with --tls-only) and, when started with --tls-cert
  // or --tls-port (a --config file's tls-cert),
  // the TLS port from "Chat Server started on TLS port N (...)." (0 without).
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::uint16_t tls_port() const { return tls_port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }

  // Sends a signal; wait_exit() then reaps it. Returns the exit code, or
  // 128+signal if killed, or nullopt if it did not exit within the timeout.
  void signal(int signo) const;
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 5s);

  // Everything chatd wrote so far to stdout / stderr. Complete once
  // wait_exit() has returned a value (it also awaits EOF on both pipes).
  [[nodiscard]] std::string stdout_text() const;
  [[nodiscard]] std::string stderr_text() const;
  // Waits until stdout (or stderr) contains `needle`; false on timeout.
  bool wait_stdout(const std::string& needle, std::chrono::milliseconds timeout = 5s) const;
  bool wait_stderr(const std::string& needle, std::chrono::milliseconds timeout = 5s) const;

 private:
  void read_output();  // the reader thread's body
  bool wait_output(bool from_stdout, const std::string& needle,
                   std::chrono::milliseconds timeout) const;
  void stop();  // SIGTERM, bounded wait, SIGKILL, reap, join the reader

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::optional<int> exit_code_;
  UniqueFd pidfd_;  // readable once the child exits (if the kernel has pidfd_open)
  // reader thread state: out_/err_ and the *_closed_ flags are guarded by mutex_
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string out_, err_;
  bool out_closed_ = false, err_closed_ = false;
  bool stuck_stdout_ = false;  // stop reading stdout after the started line
  UniqueFd out_fd_, err_fd_;
  UniqueFd stuck_err_;  // ChatdLaunch::stuck_stderr: the unread end
  UniqueFd wake_read_, wake_write_;  // wakes the reader thread to give up
  std::thread reader_;
};

// Runs a program to completion (bounded), capturing stdout/stderr, feeding
// `stdin_text` on its stdin. For argument/exit-code tests of chatd and chat.
struct RunResult {
  int exit_code = -1;  // 128+signal if killed; -1 if it timed out (then killed)
  std::string out, err;
};
RunResult run_program(const std::string& path, const std::vector<std::string>& args,
                      const std::string& stdin_text = {},
                      std::chrono::milliseconds timeout = 10s);

}  // namespace chat::test
