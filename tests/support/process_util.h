// Child-process plumbing shared by ChatdProcess and run_program: close-on-exec
// pipes, posix_spawn with redirected stdio, and bounded waits for exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace chat::test {

struct Pipe {
  UniqueFd read, write;
};
// Both ends are O_CLOEXEC so concurrently spawned children never inherit them
// (the child gets its ends only through the dup2 in spawn_process).
Pipe make_pipe();

// Starts `path` with `args` (argv[0] is `path`). stdin_fd < 0 means /dev/null.
// The child gets default signal dispositions and an empty signal mask, so a
// SIGPIPE ignored by the test process is not inherited. Throws on failure.
pid_t spawn_process(const std::string& path, const std::vector<std::string>& args, int stdin_fd,
                    int stdout_fd, int stderr_fd);

// A pidfd for `pid` (poll-able, readable on exit), or an empty UniqueFd if
// the kernel has no pidfd_open.
UniqueFd open_pidfd(pid_t pid);

// Exit code from a waitpid status: the exit status, or 128+signal.
int decode_wait_status(int status);

// Reaps `pid` if it exits before `deadline`; returns its decoded exit code.
std::optional<int> await_exit(pid_t pid, int pidfd,
                              std::chrono::steady_clock::time_point deadline);

// Process-wide: writing to a closed pipe or socket must be an error, not death.
void ignore_sigpipe();

}  // namespace chat::test
