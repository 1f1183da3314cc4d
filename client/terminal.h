// What the client does differently when it talks to a person at a terminal.
// Only plain line input for now; a line editor will live here later.
#pragma once

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

}  // namespace chat::client
