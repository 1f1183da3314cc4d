// chatd's command line and config file, read through one table of
// options. Over the house's 400 lines: the table itself (one row per
// option, with its help text, range and default) is about 150 of them, and
// keeping it whole is what keeps --help, the man page and the config keys
// from drifting apart.
#include "app/options.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <limits>
#include <type_traits>

#include "cluster/redis_url.h"
#include "web/web_policy.h"
#include "help_text.h"
#include "net/pollers/poller.h"
#include "room_name.h"

namespace chat {

namespace {

// A whole non-negative number in [min, max], with an optional K/M/G suffix
// (powers of 1024) when `allow_suffix`.
std::optional<std::size_t> parse_number(std::string_view text, std::size_t min, std::size_t max,
                                        bool allow_suffix = false) {
  std::size_t multiplier = 1;
  if (allow_suffix && !text.empty()) {
    switch (text.back()) {
      case 'K': case 'k': multiplier = std::size_t{1} << 10; break;
      case 'M': case 'm': multiplier = std::size_t{1} << 20; break;
      case 'G': case 'g': multiplier = std::size_t{1} << 30; break;
      default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
  }
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (value > std::numeric_limits<std::size_t>::max() / multiplier) return std::nullopt;
  value *= multiplier;
  if (value < min || value > max) return std::nullopt;
  return value;
}

// 16 -> "16 bytes", 1024 -> "1K", 16 << 20 -> "16M": sizes as a user types them.
std::string format_size(std::size_t bytes) {
  for (const auto& [shift, suffix] : {std::pair{30, 'G'}, std::pair{20, 'M'}, std::pair{10, 'K'}}) {
    const std::size_t unit = std::size_t{1} << shift;
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  return std::to_string(bytes) + " bytes";
}

bool is_number(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string engine_names() {
  std::string names;
  for (const Engine& e : engines()) {
    if (!names.empty()) names += ", ";
    names += e.name;
  }
  return names + ", " + std::string(kThreadsEngine);
}

// Stores a parsed value in one field of Options; the field's type picks the
// alternative, so a row whose unit does not fit its field fails the
// defaults test in tests/unit/app/options_test.cpp.
template <auto Field>
void store_in(Options& o, const OptionValue& value) {
  using T = std::remove_cvref_t<decltype(o.*Field)>;
  if constexpr (std::is_same_v<T, bool>) {
    o.*Field = std::get<bool>(value);
  } else if constexpr (std::is_same_v<T, std::optional<unsigned>>) {
    o.*Field = static_cast<unsigned>(std::get<std::size_t>(value));  // a port
  } else if constexpr (std::is_integral_v<T>) {
    o.*Field = static_cast<T>(std::get<std::size_t>(value));  // max of the row fits T
  } else if constexpr (std::is_same_v<T, RateLimit>) {
    o.*Field = std::get<RateLimit>(value);
  } else {
    o.*Field = std::get<std::string>(value);  // std::string or std::optional<std::string>
  }
}

template <auto Field>
bool same_in(const Options& a, const Options& b) {
  return a.*Field == b.*Field;
}

// What a row expects, for "invalid --NAME 'VALUE': expected ...".
std::string expected(const OptionRow& row) {
  std::string text;
  switch (row.unit) {
    case Unit::number: text = "a number from " + std::to_string(row.min) + " to " + std::to_string(row.max); break;
    case Unit::size: text = "a size from " + format_size(row.min) + " to " + format_size(row.max); break;
    case Unit::seconds: text = "seconds from " + std::to_string(row.min) + " to " + std::to_string(row.max); break;
    case Unit::port: text = "a port from " + std::to_string(row.min) + " to " + std::to_string(row.max); break;
    case Unit::rate: text = "MSGS/S or MSGS/S:BURST, e.g. 5:20"; break;
    case Unit::address: text = "an address"; break;
    case Unit::room: text = "#NAME: 1 to 32 letters, digits, '_', '-' or '.'"; break;
    case Unit::zone: text = "utc or local"; break;
    case Unit::path: text = "a file path"; break;
    case Unit::redis: text = "redis://HOST:PORT[/DB]"; break;
    case Unit::node: text = "1 to 64 printable characters, no spaces"; break;
    case Unit::endpoint: text = "ADDR:PORT, e.g. 127.0.0.1:9108 or [::1]:9108"; break;
    default: break;
  }
  if (!row.zero_means.empty()) text += " (0 = " + std::string(row.zero_means) + ")";
  return text;
}

// Reads the value of an option that takes one; on error, the one line.
// `shown` is how the error names the option: "--max-line" on the command
// line, "max-line" in a config file.
std::variant<OptionValue, std::string> parse_value(const OptionRow& row, std::string_view text,
                                                   std::string_view shown) {
  const auto bad = [&] { return "invalid " + std::string(shown) + " '" + std::string(text) + "': expected " + expected(row); };
  switch (row.unit) {
    case Unit::number:
    case Unit::seconds:
    case Unit::port:
    case Unit::size: {
      const auto n = parse_number(text, row.min, row.max, row.unit == Unit::size);
      if (!n) return bad();
      return OptionValue{*n};
    }
    case Unit::rate: {
      const auto colon = text.find(':');
      const auto rate = parse_number(text.substr(0, colon), 0, row.max);
      const auto burst = colon == std::string_view::npos ? rate : parse_number(text.substr(colon + 1), 1, row.max);
      if (!rate || !burst) return bad();
      if (*rate == 0) return OptionValue{RateLimit{}};  // off, whatever the burst
      return OptionValue{RateLimit{static_cast<double>(*rate), static_cast<double>(*burst)}};
    }
    case Unit::address:
      if (text.empty()) return bad();
      return OptionValue{std::string(text)};
    case Unit::room: {
      std::string room = text.starts_with('#') ? std::string(text) : "#" + std::string(text);
      if (!is_valid_room_name(room)) return bad();
      return OptionValue{std::move(room)};
    }
    case Unit::zone:
      if (text != "utc" && text != "local") return bad();
      return OptionValue{text == "local"};
    case Unit::path:
      if (text.empty()) return bad();
      return OptionValue{std::string(text)};
    case Unit::redis:
      if (const auto parsed = parse_redis_url(text); const auto* why = std::get_if<std::string>(&parsed)) {
        return bad() + " (" + *why + ")";
      }
      return OptionValue{std::string(text)};
    case Unit::node:
      if (text.empty() || text.size() > 64 ||
          !std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 127; })) {
        return bad();
      }
      return OptionValue{std::string(text)};
    case Unit::endpoint:
      if (!parse_endpoint(text)) return bad();
      return OptionValue{std::string(text)};
    case Unit::engine:
      if (text != kThreadsEngine && find_engine(text) == nullptr) {
        return "unknown engine '" + std::string(text) + "' (this build has " + engine_names() + ")";
      }
      return OptionValue{std::string(text)};
    default:
      return OptionValue{true};
  }
}

// "(default 30; 0 = never)" and the like, after the row's help text.
std::string describe(const OptionRow& row) {
  std::vector<std::string> notes;
  if (!row.default_value.empty()) {
    const bool zero_is_default = row.default_value == "0" && !row.zero_means.empty();
    notes.push_back("default " + row.default_value + (zero_is_default ? " = " + std::string(row.zero_means) : ""));
    if (!zero_is_default && !row.zero_means.empty()) notes.push_back("0 = " + std::string(row.zero_means));
  } else if (!row.zero_means.empty()) {
    notes.push_back("0 = " + std::string(row.zero_means));
  }
  if (row.unit == Unit::size) notes.push_back("K, M, G suffixes");
  std::string text = row.help;
  for (std::size_t i = 0; i < notes.size(); ++i) text += (i == 0 ? " (" : "; ") + notes[i];
  return notes.empty() ? text : text + ")";
}

const OptionRow* find_row(std::string_view name) {
  for (const OptionRow& row : option_table()) {
    if (name == row.name || (!row.alias.empty() && name == row.alias)) return &row;
  }
  return nullptr;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// A flag's value in a config file.
std::optional<bool> parse_switch(std::string_view text) {
  for (std::string_view yes : {"yes", "true", "on", "1"}) {
    if (text == yes) return true;
  }
  for (std::string_view no : {"no", "false", "off", "0"}) {
    if (text == no) return false;
  }
  return std::nullopt;
}

// The value of --config in `args` ("--config FILE" or "--config=FILE"), the
// last one if given twice, as the command line's other options.
std::optional<std::string_view> config_argument(std::span<const std::string_view> args) {
  std::optional<std::string_view> found;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) found = args[++i];
    else if (args[i].starts_with("--config=")) found = args[i].substr(9);
  }
  return found;
}

}  // namespace

std::string option_description(const OptionRow& row) { return describe(row); }

std::string_view config_name(const OptionRow& row) {
  std::string_view name = row.name;
  while (name.starts_with('-')) name.remove_prefix(1);
  return name;
}

std::optional<std::string> apply_config(std::string_view text, std::string_view file, Options& o) {
  std::vector<std::pair<const OptionRow*, std::size_t>> seen;  // row, line first set
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto newline = text.find('\n');
    const std::string_view raw = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    const std::string_view line = trim(raw);
    if (line.empty() || line.starts_with('#')) continue;
    const std::string where = std::string(file) + ":" + std::to_string(number) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return where + "expected NAME = VALUE, got '" + std::string(line) + "'";
    const std::string_view name = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    const OptionRow* row = nullptr;
    for (const OptionRow& r : option_table()) {
      if (!r.command_line_only && config_name(r) == name) row = &r;
    }
    if (row == nullptr) {
      return where + "unknown option '" + std::string(name) + "' (the names are chatd --help's, without --)";
    }
    for (const auto& [earlier, at] : seen) {
      if (earlier == row) return where + std::string(name) + " is set twice (first on line " + std::to_string(at) + ")";
    }
    seen.emplace_back(row, number);
    if (row->unit == Unit::flag) {
      const auto on = parse_switch(value);
      if (!on) return where + "invalid " + std::string(name) + " '" + std::string(value) + "': expected yes or no";
      row->store(o, *on);
      continue;
    }
    auto parsed = parse_value(*row, value, name);
    if (auto* error = std::get_if<std::string>(&parsed)) return where + *error;
    row->store(o, std::get<OptionValue>(parsed));
  }
  return std::nullopt;
}

