// chatd's command line and its config file (--config), parsed into values.
// Pure but for reading the --config file, so it is unit-tested.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/room_config.h"
#include "net/handshake_rate.h"
#include "net/limits.h"
#include "net/rate_limiter.h"

namespace chat {

// --engine threads: one thread per connection instead of a reactor.
inline constexpr std::string_view kThreadsEngine = "threads";

struct Options {
  std::optional<std::string> host;  // none: every interface, IPv4 and IPv6
  unsigned port = 8888;             // 0: an ephemeral port
  std::string engine;               // empty: the platform's preferred engine
  std::size_t max_clients = 10000;
  std::size_t max_line = 4096;
  std::size_t max_queue = 1024 * 1024;
  unsigned stall_timeout_s = 30;  // 0: never disconnect a stalled reader
  std::size_t max_per_ip = 16;    // 0: no cap; loopback is never capped
  RateLimit rate_limit = kDefaultRateLimit;  // lines per second per user; {0, 0}: off
  unsigned idle_timeout_s = 0;    // 0: idle users stay
  bool quiet = false;
  bool log_time = false;     // --log-time: RFC 3339 time before each stdout log line
  bool guest_names = false;  // --guest-names: users without a nickname shown as guest-N
  bool reuse_port = false;  // --reuse-port: SO_REUSEPORT, several chatd on one port
  // Rooms and history (RoomConfig, server/core/room_config.h).
  std::string default_room = "#lobby";        // --default-room
  std::size_t history = 50;                   // --history: lines kept per room; 0 = off
  bool history_local = false;                 // --history-time local
  std::size_t max_rooms = 1000;               // --max-rooms
  std::optional<std::string> store;           // --store PATH: persistent history (SQLite)
  std::size_t store_lines = 500;              // --store-lines: lines per room on disk (at least --history)
  std::string admins;                         // --admin NAME[,NAME]: accounts that moderate every room
  std::optional<std::string> export_history;  // --export-history #ROOM: print it and exit
  // TLS (docs/SECURITY.md): --tls-cert and --tls-key together, or neither.
  std::optional<std::string> tls_cert;        // --tls-cert FILE: PEM chain, server's first
  std::optional<std::string> tls_key;         // --tls-key FILE: its PEM private key
  unsigned tls_port = 8443;                   // --tls-port N; 0: an ephemeral port
  bool tls_only = false;                      // --tls-only: no plain port
  unsigned tls_handshake_timeout_s = 10;      // --tls-handshake-timeout
  RateLimit tls_handshake_rate = kDefaultHandshakeRate;  // --tls-handshake-rate, per address; {0, 0}: off
  std::size_t replay_rate = kDefaultReplayRate;  // --replay-rate: history replay bytes/s per address; 0: off
  // The web port (docs/WEB.md): the page and its WebSocket.
  std::optional<unsigned> web_port;       // --web-port N; none: no web port; 0: an ephemeral port
  std::optional<std::string> web_origin;  // --web-origin LIST: origins allowed besides the page's own
  unsigned web_ping_s = 30;               // --web-ping: ping a WebSocket silent this long
  // The IRC port (docs/IRC.md).
  std::optional<unsigned> irc_port;        // --irc-port N; none: no IRC port; 0: an ephemeral port
  std::optional<std::string> server_name;  // --server-name: IRC's server name; none: the host's name
  // --cluster (docs/CLUSTER.md): one chat over several chatd nodes.
  std::optional<std::string> cluster;  // --cluster redis://HOST:PORT[/DB], checked by parse_redis_url
  std::optional<std::string> node_name;  // --node-name; none: HOST:PID
  unsigned node_timeout_s = 10;          // --node-timeout
  unsigned cluster_wire = 2;             // --cluster-wire: the wire version written (both are read)
  // --metrics ADDR:PORT: GET /metrics for Prometheus (docs/OPERATIONS.md); none: off.
  std::optional<std::string> metrics;
  // Accounts (docs/SECURITY.md "Accounts"): with --store or --cluster.
  bool allow_plain_passwords = false;  // --allow-plain-passwords: not only over TLS (or loopback)
  std::size_t password_workers = 2;    // --password-workers: threads hashing passwords
  // --config FILE: "name = value" lines, read before the command line,
  // which overrides them; re-read on SIGHUP (docs/OPERATIONS.md).
  std::optional<std::string> config;
  bool check_config = false;  // --check-config: validate, say so, exit

