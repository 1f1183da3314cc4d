// How long --reconnect waits before each attempt: doubling from one second
// to at most thirty, so a server that is down for long is not hammered and
// one that restarts at once is back within a second.
#pragma once

#include <chrono>

namespace chat::client {

// `attempt` counts from 1 (the first retry after a disconnect).
[[nodiscard]] constexpr std::chrono::seconds reconnect_delay(int attempt) noexcept {
  if (attempt < 1) attempt = 1;
  if (attempt > 6) return std::chrono::seconds(30);
  const auto doubled = std::chrono::seconds(1LL << (attempt - 1));  // 1 2 4 8 16 32
  return doubled > std::chrono::seconds(30) ? std::chrono::seconds(30) : doubled;
}

}  // namespace chat::client
