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

#include "net/address_buckets.h"
#include "net/rate_limiter.h"
#include "socket_address.h"

namespace chat {

// 200 handshakes a second per address, bursts of 200: at 0.5 ms each, a
// tenth of a core (docs/SECURITY.md has the measured figure).
inline constexpr RateLimit kDefaultHandshakeRate{200, 200};

class HandshakeRate {
 public:
  using Clock = AddressBuckets::Clock;

  explicit HandshakeRate(RateLimit limit) : buckets_(limit) {}

  // Whether a TLS connection from `peer` may start its handshake at `now`;
  // takes a token if so.
  bool admit(const PeerAddress& peer, Clock::time_point now) { return buckets_.take(peer.host, 1.0, now); }

  // A new rate (SIGHUP): every address starts with a full bucket.
  void set_limit(RateLimit limit) { buckets_.set_limit(limit); }

  [[nodiscard]] std::size_t tracked() const noexcept { return buckets_.tracked(); }
  static constexpr std::size_t kForgetAbove = AddressBuckets::kForgetAbove;

 private:
  AddressBuckets buckets_;
};

}  // namespace chat
