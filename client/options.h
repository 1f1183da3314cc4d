// The `chat` command line, parsed without side effects so it can be tested:
// the caller decides what to print and which exit code to use.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace chat::client {

inline constexpr std::string_view kDefaultHost = "127.0.0.1";
inline constexpr std::string_view kDefaultPort = "8888";

struct Options {
  std::string host{kDefaultHost};
  std::string port{kDefaultPort};  // validated 1..65535, kept as text for getaddrinfo
  std::optional<std::string> nick;  // --nick NAME: sent as "/nick NAME" once connected
  bool no_color = false;    // --no-color
  bool timestamps = false;  // --timestamps: "HH:MM " before each line
  bool reconnect = false;   // --reconnect: retry with backoff when the server goes away
  bool no_history = false;  // --no-history: do not read or write ~/.chat_history
  bool no_bell = false;     // --no-bell: no terminal bell on a mention or private message
};

// What the command line asked for instead of a session.
struct ShowHelp {};
struct ShowVersion {};
struct UsageError {
  std::string message;  // one line, without the "chat: " prefix
};

using ParseResult = std::variant<Options, ShowHelp, ShowVersion, UsageError>;

// `args` excludes argv[0]. Accepts `--nick NAME` and `--nick=NAME` (so
// for --host and --port), the flags above, and `--` to end the options (so
// a host could start with '-'). The server is HOST PORT, HOST:PORT
// ([ADDR]:PORT for IPv6), or --host/--port, as chatd takes them.
[[nodiscard]] ParseResult parse_options(std::span<const std::string_view> args);

// The text printed for --help, ending in "\n".
[[nodiscard]] std::string usage_text();

}  // namespace chat::client
