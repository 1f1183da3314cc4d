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
  std::optional<std::string> room;  // --room NAME: sent as "/join #NAME" once connected
  bool no_color = false;    // --no-color
  bool timestamps = false;  // --timestamps: "HH:MM " before each line
  bool reconnect = false;   // --reconnect: retry with backoff when the server goes away
  bool no_history = false;  // --no-history: do not read or write ~/.chat_history
  bool no_bell = false;     // --no-bell: no terminal bell on a mention or private message
  bool tls = false;         // --tls: TLS to the server, its certificate verified
  std::optional<std::string> ca;  // --ca FILE: trust this CA instead of the system's (needs --tls)
  bool insecure = false;    // --insecure: TLS without verification (needs --tls)
  // --password-file FILE: log in as --nick with the password on FILE's
  // first line, after connecting and after every reconnect (needs --nick).
  std::optional<std::string> password_file;
  // --host and --port as given; parse_options puts them in host and port.
  std::optional<std::string> host_option, port_option;
};

// What the command line asked for instead of a session.
struct ShowHelp {};
struct ShowVersion {};
struct UsageError {
  std::string message;  // one line, without the "chat: " prefix
};

using ParseResult = std::variant<Options, ShowHelp, ShowVersion, UsageError>;

// `args` excludes argv[0]. Accepts the options in option_table() (a text
// option as `--nick NAME` or `--nick=NAME`), and `--` to end the options
// (so a host could start with '-'). The server is HOST PORT, HOST:PORT
// ([ADDR]:PORT for IPv6), or --host/--port, as chatd takes them.
[[nodiscard]] ParseResult parse_options(std::span<const std::string_view> args);

// The text printed for --help, ending in "\n".
[[nodiscard]] std::string usage_text();

// What an option does when it is given.
enum class OptionKind {
  flag,     // sets a bool
  text,     // takes a value ("--nick NAME" or "--nick=NAME") into a string
  help,     // ShowHelp
  version,  // ShowVersion
};

// One row of chat's option table (see option_table() in options.cpp for
// how to add one).
struct OptionRow {
  std::string_view name{};         // "--nick"
  std::string_view placeholder{};  // "NAME" for a text option, "" for the rest
  std::string_view help{};         // the --help description
  OptionKind kind = OptionKind::flag;
  bool Options::*flag = nullptr;                      // kind flag
  std::optional<std::string> Options::*text = nullptr;  // kind text
  // Kind text: the one-line error for a value the server would refuse,
  // or nullopt to accept it. nullptr accepts anything.
  std::optional<std::string> (*check)(std::string_view) = nullptr;
  std::string_view alias{};  // "--no-colour", "-h", or ""; not shown in --help
};

// Every option chat accepts, in --help order.
[[nodiscard]] std::span<const OptionRow> option_table();

}  // namespace chat::client