std::vector<std::string> changed_options(const Options& a, const Options& b) {
  std::vector<std::string> names;
  for (const OptionRow& row : option_table()) {
    if (row.same != nullptr && !row.command_line_only && !row.same(a, b)) names.emplace_back(config_name(row));
  }
  return names;
}

// chatd's options, one row each. To add one:
//   1. add its field, with its default, to Options in options.h;
//   2. add a row here, where it should appear in --help: name, placeholder
//      (empty for a flag), help text, unit (how the value is read, see
//      Unit in options.h), .store = store_in<&Options::field>, .same = same_in<&Options::field>, min/max for
//      numbers, .default_value exactly as a user would type it (so --help
//      shows it and tests/unit/app/options_test.cpp checks it parses to the
//      field's default), .zero_means when 0 turns the thing off.
// --help, the "needs a value" and "expected ..." errors and the tests all
// come from the row; nothing else needs to change. A new kind of value (a
// file path, say) is a new Unit plus its case in parse_value() and
// expected() above.
const std::vector<OptionRow>& option_table() {
  static const std::vector<OptionRow> table = {
      {.name = "--host", .placeholder = "ADDR",
       .help = "address to listen on (default: every interface, IPv4 and IPv6)",
       .unit = Unit::address, .store = store_in<&Options::host>, .same = same_in<&Options::host>},
      {.name = "--port", .placeholder = "N", .help = "TCP port, 0 picks a free one",
       .unit = Unit::port, .store = store_in<&Options::port>, .same = same_in<&Options::port>, .min = 0, .max = 65535, .default_value = "8888"},
      {.name = "--reuse-port", .help = "share the port with other chatd started with it (SO_REUSEPORT)",
       .unit = Unit::flag, .store = store_in<&Options::reuse_port>, .same = same_in<&Options::reuse_port>},
      {.name = "--engine", .placeholder = "NAME", .help = "event engine: " + engine_names(),
       .unit = Unit::engine, .store = store_in<&Options::engine>, .same = same_in<&Options::engine>,
       .default_value = std::string(engines().front().name)},
      {.name = "--max-clients", .placeholder = "N", .help = "most users at once",
       .unit = Unit::number, .store = store_in<&Options::max_clients>, .same = same_in<&Options::max_clients>, .min = 1, .max = 10'000'000,
       .default_value = "10000", .live = true},
      {.name = "--max-line", .placeholder = "BYTES", .help = "longest accepted line",
       .unit = Unit::size, .store = store_in<&Options::max_line>, .same = same_in<&Options::max_line>, .min = 16, .max = 16 << 20,
       .default_value = "4096"},
      {.name = "--max-queue", .placeholder = "BYTES",
       .help = "unsent output kept per user before lines are skipped",
       .unit = Unit::size, .store = store_in<&Options::max_queue>, .same = same_in<&Options::max_queue>, .min = 1024, .max = std::size_t{1} << 32,
       .default_value = "1M", .live = true},
      {.name = "--stall-timeout", .placeholder = "SECS", .help = "drop a user who accepts no output for this long",
       .unit = Unit::seconds, .store = store_in<&Options::stall_timeout_s>, .same = same_in<&Options::stall_timeout_s>, .min = 0, .max = 86400,
       .default_value = "30", .zero_means = "never", .live = true},
      {.name = "--max-per-ip", .placeholder = "N",
       .help = "most connections from one address, loopback exempt",
       .unit = Unit::number, .store = store_in<&Options::max_per_ip>, .same = same_in<&Options::max_per_ip>, .min = 0, .max = 10'000'000,
       .default_value = "16", .zero_means = "no limit", .live = true},
      {.name = "--rate-limit", .placeholder = "R[:B]", .help = "lines per second per user, bursts of B",
       .unit = Unit::rate, .store = store_in<&Options::rate_limit>, .same = same_in<&Options::rate_limit>, .max = 1'000'000,
       .default_value = "10:50", .zero_means = "off", .live = true},
      {.name = "--replay-rate", .placeholder = "BYTES",
       .help = "bytes of history replays per second per address (loopback included), bursts of as much",
       .unit = Unit::size, .store = store_in<&Options::replay_rate>, .same = same_in<&Options::replay_rate>, .min = 0, .max = std::size_t{1} << 32,
       .default_value = "8M", .zero_means = "off"},
      {.name = "--idle-timeout", .placeholder = "SECS", .help = "disconnect a user who sends nothing for this long",
       .unit = Unit::seconds, .store = store_in<&Options::idle_timeout_s>, .same = same_in<&Options::idle_timeout_s>, .min = 0, .max = 7 * 86400,
       .default_value = "0", .zero_means = "never", .live = true},
      {.name = "--default-room", .placeholder = "#NAME", .help = "the room new users enter",
       .unit = Unit::room, .store = store_in<&Options::default_room>, .same = same_in<&Options::default_room>, .default_value = "#lobby"},
      {.name = "--history", .placeholder = "N", .help = "recent lines each room replays to a user entering it",
       .unit = Unit::number, .store = store_in<&Options::history>, .same = same_in<&Options::history>, .min = 0, .max = 100'000,
       .default_value = "50", .zero_means = "off"},
      {.name = "--history-time", .placeholder = "ZONE", .help = "times on history lines: utc or local",
       .unit = Unit::zone, .store = store_in<&Options::history_local>, .same = same_in<&Options::history_local>, .default_value = "utc"},
      {.name = "--max-rooms", .placeholder = "N", .help = "most rooms at once",
       .unit = Unit::number, .store = store_in<&Options::max_rooms>, .same = same_in<&Options::max_rooms>, .min = 1, .max = 1'000'000,
       .default_value = "1000"},
      {.name = "--store", .placeholder = "PATH", .help = "keep history and rooms in this SQLite file across restarts",
       .unit = Unit::path, .store = store_in<&Options::store>, .same = same_in<&Options::store>},
      {.name = "--store-lines", .placeholder = "N",
       .help = "lines each room keeps in the store, which /history pages back through (at least --history)",
       .unit = Unit::number, .store = store_in<&Options::store_lines>, .same = same_in<&Options::store_lines>, .min = 1,
       .max = 1'000'000, .default_value = "500"},
      {.name = "--admin", .placeholder = "NAME[,NAME]",
       .help = "accounts that moderate every room once logged in",
       .unit = Unit::address, .store = store_in<&Options::admins>, .same = same_in<&Options::admins>, .live = true},
      {.name = "--export-history", .placeholder = "#ROOM",
       .help = "print a room's stored history (with --store) and exit",
       .unit = Unit::room, .store = store_in<&Options::export_history>, .same = same_in<&Options::export_history>,
       .command_line_only = true},
      {.name = "--tls-cert", .placeholder = "FILE",
       .help = "serve TLS with this PEM certificate chain (with --tls-key; reloaded on SIGHUP)",
       .unit = Unit::path, .store = store_in<&Options::tls_cert>, .same = same_in<&Options::tls_cert>, .live = true},
      {.name = "--tls-key", .placeholder = "FILE", .help = "the certificate's PEM private key",
       .unit = Unit::path, .store = store_in<&Options::tls_key>, .same = same_in<&Options::tls_key>, .live = true},
      {.name = "--tls-port", .placeholder = "N", .help = "TLS port, 0 picks a free one",
       .unit = Unit::port, .store = store_in<&Options::tls_port>, .same = same_in<&Options::tls_port>, .min = 0, .max = 65535, .default_value = "8443"},
      {.name = "--tls-only", .help = "serve TLS only: no plain port",
       .unit = Unit::flag, .store = store_in<&Options::tls_only>, .same = same_in<&Options::tls_only>},
      {.name = "--tls-handshake-timeout", .placeholder = "SECS",
       .help = "drop a connection whose TLS handshake takes longer",
       .unit = Unit::seconds, .store = store_in<&Options::tls_handshake_timeout_s>, .same = same_in<&Options::tls_handshake_timeout_s>, .min = 1, .max = 3600,
       .default_value = "10", .live = true},
      {.name = "--tls-handshake-rate", .placeholder = "R[:B]",
       .help = "TLS handshakes per second per address (loopback included), bursts of B",
       .unit = Unit::rate, .store = store_in<&Options::tls_handshake_rate>, .same = same_in<&Options::tls_handshake_rate>,
       .max = 1'000'000,
       .default_value = "200:200", .zero_means = "off", .live = true},
      {.name = "--web-port", .placeholder = "N",
       .help = "serve the web client and its WebSocket on this port (HTTPS/WSS with --tls-cert); 0 picks a free one",
       .unit = Unit::port, .store = store_in<&Options::web_port>, .same = same_in<&Options::web_port>, .min = 0, .max = 65535},
      {.name = "--web-origin", .placeholder = "LIST",
       .help = "origins (https://HOST[:PORT], comma-separated) whose pages may open the WebSocket besides chatd's own",
       .unit = Unit::address, .store = store_in<&Options::web_origin>, .same = same_in<&Options::web_origin>},
      {.name = "--web-ping", .placeholder = "SECS",
       .help = "ping a WebSocket silent this long; no answer within --stall-timeout drops it",
       .unit = Unit::seconds, .store = store_in<&Options::web_ping_s>, .same = same_in<&Options::web_ping_s>, .min = 1, .max = 3600,
       .default_value = "30"},
      {.name = "--irc-port", .placeholder = "N",
       .help = "serve IRC clients (irssi, weechat, bots) on this port, 6667 is usual; 0 picks a free one",
       .unit = Unit::port, .store = store_in<&Options::irc_port>, .same = same_in<&Options::irc_port>, .min = 0, .max = 65535},
      {.name = "--server-name", .placeholder = "NAME",
       .help = "the server's name in IRC prefixes and numerics (default: the host's name)",
       .unit = Unit::node, .store = store_in<&Options::server_name>, .same = same_in<&Options::server_name>},
      {.name = "--cluster", .placeholder = "URL",
       .help = "share one chat with other chatd nodes through Redis at redis://HOST:PORT[/DB]",
       .unit = Unit::redis, .store = store_in<&Options::cluster>, .same = same_in<&Options::cluster>},
      {.name = "--node-name", .placeholder = "NAME", .help = "this node's name in the cluster (default HOST:PID)",
       .unit = Unit::node, .store = store_in<&Options::node_name>, .same = same_in<&Options::node_name>},
      {.name = "--node-timeout", .placeholder = "SECS",
       .help = "a node silent this long is gone: its users leave",
       .unit = Unit::seconds, .store = store_in<&Options::node_timeout_s>, .same = same_in<&Options::node_timeout_s>, .min = 2, .max = 3600,
       .default_value = "10"},
      {.name = "--cluster-wire", .placeholder = "N",
       .help = "write cluster events in wire version N: 1 while nodes of the release before run (upgrades)",
       .unit = Unit::number, .store = store_in<&Options::cluster_wire>, .same = same_in<&Options::cluster_wire>, .min = 1, .max = 2, .default_value = "2"},
      {.name = "--metrics", .placeholder = "ADDR:PORT",
       .help = "serve GET /metrics for Prometheus on this address (off unless given)",
       .unit = Unit::endpoint, .store = store_in<&Options::metrics>, .same = same_in<&Options::metrics>},
      {.name = "--allow-plain-passwords",
       .help = "accept /register, /login and /password over plain TCP from any address (not only TLS and loopback)",
       .unit = Unit::flag, .store = store_in<&Options::allow_plain_passwords>,
       .same = same_in<&Options::allow_plain_passwords>},
      {.name = "--password-workers", .placeholder = "N",
       .help = "threads hashing passwords (Argon2id, 64 MiB each while it runs)",
       .unit = Unit::number, .store = store_in<&Options::password_workers>, .same = same_in<&Options::password_workers>,
       .min = 1, .max = 64, .default_value = "2"},
      {.name = "--quiet", .help = "do not log each message on stdout",
       .unit = Unit::flag, .store = store_in<&Options::quiet>, .same = same_in<&Options::quiet>, .alias = "-q"},
      {.name = "--guest-names", .help = "show users without a nickname as guest-N, not IP:PORT (the log keeps addresses)",
       .unit = Unit::flag, .store = store_in<&Options::guest_names>, .same = same_in<&Options::guest_names>},
      {.name = "--log-time", .help = "start each stdout log line with its RFC 3339 time (UTC)",
       .unit = Unit::flag, .store = store_in<&Options::log_time>, .same = same_in<&Options::log_time>},
      {.name = "--config", .placeholder = "FILE",
       .help = "read options from FILE first: name = value lines, # comments; flags given here override "
               "it; re-read on SIGHUP",
       .unit = Unit::path, .store = store_in<&Options::config>, .command_line_only = true},
      {.name = "--check-config", .help = "check the options (and --config FILE, the TLS files) and exit",
       .unit = Unit::flag, .store = store_in<&Options::check_config>, .command_line_only = true},
      {.name = "--help", .help = "show this help", .unit = Unit::help, .alias = "-h", .command_line_only = true},
      {.name = "--version", .help = "show the version", .unit = Unit::version, .alias = "-V",
       .command_line_only = true},
  };
  return table;
}

