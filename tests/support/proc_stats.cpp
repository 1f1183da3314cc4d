#include "proc_stats.h"

#include <dirent.h>


#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

namespace chat::test {

namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

// Calls on_fd(n) for each numeric entry of /proc/PID/fd; false if unreadable.
template <class OnFd>
bool for_each_fd(pid_t pid, OnFd&& on_fd) {
  const std::string path = "/proc/" + std::to_string(pid) + "/fd";
  std::unique_ptr<DIR, DirCloser> dir(::opendir(path.c_str()));
  if (!dir) return false;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    on_fd(std::atoi(name.c_str()));
  }
  return true;
}

// The number after `field` ("VmRSS:") in /proc/PID/status.
std::optional<long> status_number(pid_t pid, std::string_view field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with(field)) continue;
    std::istringstream fields(line.substr(field.size()));
    long value = 0;
    if (fields >> value) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<long> resident_kib(pid_t pid) { return status_number(pid, "VmRSS:"); }

std::optional<long> thread_count(pid_t pid) { return status_number(pid, "Threads:"); }

std::optional<long> open_fd_count(pid_t pid) {
  long count = 0;
  if (!for_each_fd(pid, [&](int) { ++count; })) return std::nullopt;
  return count;
}

std::set<int> open_fds(pid_t pid) {
  std::set<int> fds;
  for_each_fd(pid, [&](int fd) { fds.insert(fd); });
  return fds;
}

std::optional<long> cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name (field 2) may contain spaces: count fields after its ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  long utime = 0, stime = 0;
  // Fields 3..13 come before utime (14) and stime (15).
  for (int i = 3; i <= 13; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  if (!(fields >> utime >> stime)) return std::nullopt;
  return utime + stime;
}

}  // namespace chat::test
