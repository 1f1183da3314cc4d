#include "options.h"

#include <charconv>
#include <optional>
#include <vector>

#include "nickname.h"

namespace chat::client {

namespace {

bool is_valid_port(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc{} && ptr == end && value >= 1 && value <= 65535;
}

// Whether args[i] is `--name VALUE` or `--name=VALUE` (advancing i past a
// separate value), and its value: none when the value is missing.
struct OptionValue {
  bool matched = false;
  std::optional<std::string_view> value;
};
OptionValue option_value(std::span<const std::string_view> args, std::size_t& i, std::string_view name) {
  const std::string_view arg = args[i];
  if (arg == name) {
    if (i + 1 >= args.size()) return {true, std::nullopt};
    return {true, args[++i]};
  }
  if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
    return {true, arg.substr(name.size() + 1)};
  }
  return {};
}

}  // namespace

ParseResult parse_options(std::span<const std::string_view> args) {
  Options options;
  std::vector<std::string_view> positional;
  std::optional<std::string_view> host, port;
  bool options_ended = false;

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_ended || arg.empty() || arg.front() != '-' || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
    } else if (arg == "--help" || arg == "-h") {
      return ShowHelp{};
    } else if (arg == "--version") {
      return ShowVersion{};
    } else if (arg == "--no-color" || arg == "--no-colour") {
      options.no_color = true;
    } else if (arg == "--timestamps") {
      options.timestamps = true;
    } else if (arg == "--reconnect") {
      options.reconnect = true;
    } else if (arg == "--no-history") {
      options.no_history = true;
    } else if (arg == "--no-bell") {
      options.no_bell = true;
    } else if (const OptionValue v = option_value(args, i, "--host"); v.matched) {
      if (!v.value) return UsageError{"option --host needs a HOST"};
      host = *v.value;
    } else if (const OptionValue v = option_value(args, i, "--port"); v.matched) {
      if (!v.value) return UsageError{"option --port needs a PORT"};
      port = *v.value;
    } else if (const OptionValue v = option_value(args, i, "--nick"); v.matched) {
      if (!v.value) return UsageError{"option --nick needs a NAME"};
      const std::string_view name = *v.value;
      // Checked here with the server's own rule so a typo fails at once
      // instead of after connecting.
      if (!is_valid_nickname(name)) return UsageError{"invalid nickname: " + std::string(name)};
      options.nick = std::string(name);
    } else {
      return UsageError{"unknown option " + std::string(arg) + " (try --help)"};
    }
  }

  if (positional.size() > 2) {
    return UsageError{"unexpected argument " + std::string(positional[2]) + " (try --help)"};
  }
  if (positional.size() == 1) {
    // HOST:PORT or [ADDR]:PORT; a bare IPv6 address has several colons.
    const std::string_view target = positional[0];
    const auto colon = target.rfind(':');
    const bool bracketed = target.starts_with('[') && colon != std::string_view::npos && colon > 0 &&
                           target[colon - 1] == ']';
    if (bracketed) {
      positional = {target.substr(1, colon - 2), target.substr(colon + 1)};
    } else if (colon != std::string_view::npos && target.find(':') == colon) {
      positional = {target.substr(0, colon), target.substr(colon + 1)};
    }
  }
  if (!positional.empty()) {
    if (host) return UsageError{"the host is given twice (--host and " + std::string(positional[0]) + ")"};
    host = positional[0];
  }
  if (positional.size() == 2) {
    if (port) return UsageError{"the port is given twice (--port and " + std::string(positional[1]) + ")"};
    port = positional[1];
  }
  if (host) {
    if (host->empty()) return UsageError{"empty host"};
    options.host = std::string(*host);
  }
  if (port) {
    if (!is_valid_port(*port)) return UsageError{"invalid port: " + std::string(*port) + " (expected 1-65535)"};
    options.port = std::string(*port);
  }
  return options;
}

std::string usage_text() {
  return "Usage: chat [options] [HOST [PORT] | HOST:PORT]\n"
         "Connects to a chat server (default 127.0.0.1 8888) and chats line by line.\n"
         "\n"
         "  --host HOST   the server's address (also the first argument)\n"
         "  --port PORT   the server's port (also the second argument, or HOST:PORT)\n"
         "  --nick NAME   set your nickname once connected (/nick NAME); if it is\n"
         "                taken, NAME_ is tried\n"
         "  --timestamps  show the local time (HH:MM) before each line\n"
         "  --reconnect   when the server cannot be reached or goes away, retry\n"
         "                with backoff and reclaim the nickname once back\n"
         "  --no-color    no colours (also when NO_COLOR is set or output is no terminal)\n"
         "  --no-history  do not read or append to ~/.chat_history\n"
         "  --no-bell     no terminal bell when a line mentions you or is private\n"
         "  --help        show this help and exit\n"
         "  --version     show the version and exit\n"
         "\n"
         "Type a line and press Enter to send it to everyone. Commands:\n"
         "  /nick NAME, /who, /msg NAME TEXT, /me TEXT, /help, /quit, and\n"
         "  /reconnect (chat's own: retry now while disconnected)\n"
         "A line starting with // sends the text with one / removed.\n"
         "Editing: Left/Right, Home/End, Ctrl-A/E/U/K/W, Backspace/Delete, Up/Down\n"
         "for history, Tab completes nicknames and commands.\n"
         "Ctrl-D on an empty line or /quit leaves; Ctrl-C exits at once; Ctrl-Z suspends.\n"
         "When standard input is not a terminal, chat sends every input line,\n"
         "then waits for the server to close the connection and exits.\n";
}

}  // namespace chat::client
