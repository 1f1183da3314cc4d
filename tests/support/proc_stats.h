// What a running process costs, read from /proc (Linux): resident memory,
// threads, open file descriptors and CPU time. For leak and busy-loop checks on chatd.
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>

namespace chat::test {

// VmRSS from /proc/PID/status, in KiB.
std::optional<long> resident_kib(pid_t pid);
// Threads: from /proc/PID/status; a thread is gone from it once it has exited.
std::optional<long> thread_count(pid_t pid);
// Entries in /proc/PID/fd.
std::optional<long> open_fd_count(pid_t pid);
// The open fd numbers, from /proc/PID/fd (empty if unreadable).
std::set<int> open_fds(pid_t pid);
// utime + stime from /proc/PID/stat, in clock ticks (sysconf(_SC_CLK_TCK)).
std::optional<long> cpu_ticks(pid_t pid);

}  // namespace chat::test
