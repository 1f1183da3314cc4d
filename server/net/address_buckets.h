// A token bucket per source address, for what one address may make chatd
// spend however many connections it opens: TLS handshakes
// (net/handshake_rate.h) and history replays (net/replay_budget.h).
// Loopback is counted like any address. Single-threaded: each engine keeps
// its own (the reactor's loop, the threads engine's accept thread or room
// lock).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "net/rate_limiter.h"

namespace chat {

class AddressBuckets {
 public:
  using Clock = std::chrono::steady_clock;

  // `limit.per_second` 0: off (take() always succeeds).
  explicit AddressBuckets(RateLimit limit) : limit_(limit) {}

  // Takes `amount` tokens from `host`'s bucket at `now` if it holds that
  // many (a new address starts with a full bucket); false, and nothing
  // taken, if not.
  bool take(const std::string& host, double amount, Clock::time_point now);

  // A new rate (SIGHUP): every address starts with a full bucket.
  void set_limit(RateLimit limit) {
    limit_ = limit;
    buckets_.clear();
  }

  // Addresses with a bucket that is not full (the others are forgotten
  // once there are more than kForgetAbove).
  [[nodiscard]] std::size_t tracked() const noexcept { return buckets_.size(); }
  static constexpr std::size_t kForgetAbove = 4096;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  [[nodiscard]] double refilled(const Bucket& b, Clock::time_point now) const;

  RateLimit limit_;
  std::unordered_map<std::string, Bucket> buckets_;  // by host
};

}  // namespace chat
