// A log-linear latency histogram in the spirit of HdrHistogram: fixed
// memory, O(1) record with no allocation, values exact below 128 and within
// 1/128 (< 0.8 %) above.
#pragma once

#include <array>
#include <cstdint>

namespace flood {

class Histogram {
 public:
  static constexpr unsigned kSubBits = 7;
  static constexpr std::uint64_t kSubCount = 1u << kSubBits;  // buckets per power of two
  static constexpr std::size_t kBuckets = kSubCount + (64 - kSubBits) * kSubCount;

  void record(std::uint64_t value) noexcept;
  // Adds everything `other` recorded (flood --threads: one histogram per thread).
  void merge(const Histogram& other) noexcept;

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
  [[nodiscard]] double mean() const noexcept;
  // The smallest bucket value v such that at least q (0..1] of the recorded
  // values are <= v's bucket; reported as that bucket's highest value,
  // clamped to the exact max. 0 when empty.
  [[nodiscard]] std::uint64_t quantile(double q) const noexcept;

  // Exposed for tests: which bucket a value falls in, and that bucket's range.
  static std::size_t bucket_of(std::uint64_t value) noexcept;
  static std::uint64_t bucket_low(std::size_t bucket) noexcept;
  static std::uint64_t bucket_high(std::size_t bucket) noexcept;

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace flood
