#include "net/signal_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "base/server_log.h"

namespace chat {

namespace {

volatile std::sig_atomic_t g_write_fd = -1;
SignalPipe::Handlers g_handlers;  // touched only outside signal handlers

extern "C" void on_signal(int signo) {
  const int saved = errno;
  const auto byte = static_cast<char>(signo);
  [[maybe_unused]] const ssize_t n = ::write(g_write_fd, &byte, 1);
  errno = saved;
}

bool make_nonblocking_cloexec(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 && ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

}  // namespace

SignalPipe SignalPipe::install(std::error_code& error) {
  int fds[2];
  if (::pipe(fds) < 0) {
    error.assign(errno, std::system_category());
    return SignalPipe(UniqueFd(), UniqueFd());
  }
  SignalPipe result{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (!make_nonblocking_cloexec(fds[0]) || !make_nonblocking_cloexec(fds[1])) {
    error.assign(errno, std::system_category());
    return result;
  }
  g_write_fd = fds[1];

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
  ::sigaction(SIGUSR1, &sa, nullptr);
  std::signal(SIGUSR2, SIG_IGN);  // reserved: nothing yet, and never the default (death)
  std::signal(SIGPIPE, SIG_IGN);
  // A file past RLIMIT_FSIZE (the --store database) fails its write with
  // EFBIG, reported once like a full disk, instead of killing chatd.
  std::signal(SIGXFSZ, SIG_IGN);
  return result;
}

void SignalPipe::set_handlers(Handlers handlers) { g_handlers = std::move(handlers); }

SignalPipe::Received SignalPipe::drain(int read_fd) {
  Received received;
  bool report = false;
  char bytes[64];
  ssize_t n;
  while ((n = ::read(read_fd, bytes, sizeof bytes)) > 0) {
    for (ssize_t i = 0; i < n; ++i) {
      if (bytes[i] == SIGHUP) {
        received.hangup = true;
      } else if (bytes[i] == SIGUSR1) {
        report = true;
      } else {
        received.stop = true;
      }
    }
  }
  // Several of one signal since the last wake-up count once.
  if (report && g_handlers.report) g_handlers.report();
  if (received.hangup && g_handlers.reload) {
    g_handlers.reload();
    received.hangup = false;
  }
  if (received.stop && g_handlers.stopping) g_handlers.stopping();
  return received;
}

void SignalPipe::log_hangup() { diagnostic("SIGHUP received: nothing to reload"); }

}  // namespace chat
