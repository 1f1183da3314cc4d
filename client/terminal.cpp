#include "terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace chat::client {

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
  return active_;
}

RawMode::~RawMode() { restore(); }

void RawMode::restore() noexcept {
  if (!active_) return;
  // Retried on EINTR: a signal arriving at exit must not leave the terminal raw.
  while (::tcsetattr(fd_, TCSADRAIN, &saved_) != 0 && errno == EINTR) {
  }
  active_ = false;
}

}  // namespace chat::client
