#include "terminal/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace chat::client {

namespace {

// While raw mode is on, a crash (SIGSEGV, SIGABRT, ...) must not leave the
// user's terminal raw: these handlers put the saved mode back and let the
// signal do what it would have done. Only async-signal-safe calls here.
termios g_mode_to_restore{};
volatile std::sig_atomic_t g_restore_fd = -1;

extern "C" void restore_terminal_and_die(int signo) {
  if (g_restore_fd >= 0) ::tcsetattr(g_restore_fd, TCSANOW, &g_mode_to_restore);
  ::signal(signo, SIG_DFL);
  ::raise(signo);
}

void install_crash_handlers() noexcept {
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction action {};
  action.sa_handler = restore_terminal_and_die;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_NODEFER | SA_RESETHAND;
  for (int signo : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::sigaction(signo, &action, nullptr);
}

}  // namespace

TerminalMode detect_terminal(int input_fd, int output_fd) noexcept {
  return {::isatty(input_fd) == 1, ::isatty(output_fd) == 1};
}

std::size_t terminal_columns(int fd, std::size_t fallback) noexcept {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return fallback;
}

RawMode::RawMode(int fd) noexcept : fd_(fd) {
  if (::tcgetattr(fd_, &saved_) != 0) return;
  (void)enter();
}

bool RawMode::enter() noexcept {
  if (active_) return true;
  termios raw = saved_;
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | ISIG | IEXTEN);
  raw.c_iflag &= ~static_cast<tcflag_t>(ICRNL | INLCR | IGNCR | IXON | ISTRIP);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  // TCSADRAIN: what was already written is shown in the old mode first.
  active_ = ::tcsetattr(fd_, TCSADRAIN, &raw) == 0;
  if (active_) {
    g_mode_to_restore = saved_;
    g_restore_fd = fd_;
    install_crash_handlers();
  }
  return active_;
}

RawMode::~RawMode() { restore(); }

void RawMode::restore() noexcept {
  if (!active_) return;
  g_restore_fd = -1;
  // Retried on EINTR: a signal arriving at exit must not leave the terminal raw.
  while (::tcsetattr(fd_, TCSADRAIN, &saved_) != 0 && errno == EINTR) {
  }
  active_ = false;
}

}  // namespace chat::client
