// run_program: one child, its three standard streams on pipes, one poll loop.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "chatd_process.h"
#include "process_util.h"

namespace chat::test {

RunResult run_program(const std::string& path, const std::vector<std::string>& args,
                      const std::string& stdin_text, std::chrono::milliseconds timeout) {
  using namespace std::chrono;
  ignore_sigpipe();  // the child may exit without reading its stdin
  const auto deadline = steady_clock::now() + timeout;

  Pipe in = make_pipe();
  Pipe out = make_pipe();
  Pipe err = make_pipe();
  const pid_t pid = spawn_process(path, args, in.read.get(), out.write.get(), err.write.get());
  UniqueFd pidfd = open_pidfd(pid);
  in.read.reset();
  out.write.reset();
  err.write.reset();
  ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);
  if (stdin_text.empty()) in.write.reset();

  RunResult result;
  std::size_t written = 0;
  bool timed_out = false;
  char buffer[65536];
  while (out.read || err.read) {
    const auto now = steady_clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd fds[3] = {{in.write ? in.write.get() : -1, POLLOUT, 0},
                     {out.read ? out.read.get() : -1, POLLIN, 0},
                     {err.read ? err.read.get() : -1, POLLIN, 0}};
    const auto left = duration_cast<milliseconds>(deadline - now).count() + 1;
    if (::poll(fds, 3, static_cast<int>(left)) < 0 && errno != EINTR) break;
    if (fds[0].fd >= 0 && fds[0].revents != 0) {
      const ssize_t n = ::write(in.write.get(), stdin_text.data() + written,
                                stdin_text.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_text.size()) {
        in.write.reset();  // EOF on the child's stdin, as at the end of a file
      }
    }
    for (int i = 1; i < 3; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 1 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        (i == 1 ? out.read : err.read).reset();
      }
    }
  }
  in.write.reset();

  std::optional<int> code;
  if (!timed_out) code = await_exit(pid, pidfd.get(), deadline);
  if (!code) {
    ::kill(pid, SIGKILL);
    (void)await_exit(pid, pidfd.get(), steady_clock::now() + 5s);
    result.exit_code = -1;
  } else {
    result.exit_code = *code;
  }
  return result;
}

}  // namespace chat::test
