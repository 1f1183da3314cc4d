// The session for a person at a terminal: the line editor in raw mode, with
// lines from the server printed above the input row, which is redrawn
// intact with the cursor where it was. One thread, one poll loop, as in the
// pipe session (chat_session.h), which stays the path for piped input.
#pragma once

#include <unistd.h>

#include <functional>
#include <optional>
#include <string>

#include "tls_stream.h"

#include "transport/server_stream.h"

namespace chat::client {

struct InteractiveConfig {
  int input_fd = STDIN_FILENO;    // a terminal, already in raw mode
  int output_fd = STDOUT_FILENO;  // a terminal
  int signal_fd = -1;             // SIGINT/SIGTERM/SIGWINCH bytes (see SignalPipe)
  std::string host, port;         // for --reconnect
  ssl_ctx_st* tls = nullptr;         // chat --tls: reconnect with TLS too (not owned)
  std::optional<std::string> nick;
  // --password-file: "/login NICK PASSWORD" on every (re)connection instead of "/nick NICK".
  std::optional<std::string> password;
  std::optional<std::string> room;  // "#NAME": joined on connecting
  bool color = true;
  bool timestamps = false;
  bool reconnect = false;
  bool bell = true;          // ring on a mention or a private message (not with --no-bell)
  std::string first_error;   // why the first connection failed (run without a socket)
  std::string history_path;  // empty: history kept in memory only
  // Ctrl-Z: called with the input row erased; returns once the process is
  // continued (it restores the terminal, stops, and makes it raw again).
  // Empty: Ctrl-Z does nothing.
  std::function<void()> suspend;
};

// Runs until the user leaves or the server goes away; returns the exit code:
//   0  Ctrl-D on an empty line or /quit (after the server closed), Ctrl-C,
//      SIGINT or SIGTERM ("exit" printed for the last three);
//   1  the server went away without --reconnect ("! disconnected from server").
// The input row is erased before returning: the caller's next output (or
// the shell prompt) starts on a clean line.
// Without a socket (only with --reconnect: the first connection failed, for
// `first_error`), it starts by retrying. A reconnect whose certificate fails
// verification ends the session with that line (exit 1): never retried.
[[nodiscard]] int run_interactive(std::optional<ServerStream> server, const InteractiveConfig& config);

}  // namespace chat::client
