// --replay-rate: the bytes of history replays one source address may make
// chatd send per second, across all its connections and reconnects (issue
// 18, item 3). A replay is already bounded per /join (the newest lines
// within 8 KiB) and charged to the asker's --rate-limit, but a reconnect
// starts a fresh rate-limit bucket: connect churn from one address made
// chatd send 8 KiB per connect, as fast as it could connect. A replay over
// the budget is not sent; the user gets "! 1 message skipped" instead, as
// when its queue is too full for one. Loopback is counted like any address.
#pragma once

#include <chrono>
#include <cstddef>

#include "net/address_buckets.h"
#include "socket_address.h"

namespace chat {

// 8 MiB a second per address, bursts of 8 MiB: 1,024 full replays at once,
// then 1,024 a second; over 10 s of churn at most 8.8 MiB/s (the issue's
// bound is 10 MiB/s).
inline constexpr std::size_t kDefaultReplayRate = 8 * 1024 * 1024;

class ReplayBudget {
 public:
  using Clock = AddressBuckets::Clock;

  // `bytes_per_second` 0: off. Bursts of one second's worth.
  explicit ReplayBudget(std::size_t bytes_per_second)
      : buckets_(RateLimit{static_cast<double>(bytes_per_second), static_cast<double>(bytes_per_second)}) {}

  // Whether a replay of `bytes` to a client at `peer` may be sent at
  // `now`; takes them from its address's budget if so.
  bool take(const PeerAddress& peer, std::size_t bytes, Clock::time_point now) {
    return buckets_.take(peer.host, static_cast<double>(bytes), now);
  }

 private:
  AddressBuckets buckets_;
};

}  // namespace chat
