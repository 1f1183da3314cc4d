// --tls-handshake-rate: a token bucket per source address (issue 18, item 2).
#include <catch2/catch.hpp>

#include <string>

#include "net/handshake_rate.h"

using chat::HandshakeRate;
using chat::PeerAddress;
using namespace std::chrono_literals;

namespace {
PeerAddress from(const std::string& host, bool loopback = false) { return PeerAddress{host, 1234, false, loopback}; }
}  // namespace

TEST_CASE("handshake rate: a burst per address, then the rate, and other addresses are not charged") {
  HandshakeRate rate({10, 5});
  const auto t0 = HandshakeRate::Clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) CHECK(rate.admit(from("10.0.0.1"), t0));
  CHECK_FALSE(rate.admit(from("10.0.0.1"), t0));
  CHECK(rate.admit(from("10.0.0.2"), t0));  // its own bucket
  CHECK_FALSE(rate.admit(from("10.0.0.1"), t0 + 50ms));
  CHECK(rate.admit(from("10.0.0.1"), t0 + 100ms));  // one token a tenth of a second
  CHECK_FALSE(rate.admit(from("10.0.0.1"), t0 + 100ms));
  // Loopback is counted like any address.
  for (int i = 0; i < 5; ++i) CHECK(rate.admit(from("127.0.0.1", true), t0));
  CHECK_FALSE(rate.admit(from("127.0.0.1", true), t0));
}

TEST_CASE("handshake rate: 0 is off, and full buckets are forgotten past kForgetAbove addresses") {
  HandshakeRate off({0, 0});
  const auto t0 = HandshakeRate::Clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) CHECK(off.admit(from("10.0.0.1"), t0));
  CHECK(off.tracked() == 0);

  HandshakeRate rate({10, 5});
  for (std::size_t i = 0; i <= HandshakeRate::kForgetAbove; ++i) {
    CHECK(rate.admit(from("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256)), t0));
  }
  CHECK(rate.tracked() == HandshakeRate::kForgetAbove + 1);
  CHECK(rate.admit(from("10.9.9.9"), t0 + 1s));  // a second later every bucket is full again
  CHECK(rate.tracked() == 1);
}
