#include "process_util.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace chat::test {

namespace {

[[noreturn]] void throw_errno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

// posix_spawn attributes and file actions, destroyed on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawnattr_init(&attr_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  posix_spawnattr_t* attr() { return &attr_; }
  posix_spawn_file_actions_t* actions() { return &actions_; }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

}  // namespace

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno(errno, "pipe2");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

pid_t spawn_process(const std::string& path, const std::vector<std::string>& args, int stdin_fd,
                    int stdout_fd, int stderr_fd) {
  SpawnSetup setup;
  sigset_t signals;
  sigemptyset(&signals);
  ::posix_spawnattr_setsigmask(setup.attr(), &signals);
  sigfillset(&signals);
  ::posix_spawnattr_setsigdefault(setup.attr(), &signals);
  ::posix_spawnattr_setflags(setup.attr(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  // dup2 clears FD_CLOEXEC on the target, so exactly fds 0-2 survive exec.
  if (stdin_fd >= 0) {
    ::posix_spawn_file_actions_adddup2(setup.actions(), stdin_fd, 0);
  } else {
    ::posix_spawn_file_actions_addopen(setup.actions(), 0, "/dev/null", O_RDONLY, 0);
  }
  ::posix_spawn_file_actions_adddup2(setup.actions(), stdout_fd, 1);
  ::posix_spawn_file_actions_adddup2(setup.actions(), stderr_fd, 2);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path.c_str(), setup.actions(), setup.attr(), argv.data(),
                               environ);
  if (rc != 0) throw_errno(rc, "posix_spawn " + path);
  return pid;
}

UniqueFd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);  // pidfds are CLOEXEC already; be sure
    return UniqueFd(static_cast<int>(fd));
  }
#else
  (void)pid;
#endif
  return UniqueFd();
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::optional<int> await_exit(pid_t pid, int pidfd,
                              std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return decode_wait_status(status);
    if (r < 0 && errno != EINTR) return -1;  // not our child any more: nothing to wait for
    const auto now = steady_clock::now();
    if (now >= deadline) return std::nullopt;
    const auto left = duration_cast<milliseconds>(deadline - now).count() + 1;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left));
    } else {
      // No pidfd (old kernel): fall back to a short bounded poll of waitpid.
      std::this_thread::sleep_for(milliseconds(std::min<long long>(left, 5)));
    }
  }
}

void ignore_sigpipe() {
  static const bool done = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

}  // namespace chat::test
