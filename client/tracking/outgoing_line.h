// What one line the user typed becomes: the bytes for the server and the
// lines the user sees for it. Pure: no I/O, no state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chat::client {

// chatd's default --max-line: the longest line the client sends unsplit
// until the server names another limit ("! line too long (max N bytes)").
inline constexpr std::size_t kDefaultMaxLine = 4096;

struct OutgoingContext {
  std::optional<std::string> own_name;  // the user's nickname once known
  std::size_t max_line = kDefaultMaxLine;
};

struct OutgoingLine {
  std::string to_send;   // bytes for the server, each line ending in "\n"; empty: send nothing
  std::string to_print;  // local lines, "\n" between them, none after; empty: print nothing
  bool quits = false;    // /quit: the server will close, read no more input
};

// `line` is one input line without its "\n" (and without a "\r" before it).
// The server never echoes a user's public text, so the client shows it:
//   "Hello"           -> "[You] Hello"
//   "/me waves"       -> "* bob waves" ("* You waves" while the name is unknown)
//   "//etc"           -> "[You] /etc"
// "/msg bob hi" prints nothing: the server confirms it with "[You -> bob] hi"
// once delivered, or says "! no such user". Other commands (/nick, /who,
// /help, /quit, unknown ones, /me missing its text) print nothing either:
// the server's reply says what happened. Blank lines go nowhere. Printed
// text is sanitized as the server sanitizes it.
//
// A text, /me or /msg line longer than `max_line` bytes is split at spaces
// (or, in a long word, at a character boundary) into lines that each fit,
// each sent and shown on its own, so nothing is shown that the server
// would refuse. Other lines go as typed.
[[nodiscard]] OutgoingLine translate_outgoing(std::string_view line, const OutgoingContext& context = {});

// N from "! line too long (max N bytes)", the server's refusal.
[[nodiscard]] std::optional<std::size_t> refused_line_limit(std::string_view server_line);

}  // namespace chat::client
