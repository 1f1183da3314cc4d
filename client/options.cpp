#include "options.h"

#include <charconv>
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

}  // namespace

ParseResult parse_options(std::span<const std::string_view> args) {
  Options options;
  std::vector<std::string_view> positional;
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
    } else if (arg == "--nick" || arg.starts_with("--nick=")) {
      std::string_view name;
      if (arg == "--nick") {
        if (i + 1 >= args.size()) return UsageError{"option --nick needs a NAME"};
        name = args[++i];
      } else {
        name = arg.substr(std::string_view("--nick=").size());
      }
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
  if (!positional.empty()) {
    if (positional[0].empty()) return UsageError{"empty host"};
    options.host = std::string(positional[0]);
  }
  if (positional.size() == 2) {
    if (!is_valid_port(positional[1])) {
      return UsageError{"invalid port: " + std::string(positional[1]) + " (expected 1-65535)"};
    }
    options.port = std::string(positional[1]);
  }
  return options;
}

std::string usage_text() {
  return "Usage: chat [options] [HOST] [PORT]\n"
         "Connects to a chat server (default 127.0.0.1 8888) and chats line by line.\n"
         "\n"
         "  --nick NAME   set your nickname once connected (/nick NAME)\n"
         "  --timestamps  show the local time (HH:MM) before each line\n"
         "  --reconnect   when the server goes away, retry with backoff and\n"
         "                reclaim the nickname once back\n"
         "  --no-color    no colours (also when NO_COLOR is set or output is no terminal)\n"
         "  --no-history  do not read or append to ~/.chat_history\n"
         "  --help        show this help and exit\n"
         "  --version     show the version and exit\n"
         "\n"
         "Type a line and press Enter to send it to everyone. Commands:\n"
         "  /nick NAME, /who, /msg NAME TEXT, /me TEXT, /help, /quit\n"
         "A line starting with // sends the text with one / removed.\n"
         "Editing: Left/Right, Home/End, Ctrl-A/E/U/K/W, Backspace/Delete, Up/Down\n"
         "for history, Tab completes nicknames and commands.\n"
         "Ctrl-D on an empty line or /quit leaves; Ctrl-C exits at once; Ctrl-Z suspends.\n"
         "When standard input is not a terminal, chat sends every input line,\n"
         "then waits for the server to close the connection and exits.\n";
}

}  // namespace chat::client
