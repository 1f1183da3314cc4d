// --tls-handshake-rate: a token bucket per source address for TLS
// handshakes, the one thing a client can make chatd spend real CPU on
// before it is anyone (about 0.5 ms each with X25519). --max-per-ip bounds
// the connections an address holds at once, not how fast it opens them:
// 16 connections handshaking in a loop kept chatd's only thread busy.
// A connection over the rate is closed before its handshake starts.
// Loopback is not exempt (unlike --max-per-ip): a TLS terminator or a
// tunnel is better limited at its own end; local load tests pass 0.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "net/rate_limiter.h"
#include "socket_address.h"

namespace chat {

// 200 handshakes a second per address, bursts of 200: at 0.5 ms each, a
// tenth of a core (docs/SECURITY.md has the measured figure).
inline constexpr RateLimit kDefaultHandshakeRate{200, 200};

class HandshakeRate {
 public:
  using Clock = std::chrono::steady_clock;

  explicit HandshakeRate(RateLimit limit) : limit_(limit) {}

  // Whether a TLS connection from `peer` may start its handshake at `now`;
  // takes a token if so.
  bool admit(const PeerAddress& peer, Clock::time_point now);

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
