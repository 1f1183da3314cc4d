// What one line the user typed becomes: the bytes for the server and the
// line the user sees for it. Pure: no I/O, no state.
#pragma once

#include <string>
#include <string_view>

namespace chat::client {

struct OutgoingLine {
  std::string to_send;   // bytes for the server, ending in "\n"; empty: send nothing
  std::string to_print;  // the local line without "\n"; empty: print nothing
  bool quits = false;    // /quit: the server will close, read no more input
};

// `line` is one input line without its "\n" (and without a "\r" before it).
// The server never echoes a user's own text, so the client shows it itself:
//   "Hello"           -> "[You] Hello"
//   "/msg bob hi"     -> "[You -> bob] hi"
//   "/me waves"       -> "* You waves"
//   "//etc"           -> "[You] /etc"
// Other commands (/nick, /who, /help, /quit, unknown ones, and /msg or /me
// missing their text) print nothing: the server's reply says what happened.
// Blank lines are neither sent nor printed. Printed text is sanitized as the
// server sanitizes it, so the user sees what the others see.
[[nodiscard]] OutgoingLine translate_outgoing(std::string_view line);

}  // namespace chat::client