std::string usage_text() {
  std::vector<HelpEntry> entries;
  for (const OptionRow& row : option_table()) {
    std::string names(row.name);
    if (!row.placeholder.empty()) names += " " + std::string(row.placeholder);
    entries.push_back({std::move(names), describe(row)});
  }
  return "Usage: chatd [HOST] [PORT] [options]\n"
         "\n"
         "A multi-user line chat server. Clients: chat, nc, telnet.\n"
         "\n" +
         format_help(entries);
}

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address needs its brackets
  }
  if (host.empty() || host.find_first_of(" []") != std::string_view::npos) return std::nullopt;
  const auto port = parse_number(text.substr(colon + 1), 0, 65535);
  if (!port) return std::nullopt;
  return Endpoint{std::string(host), static_cast<unsigned>(*port)};
}

ServerLimits server_limits(const Options& o) {
  return ServerLimits{.max_clients = o.max_clients,
                      .max_per_ip = o.max_per_ip,
                      .max_line = o.max_line,
                      .max_queue = o.max_queue,
                      .rate_limit = o.rate_limit,
                      .stall_timeout_s = o.stall_timeout_s,
                      .idle_timeout_s = o.idle_timeout_s,
                      .tls_handshake_timeout_s = o.tls_handshake_timeout_s,
                      .tls_handshake_rate = o.tls_handshake_rate,
                      .replay_rate = o.replay_rate};
}

