// flood's command line: what to connect, how much to send, when to stop.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace flood {

// ws: the line protocol over a WebSocket (chatd --web-port: GET /ws,
// subprotocol chat.lines), one text message per line.
enum class Protocol { line, irc, ws };

// How flood's sockets acknowledge what they receive. quick: TCP_QUICKACK is
// re-armed after every read, so a server that leaves Nagle on (no
// TCP_NODELAY, e.g. ncat) is not held up to 40 ms by our delayed ACKs.
// delayed: the kernel's default, like most clients.
enum class Ack { quick, delayed };

inline constexpr std::uint32_t kMaxThreads = 64;

inline constexpr std::size_t kMaxPorts = 64;
inline constexpr std::size_t kMaxServerPids = 64;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8888;
  // --ports P1,P2,...: several servers on one host (e.g. chatd --cluster
  // nodes); client i connects to ports[i % size]. Empty: every client uses
  // `port`.
  std::vector<std::uint16_t> ports;
  std::uint32_t clients = 0;
  std::uint32_t senders = 0;
  std::uint64_t messages = 0;  // per sender; closed loop: required, open loop: optional cap
  std::size_t size = 64;       // payload bytes (excluding any server prefix and the newline)
  double rate = 0;             // open loop when > 0: messages/s over all senders
  double duration = 0;         // open loop: seconds of sending
  std::uint32_t window = 64;   // closed loop: undelivered messages per sender
  std::uint32_t connect_batch = 0;  // 0: all at once
  Protocol protocol = Protocol::line;
  // --server-pid, repeatable: CPU seconds and peak RSS summed over them all
  // (e.g. every cluster node and redis-server).
  std::vector<long> server_pids;
  double timeout = 60;  // seconds, the whole run
  double idle = 5;      // seconds without progress before giving up early
  std::string channel = "#flood";  // irc only
  Ack ack = Ack::quick;
  std::uint32_t threads = 1;  // receiving threads, each with its own share of the clients
  std::uint32_t rooms = 1;  // line protocol: client i joins chatd room #flood(i % rooms) first
  bool tls = false;                // --tls: every client speaks TLS (handshake before it counts as connected)
  std::optional<std::string> ca;   // --ca FILE: verify the server against this CA (else: no verification)

  [[nodiscard]] bool open_loop() const noexcept { return rate > 0; }
};

// The port client `id` connects to: round-robin over --ports, else --port.
std::uint16_t port_of_client(const Options& o, std::uint32_t id);

struct ShowHelp {};
struct OptionError {
  std::string message;  // one line, without the "flood: " prefix
};
using ParseResult = std::variant<Options, ShowHelp, OptionError>;

ParseResult parse_options(std::span<const std::string_view> args);
std::string_view usage_text();

}  // namespace flood
