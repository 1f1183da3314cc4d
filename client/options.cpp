#include "options.h"

#include <array>
#include <charconv>
#include <vector>

#include "help_text.h"
#include "nickname.h"
#include "room_name.h"

namespace chat::client {

namespace {

bool is_valid_port(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc{} && ptr == end && value >= 1 && value <= 65535;
}

// Checked here with the server's own rule so a typo fails at once instead
// of after connecting.
std::optional<std::string> check_nickname(std::string_view name) {
  if (is_valid_nickname(name)) return std::nullopt;
  return "invalid nickname: " + std::string(name);
}

std::optional<std::string> check_room(std::string_view name) {
  if (is_valid_room_name(name) || is_valid_room_name("#" + std::string(name))) return std::nullopt;
  return "invalid room name: " + std::string(name);
}

std::optional<std::string> check_port(std::string_view port) {
  if (is_valid_port(port)) return std::nullopt;
  return "invalid port: " + std::string(port) + " (expected 1-65535)";
}

// chat's options, one row each. To add one: add its field to Options in
// options.h (a bool for a flag, an optional<string> for a value), then a
// row here where it should appear in --help: name, placeholder (values
// only), help, kind, the field (.flag = &Options::x or .text = &Options::x)
// and, for a value, a .check that returns the one-line error for a bad one.
// Parsing, "needs a" errors and --help all come from the row, and
// tests/client/options_test.cpp checks every row is in --help.
constexpr std::array kTable = {
    OptionRow{.name = "--host", .placeholder = "HOST", .help = "the server's address (also the first argument)",
              .kind = OptionKind::text, .text = &Options::host_option},
    OptionRow{.name = "--port", .placeholder = "PORT",
              .help = "the server's port (also the second argument, or HOST:PORT)", .kind = OptionKind::text,
              .text = &Options::port_option, .check = check_port},
    OptionRow{.name = "--nick", .placeholder = "NAME",
              .help = "set your nickname once connected (/nick NAME); if it is taken, NAME_ is tried",
              .kind = OptionKind::text, .text = &Options::nick, .check = check_nickname},
    OptionRow{.name = "--password-file", .placeholder = "FILE",
              .help = "log in as --nick NAME with the password on FILE's first line, after connecting and "
                      "every reconnect (/login NAME PASSWORD)",
              .kind = OptionKind::text, .text = &Options::password_file},
    OptionRow{.name = "--room", .placeholder = "NAME", .help = "join room #NAME once connected (/join #NAME)",
              .kind = OptionKind::text, .text = &Options::room, .check = check_room},
    OptionRow{.name = "--tls",
              .help = "connect with TLS and verify the server's certificate and name (the system's "
                      "trusted CAs, or --ca)",
              .flag = &Options::tls},
    OptionRow{.name = "--ca", .placeholder = "FILE",
              .help = "with --tls: trust the CA certificate(s) in FILE (PEM) instead of the system's",
              .kind = OptionKind::text, .text = &Options::ca},
    OptionRow{.name = "--insecure", .help = "with --tls: do not verify the server's certificate (says so once)",
              .flag = &Options::insecure},
    OptionRow{.name = "--timestamps", .help = "show the local time (HH:MM) before each line",
              .flag = &Options::timestamps},
    OptionRow{.name = "--reconnect",
              .help = "when the server cannot be reached or goes away, retry with backoff and reclaim "
                      "the nickname once back",
              .flag = &Options::reconnect},
    OptionRow{.name = "--no-color", .help = "no colours (also when NO_COLOR is set or output is no terminal)",
              .flag = &Options::no_color, .alias = "--no-colour"},
    OptionRow{.name = "--no-history", .help = "do not read or append to ~/.chat_history",
              .flag = &Options::no_history},
    OptionRow{.name = "--no-bell", .help = "no terminal bell when a line mentions you or is private",
              .flag = &Options::no_bell},
    OptionRow{.name = "--help", .help = "show this help and exit", .kind = OptionKind::help, .alias = "-h"},
    OptionRow{.name = "--version", .help = "show the version and exit", .kind = OptionKind::version},
};

const OptionRow* find_row(std::string_view name) {
  for (const OptionRow& row : kTable) {
    if (name == row.name || (!row.alias.empty() && name == row.alias)) return &row;
  }
  return nullptr;
}

}  // namespace

std::span<const OptionRow> option_table() { return kTable; }

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
      continue;
    }
    // "--nick=NAME": only an option that takes a value may have one inline.
    const auto eq = arg.starts_with("--") ? arg.find('=') : std::string_view::npos;
    const OptionRow* row = find_row(arg.substr(0, eq));
    if (row == nullptr || (eq != std::string_view::npos && row->kind != OptionKind::text)) {
      return UsageError{"unknown option " + std::string(arg) + " (try --help)"};
    }
    switch (row->kind) {
      case OptionKind::help: return ShowHelp{};
      case OptionKind::version: return ShowVersion{};
      case OptionKind::flag: options.*(row->flag) = true; break;
      case OptionKind::text: {
        std::string_view value;
        if (eq != std::string_view::npos) {
          value = arg.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return UsageError{"option " + std::string(row->name) + " needs a " + std::string(row->placeholder)};
        }
        if (row->check != nullptr) {
          if (auto error = row->check(value)) return UsageError{std::move(*error)};
        }
        options.*(row->text) = std::string(value);
        break;
      }
    }
  }

  // TLS is asked for explicitly: --ca or --insecure alone would leave the
  // user believing the connection is encrypted.
  if (options.ca && options.insecure) return UsageError{"--ca and --insecure contradict each other"};
  if (options.password_file && !options.nick) return UsageError{"--password-file needs --nick NAME (the account)"};
  if (!options.tls && (options.ca || options.insecure)) {
    return UsageError{std::string(options.ca ? "--ca" : "--insecure") + " needs --tls"};
  }
  if (options.ca && options.ca->empty()) return UsageError{"empty CA file name"};

  if (positional.size() > 2) {
    return UsageError{"unexpected argument " + std::string(positional[2]) + " (try --help)"};
  }
  if (positional.size() == 1) {
    // HOST:PORT or [ADDR]:PORT; a bare IPv6 address has several colons.
    const std::string_view target = positional[0];
    const auto colon = target.rfind(':');
    if (target.starts_with('[') && colon != std::string_view::npos && colon > 0 && target[colon - 1] == ']') {
      positional = {target.substr(1, colon - 2), target.substr(colon + 1)};
    } else if (colon != std::string_view::npos && target.find(':') == colon) {
      positional = {target.substr(0, colon), target.substr(colon + 1)};
    }
  }
  std::optional<std::string_view> host = options.host_option, port = options.port_option;
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
    if (auto error = check_port(*port)) return UsageError{std::move(*error)};
    options.port = std::string(*port);
  }
  return options;
}

