#include "options.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "payload.h"

namespace flood {
namespace {

template <typename T>
bool parse_uint(std::string_view text, T& out, T min, T max) {
  std::uint64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end || text.empty() || v < static_cast<std::uint64_t>(min) || v > static_cast<std::uint64_t>(max)) return false;
  out = static_cast<T>(v);
  return true;
}

bool parse_seconds(std::string_view text, double& out, bool allow_zero) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end || text.empty() || !std::isfinite(v) || v < 0 || (!allow_zero && v == 0)) {
    return false;
  }
  out = v;
  return true;
}

// "8888,8889": 1 to kMaxPorts ports from 1 to 65535.
bool parse_ports(std::string_view text, std::vector<std::uint16_t>& out) {
  out.clear();
  for (;;) {
    const auto comma = text.find(',');
    std::uint16_t port = 0;
    if (!parse_uint<std::uint16_t>(text.substr(0, comma), port, 1, 65535)) return false;
    out.push_back(port);
    if (out.size() > kMaxPorts) return false;
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

std::string bad_value(std::string_view flag, std::string_view value) {
  return "invalid value for " + std::string(flag) + ": '" + std::string(value) + "'";
}

}  // namespace

std::string_view usage_text() {
  return "usage: flood [--host H] [--port P | --ports P1,P2,...] --clients C --senders K --messages M [--size S]\n"
         "             [--rate R --duration D] [--window W] [--connect-batch B]\n"
         "             [--protocol line|irc|ws] [--channel #C] [--server-pid PID]...\n"
         "             [--timeout T] [--idle I] [--rooms R] [--tls [--ca FILE]]\n"
         "  --host H           server address (default 127.0.0.1)\n"
         "  --port P           server port (default 8888)\n"
         "  --ports P1,P2,...  several servers on H (e.g. chatd --cluster nodes): client i\n"
         "                     connects to the (i mod N)-th; lines are counted wherever\n"
         "                     they arrive\n"
         "  --clients C        connections to open (>= 2); every one receives\n"
         "  --senders K        how many of them send (1..C)\n"
         "  --messages M       messages per sender (closed loop; a cap in open loop)\n"
         "  --size S           payload bytes per message (default 64, min 40)\n"
         "  --window W         closed loop: undelivered messages per sender (default 64)\n"
         "  --rate R           open loop: R messages/s over all senders ...\n"
         "  --duration D       ... for D seconds\n"
         "  --connect-batch B  at most B clients connecting at once (default: all); a\n"
         "                     client connects until the server sent it a byte (irc:\n"
         "                     joined), or for 1 s when the server greets nobody\n"
         "  --protocol P       line (chatd, ncat --chat), irc, or ws: the line protocol\n"
         "                     over a WebSocket (chatd --web-port; GET /ws, subprotocol\n"
         "                     chat.lines, masked frames, pings answered) (default line)\n"
         "  --channel #C       irc channel (default #flood)\n"
         "  --threads N        N threads receive, each its own share of the clients\n"
         "                     (default 1; line protocol only)\n"
         "  --ack A            quick (default): re-arm TCP_QUICKACK after every read, so a\n"
         "                     server without TCP_NODELAY is not stalled by our delayed\n"
         "                     ACKs; delayed: the kernel's default, like most clients\n"
         "  --rooms R          line or ws: client i first sends /join #flood(i % R)\n"
         "                     (chatd rooms); sender i talks to its room only\n"
         "  --tls              every client connects with TLS (1.2+); handshakes finish\n"
         "                     before the measurement starts\n"
         "  --ca FILE          with --tls: verify the server's certificate and name\n"
         "                     against this CA (default: not verified; a load tool)\n"
         "  --server-pid PID   sample the server's CPU time and peak RSS from /proc;\n"
         "                     repeat it for several processes: summed over them\n"
         "  --timeout T        give up after T seconds in all (default 60)\n"
         "  --idle I           give up after I seconds without progress (default 5)\n"
         "Exit status: 0 all delivered intact; 1 anything lost, duplicated, garbled or\n"
         "timed out, or the run could not start; 2 bad arguments.\n";
}

ParseResult parse_options(std::span<const std::string_view> args) {
  Options o;
  bool have_clients = false, have_senders = false, have_messages = false, have_duration = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    std::string_view value;
    bool inline_value = false;
    if (flag == "--help" || flag == "-h") return ShowHelp{};
    if (flag == "--tls") {  // the one flag without a value
      o.tls = true;
      continue;
    }
    if (flag.starts_with("--")) {
      if (const auto eq = flag.find('='); eq != std::string_view::npos) {
        value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
        inline_value = true;
      }
    } else {
      return OptionError{"unexpected argument: '" + std::string(flag) + "'"};
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return OptionError{"missing value for " + std::string(flag)};
      value = args[++i];
    }
    bool ok = true;
    if (flag == "--host") {
      ok = !value.empty();
      o.host = value;
    } else if (flag == "--port") {
      ok = parse_uint<std::uint16_t>(value, o.port, 1, 65535);
    } else if (flag == "--ports") {
      ok = parse_ports(value, o.ports);
    } else if (flag == "--clients") {
      ok = parse_uint<std::uint32_t>(value, o.clients, 2, 1'000'000);
      have_clients = true;
    } else if (flag == "--senders") {
      ok = parse_uint<std::uint32_t>(value, o.senders, 1, kMaxSenderId + 1);
      have_senders = true;
    } else if (flag == "--messages") {
      ok = parse_uint<std::uint64_t>(value, o.messages, 1, std::numeric_limits<std::uint32_t>::max());
      have_messages = true;
    } else if (flag == "--size") {
      ok = parse_uint<std::size_t>(value, o.size, kMinPayloadSize, 1 << 20);
    } else if (flag == "--window") {
      ok = parse_uint<std::uint32_t>(value, o.window, 1, 1 << 20);
    } else if (flag == "--connect-batch") {
      ok = parse_uint<std::uint32_t>(value, o.connect_batch, 1, 1'000'000);
    } else if (flag == "--rate") {
      ok = parse_seconds(value, o.rate, false);
    } else if (flag == "--duration") {
      ok = parse_seconds(value, o.duration, false);
      have_duration = true;
    } else if (flag == "--protocol") {
      if (value == "line") {
        o.protocol = Protocol::line;
      } else if (value == "irc") {
        o.protocol = Protocol::irc;
      } else if (value == "ws") {
        o.protocol = Protocol::ws;
      } else {
        ok = false;
      }
    } else if (flag == "--threads") {
      ok = parse_uint<std::uint32_t>(value, o.threads, 1, kMaxThreads);
    } else if (flag == "--ack") {
      if (value == "quick") {
        o.ack = Ack::quick;
      } else if (value == "delayed") {
        o.ack = Ack::delayed;
      } else {
        ok = false;
      }
    } else if (flag == "--channel") {
      ok = value.size() >= 2 && (value[0] == '#' || value[0] == '&') &&
           value.find_first_of(" ,\r\n\a") == std::string_view::npos;
      o.channel = value;
    } else if (flag == "--rooms") {
      ok = parse_uint<std::uint32_t>(value, o.rooms, 1, 1'000'000);
    } else if (flag == "--ca") {
      ok = !value.empty();
      o.ca = value;
    } else if (flag == "--server-pid") {
      long pid = 0;
      ok = parse_uint<long>(value, pid, 1, std::numeric_limits<int>::max());
      o.server_pids.push_back(pid);
      ok = ok && o.server_pids.size() <= kMaxServerPids;
    } else if (flag == "--timeout") {
      ok = parse_seconds(value, o.timeout, false);
    } else if (flag == "--idle") {
      ok = parse_seconds(value, o.idle, false);
    } else {
      return OptionError{"unknown option: " + std::string(flag)};
    }
    if (!ok) return OptionError{bad_value(flag, value)};
  }
  if (!have_clients) return OptionError{"--clients is required"};
  if (!have_senders) return OptionError{"--senders is required"};
  if (o.senders > o.clients) return OptionError{"--senders must not exceed --clients"};
  if (o.rooms > 1 && o.protocol == Protocol::irc) return OptionError{"--rooms needs --protocol line or ws"};
  if (o.rooms > 1 && o.clients < 2 * o.rooms) return OptionError{"--rooms R needs at least 2R clients"};
  if (o.rooms > 1 && o.threads > 1) return OptionError{"--rooms needs --threads 1"};
  if (o.open_loop()) {
    if (!have_duration) return OptionError{"--rate needs --duration"};
  } else {
    if (have_duration) return OptionError{"--duration needs --rate"};
    if (!have_messages) return OptionError{"--messages is required (or --rate and --duration)"};
  }
  if (o.threads > 1 && o.protocol != Protocol::line) return OptionError{"--threads needs --protocol line"};
  if (o.threads > o.clients) return OptionError{"--threads must not exceed --clients"};
  if (o.ca && !o.tls) return OptionError{"--ca needs --tls"};
  if (o.connect_batch == 0 || o.connect_batch > o.clients) o.connect_batch = o.clients;
  return o;
}

std::uint16_t port_of_client(const Options& o, std::uint32_t id) {
  return o.ports.empty() ? o.port : o.ports[id % o.ports.size()];
}

}  // namespace flood
