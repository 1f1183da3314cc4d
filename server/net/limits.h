// What the network layer enforces on every connection, on every engine:
// chatd's --max-clients, --max-per-ip, --max-line, --max-queue,
// --rate-limit and the three timeouts (app/options.h fills it in).
#pragma once

#include <cstddef>

#include "net/rate_limiter.h"

namespace chat {

struct ServerLimits {
  std::size_t max_clients = 10000;
  std::size_t max_per_ip = 16;  // 0: no cap; loopback is never capped
  std::size_t max_line = 4096;
  std::size_t max_queue = 1024 * 1024;
  RateLimit rate_limit = kDefaultRateLimit;  // {0, 0}: off
  unsigned stall_timeout_s = 30;             // 0: never disconnect a stalled reader
  unsigned idle_timeout_s = 0;               // 0: idle users stay
  unsigned tls_handshake_timeout_s = 10;
};

}  // namespace chat