std::optional<std::string> queue_warning(const Options& o) {
  if (o.rate_limit.per_second <= 0) return std::nullopt;
  const auto burst = static_cast<std::size_t>(o.rate_limit.burst);
  const std::size_t needed = burst * (o.max_line + 256);
  if (o.max_queue >= needed) return std::nullopt;
  return "warning: --max-queue " + std::to_string(o.max_queue) + " cannot hold a burst of " + std::to_string(burst) +
         " lines of --max-line " + std::to_string(o.max_line) + " (needs " + std::to_string(needed) +
         "): readers may miss lines of a paste the rate limit lets through";
}

RoomConfig room_config(const Options& o) {
  RoomConfig c;
  c.default_room = o.default_room;
  c.history = o.history;
  c.max_rooms = o.max_rooms;
  c.local_time = o.history_local;
  c.guest_names = o.guest_names;
  c.max_line = o.max_line;
  return c;
}

std::variant<ParsedOptions, std::string> parse_options(std::span<const std::string_view> args) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  std::size_t positional = 0;

  // The file first, so that every flag on the command line overrides it.
  if (const auto file = config_argument(args)) {
    std::ifstream in{std::string(*file), std::ios::binary};
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) return "cannot read --config " + std::string(*file) + ": " + std::strerror(errno);
    if (auto error = apply_config(text.str(), *file, o)) return std::move(*error);
  }

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::optional<std::string_view> inline_value;  // "--port=8888"
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }

    if (const OptionRow* row = find_row(arg)) {
      if (row->unit == Unit::help) {
        parsed.action = Action::help;
      } else if (row->unit == Unit::version) {
        parsed.action = Action::version;
      } else if (row->unit == Unit::flag) {
        row->store(o, true);
      } else {
        if (!inline_value && i + 1 < args.size()) inline_value = args[++i];
        if (!inline_value) return std::string(arg) + " needs a value";
        auto value = parse_value(*row, *inline_value, row->name);
        if (auto* error = std::get_if<std::string>(&value)) return std::move(*error);
        row->store(o, std::get<OptionValue>(value));
      }
    } else if (arg.starts_with("-") && arg != "-") {
      return "unknown option '" + std::string(arg) + "' (try --help)";
    } else {
      // The classic form: chatd HOST PORT (or just PORT, or just HOST).
      ++positional;
      const bool as_port = positional == 2 || (positional == 1 && is_number(arg) &&
                                               (i + 1 == args.size() || args[i + 1].starts_with("-")));
      if (positional > 2) return "too many arguments (usage: chatd [HOST] [PORT])";
      if (as_port) {
        const auto n = parse_number(arg, 0, 65535);
        if (!n) return "invalid port '" + std::string(arg) + "': expected a port from 0 to 65535";
        o.port = static_cast<unsigned>(*n);
      } else {
        o.host = std::string(arg);
      }
    }
  }

  // An empty engine means the platform's preferred one; name it, so the
  // parsed options say what will run.
  if (o.engine.empty()) o.engine = std::string(engines().front().name);

  if (o.export_history && !o.store) return "--export-history needs --store PATH";
  if (o.tls_cert && !o.tls_key) return "--tls-cert needs --tls-key FILE";
  if (o.tls_key && !o.tls_cert) return "--tls-key needs --tls-cert FILE";
  if (o.tls_only && !o.tls_cert) return "--tls-only needs --tls-cert FILE and --tls-key FILE";
  // The Redis link is driven by the reactor's Poller (docs/ARCHITECTURE.md).
  if (o.cluster && o.engine == kThreadsEngine) return "--cluster needs a reactor engine, not --engine threads";
  // The scrape is served from the reactor's loop, which counts on its own
  // thread without atomics; the threads engine has no such loop.
  if (o.metrics && o.engine == kThreadsEngine) return "--metrics needs a reactor engine, not --engine threads";
  // Guest numbers are handed out by each node: unique only within one.
  if (o.cluster && o.guest_names) return "--guest-names does not work with --cluster yet";
  // The web port's HTTP and WebSocket state lives in the reactor (docs/WEB.md).
  if (o.web_port && o.engine == kThreadsEngine) return "--web-port needs a reactor engine, not --engine threads";
  // The IRC port's clients are read by the reactor (net/reactor_irc.cpp).
  if (o.irc_port && o.engine == kThreadsEngine) return "--irc-port needs a reactor engine, not --engine threads";
  // Its users are in several rooms at once, which cluster presence does not carry yet.
  if (o.irc_port && o.cluster) return "--irc-port does not work with --cluster yet";
  if (o.server_name && !o.irc_port) return "--server-name needs --irc-port N";
  if (o.web_origin) {
    std::vector<std::string> origins;
    if (std::string why = web::parse_origins(*o.web_origin, origins); !why.empty()) return "--web-origin: " + why;
    if (!o.web_port) return "--web-origin needs --web-port N";
  }

  // A line must fit twice in a queue, with room for its "[NAME] " prefix, or
  // a long line could never be delivered to anyone.
  if (o.max_queue < 2 * (o.max_line + 256)) {
    return "--max-queue (" + std::to_string(o.max_queue) + ") must be at least twice --max-line (" +
           std::to_string(o.max_line) + ") plus 512";
  }
  return parsed;
}

}  // namespace chat
