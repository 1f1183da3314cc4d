// What the network layer enforces on every connection, on every engine:
// chatd's --max-clients, --max-per-ip, --max-line, --max-queue,
// --rate-limit, --tls-handshake-rate, --replay-rate and the three timeouts (app/options.h fills it in).
#pragma once

#include <cstddef>

#include "net/handshake_rate.h"
#include "net/rate_limiter.h"
#include "net/replay_budget.h"

namespace chat {

// A history replay (Member::accepts_replay) costs its asker one
// --rate-limit line per whole kReplayBytesPerLine bytes, and is not built
// while more than kReplayBacklog bytes of earlier output wait in chatd for
// that client (it is not reading): docs/SECURITY.md.
inline constexpr std::size_t kReplayBytesPerLine = 1024;
inline constexpr std::size_t kReplayBacklog = 8 * 1024;

struct ServerLimits {
  std::size_t max_clients = 10000;
  std::size_t max_per_ip = 16;  // 0: no cap; loopback is never capped
  std::size_t max_line = 4096;
  std::size_t max_queue = 1024 * 1024;
  RateLimit rate_limit = kDefaultRateLimit;  // {0, 0}: off
  unsigned stall_timeout_s = 30;             // 0: never disconnect a stalled reader
  unsigned idle_timeout_s = 0;               // 0: idle users stay
  unsigned tls_handshake_timeout_s = 10;
  RateLimit tls_handshake_rate = kDefaultHandshakeRate;  // per address; {0, 0}: off
  std::size_t replay_rate = kDefaultReplayRate;  // bytes of history replays per second per address; 0: off
};

}  // namespace chat
