#include "terminal/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace chat::client {

namespace {

volatile sig_atomic_t g_write_fd = -1;

extern "C" void on_signal(int signo) {
  const int saved_errno = errno;  // write() may clobber it under the interrupted code
  const auto byte = static_cast<unsigned char>(signo);
  // Non-blocking: if the pipe is full a wake-up is already pending.
  if (g_write_fd >= 0) (void)!::write(g_write_fd, &byte, 1);
  errno = saved_errno;
}

void set_handler(int signo, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(signo, &action, nullptr);
}

}  // namespace

SignalPipe::SignalPipe() {
  int fds[2];
  if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  read_end_.reset(fds[0]);
  write_end_.reset(fds[1]);
  // pipe() + fcntl rather than pipe2(), which macOS lacks.
  for (const int fd : fds) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  g_write_fd = write_end_.get();
  set_handler(SIGINT, on_signal);
  set_handler(SIGTERM, on_signal);
}

void SignalPipe::watch_resize() { set_handler(SIGWINCH, on_signal); }

SignalPipe::~SignalPipe() {
  set_handler(SIGWINCH, SIG_DFL);
  set_handler(SIGINT, SIG_DFL);
  set_handler(SIGTERM, SIG_DFL);
  g_write_fd = -1;
}

bool drain_signals(int fd, bool& resized) {
  bool stop = false;
  unsigned char bytes[64];
  for (;;) {
    const ssize_t n = ::read(fd, bytes, sizeof bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (bytes[i] == SIGWINCH) {
        resized = true;
      } else {
        stop = true;
      }
    }
  }
  return stop;
}

void ignore_sigpipe() {
  set_handler(SIGPIPE, SIG_IGN);
}

}  // namespace chat::client
