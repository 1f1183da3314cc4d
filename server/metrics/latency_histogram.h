// A Prometheus histogram of durations with chatd's one set of buckets
// (100 us to 10 s): the loop's iteration time, TLS handshakes, store
// commits. Plain integers: the owner's thread writes it, and whoever reads
// it for a scrape either is that thread or copies it under the owner's lock.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace chat {

class LatencyHistogram {
 public:
  // Upper bounds in nanoseconds, as the exposition's le="..." in seconds.
  static constexpr std::array<std::int64_t, 16> kBoundsNs = {
      100'000,     250'000,     500'000,       1'000'000,     2'500'000,     5'000'000,
      10'000'000,  25'000'000,  50'000'000,    100'000'000,   250'000'000,   500'000'000,
      1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

  void observe(std::chrono::nanoseconds d) noexcept {
    const std::int64_t ns = d.count() < 0 ? 0 : d.count();
    std::size_t i = 0;
    while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;  // most land in the first bucket
    ++counts_[i];
    sum_ns_ += ns;
  }

  // Observations in bucket i alone (not cumulative); i == kBoundsNs.size()
  // is the overflow past the last bound.
  [[nodiscard]] std::uint64_t bucket(std::size_t i) const noexcept { return counts_[i]; }
  [[nodiscard]] std::uint64_t count() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t c : counts_) n += c;
    return n;
  }
  [[nodiscard]] double sum_seconds() const noexcept { return static_cast<double>(sum_ns_) / 1e9; }

 private:
  std::array<std::uint64_t, kBoundsNs.size() + 1> counts_{};
  std::int64_t sum_ns_ = 0;
};

}  // namespace chat
