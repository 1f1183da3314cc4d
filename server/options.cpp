#include "options.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "pollers/poller.h"

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

}  // namespace

std::string usage_text() {
  return "usage: chatd [HOST] [PORT] [options]\n"
         "\n"
         "A multi-user line chat server. Clients: chat, nc, telnet.\n"
         "\n"
         "  --host ADDR            address to listen on (default: every interface, IPv4 and IPv6)\n"
         "  --port N               TCP port (default 8888; 0 picks a free one)\n"
         "  --engine NAME          event engine: " + engine_names() + " (default " +
         std::string(engines().front().name) + ")\n"
         "  --max-clients N        most users at once (default 10000)\n"
         "  --max-line BYTES       longest accepted line (default 4096)\n"
         "  --max-queue BYTES      unsent output kept per user before lines are skipped\n"
         "                         (default 1M; K, M, G suffixes allowed)\n"
         "  --stall-timeout SECS   drop a user who accepts no output for this long (default 30; 0 = never)\n"
         "  --max-per-ip N         most connections from one address, loopback exempt (default 16; 0 = no limit)\n"
         "  --rate-limit R[:B]     lines per second per user, bursts of B (default 10:50; 0 = off)\n"
         "  --idle-timeout SECS    disconnect a user who sends nothing for this long (default 0 = never)\n"
         "  --quiet                do not log each message on stdout\n"
         "  --help                 show this help\n"
         "  --version              show the version\n";
}

std::variant<ParsedOptions, std::string> parse_options(std::span<const std::string_view> args) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  std::size_t positional = 0;

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::optional<std::string_view> inline_value;
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    // The value of a flag that takes one: "--port 8888" or "--port=8888".
    auto value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    auto missing = [&] { return std::string(arg) + " needs a value"; };
    auto bad = [&](std::string_view v, std::string_view what) {
      return "invalid " + std::string(arg) + " '" + std::string(v) + "': expected " + std::string(what);
    };

    if (arg == "--help" || arg == "-h") {
      parsed.action = Action::help;
    } else if (arg == "--version" || arg == "-V") {
      parsed.action = Action::version;
    } else if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
    } else if (arg == "--host") {
      const auto v = value();
      if (!v) return missing();
      if (v->empty()) return bad(*v, "an address");
      o.host = std::string(*v);
    } else if (arg == "--port") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 0, 65535);
      if (!n) return bad(*v, "a port from 0 to 65535");
      o.port = static_cast<unsigned>(*n);
    } else if (arg == "--engine") {
      const auto v = value();
      if (!v) return missing();
      if (*v != kThreadsEngine && find_engine(*v) == nullptr) return "unknown engine '" + std::string(*v) + "' (this build has " + engine_names() + ")";
      o.engine = std::string(*v);
    } else if (arg == "--max-clients") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 1, 10'000'000);
      if (!n) return bad(*v, "a number from 1 to 10000000");
      o.max_clients = *n;
    } else if (arg == "--max-line") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 16, 16 << 20, true);
      if (!n) return bad(*v, "a size from 16 bytes to 16M");
      o.max_line = *n;
    } else if (arg == "--max-queue") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 1024, std::size_t{1} << 32, true);
      if (!n) return bad(*v, "a size from 1K to 4G");
      o.max_queue = *n;
    } else if (arg == "--stall-timeout") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 0, 86400);
      if (!n) return bad(*v, "seconds from 0 to 86400");
      o.stall_timeout_s = static_cast<unsigned>(*n);
    } else if (arg == "--max-per-ip") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 0, 10'000'000);
      if (!n) return bad(*v, "a number (0 = no limit)");
      o.max_per_ip = *n;
    } else if (arg == "--rate-limit") {
      const auto v = value();
      if (!v) return missing();
      const auto colon = v->find(':');
      const auto rate = parse_number(v->substr(0, colon), 0, 1'000'000);
      const auto burst = colon == std::string_view::npos ? rate : parse_number(v->substr(colon + 1), 1, 1'000'000);
      if (!rate || !burst) return bad(*v, "MSGS/S or MSGS/S:BURST, e.g. 5:20 (0 = off)");
      o.rate_limit = {static_cast<double>(*rate), static_cast<double>(std::max<std::size_t>(*burst, 1))};
    } else if (arg == "--idle-timeout") {
      const auto v = value();
      if (!v) return missing();
      const auto n = parse_number(*v, 0, 7 * 86400);
      if (!n) return bad(*v, "seconds (0 = off)");
      o.idle_timeout_s = static_cast<unsigned>(*n);
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

  // A line must fit twice in a queue, with room for its "[NAME] " prefix, or
  // a long line could never be delivered to anyone.
  if (o.max_queue < 2 * (o.max_line + 256)) {
    return "--max-queue (" + std::to_string(o.max_queue) + ") must be at least twice --max-line (" +
           std::to_string(o.max_line) + ") plus 512";
  }
  return parsed;
}

}  // namespace chat
