// What the client does differently when it talks to a person at a terminal:
// detecting one, and owning its mode while the line editor runs.
#pragma once

#include <termios.h>

#include <cstddef>
#include <string_view>

namespace chat::client {

struct TerminalMode {
  bool input = false;   // stdin is a terminal: the terminal echoes what is typed
  bool output = false;  // stdout is a terminal: escape sequences are understood
};

[[nodiscard]] TerminalMode detect_terminal(int input_fd, int output_fd) noexcept;

// Written before the "[You] ..." line so it replaces the line the terminal
// echoed when the user pressed Enter (cursor up one line, clear it). Empty
// unless both ends are terminals.
[[nodiscard]] constexpr std::string_view echo_replacement(TerminalMode mode) noexcept {
  return mode.input && mode.output ? "\x1b[1A\x1b[2K" : "";
}

// Written before a line that may follow something the terminal put on the
// current line by itself (the "^C" of an interrupt): back to column 0 and
// clear. Empty unless stdout is a terminal.
[[nodiscard]] constexpr std::string_view clear_current_line(TerminalMode mode) noexcept {
  return mode.output ? "\r\x1b[2K" : "";
}

// The terminal's width in columns, or `fallback` if it cannot be asked.
[[nodiscard]] std::size_t terminal_columns(int fd, std::size_t fallback = 80) noexcept;

// Raw mode for the line editor, restored when this object dies: on every
// return and exception path of the session (the signals that end chat come
// through the signal pipe, so they return normally too). Raw here means no
// echo, no line buffering, no signals from Ctrl-C/Ctrl-Z (the editor reads
// them as keys), no CR->NL or flow control; output processing stays on.
class RawMode {
 public:
  // Switches `fd` to raw mode. active() is false if it is not a terminal
  // or the mode cannot be set (nothing to restore then).
  explicit RawMode(int fd) noexcept;
  ~RawMode();
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

  [[nodiscard]] bool active() const noexcept { return active_; }
  // Puts the saved mode back now (idempotent; the destructor calls it).
  void restore() noexcept;
  // Raw again after restore() (back from Ctrl-Z). False if it cannot be set.
  bool enter() noexcept;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace chat::client