  bool operator==(const Options&) const = default;
};

enum class Action { run, help, version };

struct ParsedOptions {
  Action action = Action::run;
  Options options;
};

// Parses argv[1..]. With --config FILE, the file is read first and the
// command line applied over it. On error returns the one-line message
// (without the "chatd: " prefix) the user should see; an error in the file
// starts with "FILE:LINE: ".
std::variant<ParsedOptions, std::string> parse_options(std::span<const std::string_view> args);

// Applies a config file's text to `o`: one "name = value" per line, the
// names those of option_table() without "--" (rows not command_line_only),
// a flag's value yes/no, true/false, on/off or 1/0; blank lines and lines
// whose first non-blank character is '#' are skipped (a '#' later in a line
// is part of the value: "default-room = #lobby"). `file` names the file in
// errors: "FILE:LINE: invalid max-line '10': expected a size from 16 bytes
// to 16M". Pure.
std::optional<std::string> apply_config(std::string_view text, std::string_view file, Options& o);

// The config file names of the options whose values differ between `a`
// and `b`, in table order.
std::vector<std::string> changed_options(const Options& a, const Options& b);

std::string usage_text();

// The warning chatd prints at start when --max-queue cannot hold one full
// --rate-limit burst of --max-line lines (so a reader may miss lines of a
// paste the rate limit admitted); nullopt when it can, or without a rate
// limit. Each line is counted --max-line + 256 bytes (growth when
// sanitized, the name, what queueing it costs).
std::optional<std::string> queue_warning(const Options& o);

// --metrics' ADDR:PORT (or [ADDR]:PORT for IPv6): the address without
// brackets and the port; nullopt if it is not that.
struct Endpoint {
  std::string host;
  unsigned port = 0;
};
std::optional<Endpoint> parse_endpoint(std::string_view text);

// The room settings in `o`.
RoomConfig room_config(const Options& o);
// The network's limits in `o`.
ServerLimits server_limits(const Options& o);

// How an option's value is read; each kind has one parser and one wording
// for "expected ..." in options.cpp.
enum class Unit {
  flag,     // no value: sets a bool
  number,   // a whole number in [min, max]
  size,     // bytes in [min, max]; K, M, G suffixes (powers of 1024)
  seconds,  // whole seconds in [min, max]
  port,     // a TCP port in [min, max]
  rate,     // R or R:B: R lines per second (at most max), bursts of B; 0 = off
  address,  // any non-empty text
  engine,   // a name from engines() or "threads"
  room,     // a room name, "#" optional: stored with its "#"
  zone,     // "utc" or "local": sets a bool (true = local)
  path,     // a file path (any non-empty text)
  redis,    // redis://HOST:PORT[/DB] (server/cluster/redis_url.h)
  node,     // a node name: 1 to 64 printable ASCII characters, no spaces
  endpoint, // ADDR:PORT, [IPv6]:PORT (parse_endpoint)
  help,     // --help: print usage_text()
  version,  // --version
};

// The parsed value of an option, before it is stored in its Options field.
using OptionValue = std::variant<bool, std::size_t, std::string, RateLimit>;

// One row of chatd's option table (see option_table() in options.cpp for
// how to add one).
struct OptionRow {
  std::string_view name{};         // "--max-line"
  std::string_view placeholder{};  // "BYTES" in --help; "" for a flag
  std::string help{};              // what it does, without the default
  Unit unit = Unit::flag;
  void (*store)(Options&, const OptionValue&) = nullptr;  // store_in<&Options::field>
  bool (*same)(const Options&, const Options&) = nullptr;  // same_in<&Options::field>
  std::size_t min = 0;             // number, size, seconds, port
  std::size_t max = 0;             // and rate
  std::string default_value{};     // as typed after the name; "" = none, or told in `help`
  std::string_view zero_means{};   // "never": "0 = never" in --help and in errors
  std::string_view alias{};        // "-q", or ""
  bool command_line_only = false;  // not a config file key: --config, --help, ...
  bool live = false;               // a SIGHUP with --config applies a new value at once
};

// A row's --help text with its default and range notes, as --help shows it
// (and the man page, from the same table).
std::string option_description(const OptionRow& row);

// The name an option has in a config file: "max-line" for "--max-line".
std::string_view config_name(const OptionRow& row);

// Every option chatd accepts, in --help order.
const std::vector<OptionRow>& option_table();

}  // namespace chat
