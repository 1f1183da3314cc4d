// What the reactor's loop counts for --metrics: plain integers bumped on
// the loop's own thread (no atomics: the scrape is served by that same
// loop), so the plain path pays one increment per event it already does.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "metrics/latency_histogram.h"

namespace chat {

// Why a connection was turned away before it joined.
enum class Refusal : std::uint8_t {
  server_full,         // --max-clients
  too_many_from_ip,    // --max-per-ip
  out_of_fds,          // EMFILE/ENFILE: shed through the spare fd
  tls_handshake_rate,  // --tls-handshake-rate
  tls_setup,           // OpenSSL could not start a stream
  poller,              // the engine cannot watch the fd (select: FD_SETSIZE)
  banned,              // a server-wide ban of its address (/ban in the default room)
};
inline constexpr std::size_t kRefusals = 7;

// Why a connection that was accepted ended. The first reason found wins
// (an idle user's notice is flushed, then the socket closes: idle).
enum class Disconnect : std::uint8_t {
  none,           // not closing (yet)
  quit,           // /quit
  eof,            // the peer closed its side
  reset,          // a read or write failed (ECONNRESET, EPIPE, a TLS error)
  stall,          // --stall-timeout: it accepted no output
  idle,           // --idle-timeout
  tls_handshake,  // the TLS handshake failed or timed out
  shutdown,       // chatd stopped
  error,          // the engine could not watch it any more
  kicked,         // /kick out of the default room
  banned,         // a server-wide ban (an admin's /ban in the default room, or at /login)
  replaced,       // its account logged in on another connection
};
inline constexpr std::size_t kDisconnects = 12;

// The port a connection came in on. web: --web-port (HTTP and WebSocket,
// over TLS or not), whatever its connections become.
enum class Listener : std::uint8_t { plain, tls, web };
inline constexpr std::size_t kListeners = 3;

struct LoopCounters {
  std::array<std::uint64_t, kListeners> accepted{};  // by Listener
  std::array<std::uint64_t, kRefusals> refused{};
  std::uint64_t lines_received = 0;      // framed lines, commands included
  std::uint64_t lines_rate_limited = 0;  // dropped by --rate-limit
  std::uint64_t lines_too_long = 0;      // past --max-line (refused, the user told)
  std::uint64_t deliveries = 0;          // lines queued for a receiver
  std::uint64_t lines_skipped = 0;       // not queued: the receiver's --max-queue was full
  std::uint64_t bytes_sent = 0;          // written to sockets (TLS: plaintext)
  std::array<std::uint64_t, kDisconnects> disconnects{};
  std::uint64_t tls_handshakes_ok = 0;
  std::uint64_t tls_handshakes_failed = 0;
  std::uint64_t tls_handshakes_timed_out = 0;
  LatencyHistogram tls_handshake_seconds;
  LatencyHistogram loop_iteration_seconds;  // from the poller's wake-up to the next wait

  void refuse(Refusal why) noexcept { ++refused[static_cast<std::size_t>(why)]; }
};

}  // namespace chat
