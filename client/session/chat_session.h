// The client's one loop: a single thread that polls the server socket, the
// user's input and the signal pipe, and never blocks on the socket.
#pragma once

#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "terminal/terminal.h"
#include "transport/server_stream.h"

namespace chat::client {

struct SessionConfig {
  int input_fd = STDIN_FILENO;    // lines typed or piped by the user
  int output_fd = STDOUT_FILENO;  // server lines and the user's own lines
  int error_fd = STDERR_FILENO;   // "chat: ..." diagnostics
  int signal_fd = -1;             // readable once SIGINT/SIGTERM arrived (-1: none)
  TerminalMode terminal;          // input/output terminal-ness (echo replacement)
  std::optional<std::string> nick;  // sent as "/nick NAME" first
  // --password-file: "/login NICK PASSWORD" is sent instead of "/nick NICK".
  std::optional<std::string> password;
  std::optional<std::string> room;  // "#NAME": sent as "/join #NAME" after the nick
  bool timestamps = false;          // "HH:MM " before each line shown
  // Input is not read until the server's first line arrives or this much
  // time has passed: the welcome then comes before the user's own lines
  // (piped input is all there at once), yet a server that greets nobody
  // cannot stall the client.
  std::chrono::milliseconds greeting_wait{2000};
};

// Runs the session on a connected stream (a non-blocking socket, TLS or
// not) until it ends, and
// returns the process exit code:
//   0  input ended (EOF, Ctrl-D, /quit), everything was sent, the write side
//      was half-closed and the server then closed; or a signal arrived
//      ("exit" is printed);
//   1  the server went away while input was still open
//      ("! disconnected from server" is printed), or output failed.
[[nodiscard]] int run_session(ServerStream server, const SessionConfig& config);

}  // namespace chat::client