std::string usage_text() {
  std::vector<HelpEntry> entries;
  for (const OptionRow& row : kTable) {
    std::string names(row.name);
    if (!row.placeholder.empty()) names += " " + std::string(row.placeholder);
    entries.push_back({std::move(names), std::string(row.help)});
  }
  return "Usage: chat [options] [HOST [PORT] | HOST:PORT]\n"
         "Connects to a chat server (default 127.0.0.1 8888) and chats line by line.\n"
         "\n" +
         format_help(entries) +
         "\n"
         "Type a line and press Enter to send it to everyone in your room. Commands:\n"
         "  /nick NAME, /who (/names), /join #ROOM, /part, /rooms (/list), /whois NAME,\n"
         "  /history [N], /msg NAME TEXT, /me TEXT, /help, /quit,\n"
         "  and /reconnect (chat's own: retry now while disconnected)\n"
         "A line starting with // sends the text with one / removed.\n"
         "Editing: Left/Right, Home/End, Ctrl-A/E/U/K/W, Backspace/Delete, Up/Down\n"
         "for history, Tab completes nicknames, #rooms and commands.\n"
         "Ctrl-D on an empty line or /quit leaves; Ctrl-C exits at once; Ctrl-Z suspends.\n"
         "When standard input is not a terminal, chat sends every input line,\n"
         "then waits for the server to close the connection and exits.\n";
}

}  // namespace chat::client
