// chatd's command line, parsed into values. Pure, so it is unit-tested.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "rate_limiter.h"

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
};

enum class Action { run, help, version };

struct ParsedOptions {
  Action action = Action::run;
  Options options;
};

// Parses argv[1..]. On error returns the one-line message (without the
// "chatd: " prefix) the user should see.
std::variant<ParsedOptions, std::string> parse_options(std::span<const std::string_view> args);

std::string usage_text();

}  // namespace chat
