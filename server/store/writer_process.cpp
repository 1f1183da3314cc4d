#include "store/writer_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

extern char** environ;

namespace chat {

namespace {

// How long the destructor waits for the writer to exit once its socket is
// closed (it finishes the batch in hand first: normally a few ms).
constexpr auto kReapWait = std::chrono::milliseconds(500);

struct SpawnActions {
  posix_spawn_file_actions_t actions{};
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};
struct SpawnAttributes {
  posix_spawnattr_t attributes{};
  SpawnAttributes() { posix_spawnattr_init(&attributes); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

}  // namespace

std::variant<WriterProcess, std::string> WriterProcess::start(const std::string& executable) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    return std::string("cannot start the history writer: ") + std::strerror(errno);
  }
  UniqueFd mine(ends[0]);
  UniqueFd theirs(ends[1]);

  SpawnActions files;
  // Its end becomes fd 3 (dup2 clears close-on-exec); everything above is
  // closed, so a listening socket chatd got from systemd without
  // close-on-exec is not kept open by a writer that outlives chatd.
  posix_spawn_file_actions_adddup2(&files.actions, theirs.get(), 3);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&files.actions, 4);
#endif
  SpawnAttributes attributes;
  posix_spawnattr_setpgroup(&attributes.attributes, 0);
  // The writer starts with default signal handling and nothing blocked,
  // whatever the spawning thread has.
  sigset_t all;
  sigfillset(&all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes.attributes, &all);
  posix_spawnattr_setsigmask(&attributes.attributes, &none);
  posix_spawnattr_setflags(&attributes.attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  const std::string parent = std::to_string(::getpid());
  std::string mode = "--history-writer";
  std::string exe = executable;
  char* argv[] = {exe.data(), mode.data(), const_cast<char*>(parent.c_str()), nullptr};
  pid_t pid = -1;
  if (const int error = ::posix_spawn(&pid, exe.c_str(), &files.actions, &attributes.attributes, argv, environ);
      error != 0) {
    return "cannot start the history writer " + executable + ": " + std::strerror(error);
  }
  return WriterProcess(pid, std::move(mine));
}

WriterProcess::WriterProcess(WriterProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), channel_(std::move(other.channel_)), killed_(other.killed_) {}

void WriterProcess::kill() {
  killed_ = true;
  if (pid_ > 0) ::kill(pid_, SIGKILL);
  if (channel_) ::shutdown(channel_.get(), SHUT_RDWR);
}

WriterProcess::~WriterProcess() {
  channel_.reset();
  // A writer killed in a write the kernel does not return cannot be
  // reaped until it does: not waited for.
  if (pid_ <= 0 || killed_) return;
  const auto until = std::chrono::steady_clock::now() + kReapWait;
  for (;;) {
    const pid_t done = ::waitpid(pid_, nullptr, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) return;
    if (std::chrono::steady_clock::now() >= until) return;  // left to the kernel (and init)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace chat
