#include "histogram.h"

#include <bit>
#include <cmath>

namespace flood {

std::size_t Histogram::bucket_of(std::uint64_t value) noexcept {
  if (value < kSubCount) return static_cast<std::size_t>(value);
  const unsigned exponent = 63u - static_cast<unsigned>(std::countl_zero(value));  // >= kSubBits
  const unsigned shift = exponent - kSubBits;
  const std::uint64_t sub = (value >> shift) - kSubCount;  // 0..kSubCount-1
  return static_cast<std::size_t>(kSubCount + shift * kSubCount + sub);
}

std::uint64_t Histogram::bucket_low(std::size_t bucket) noexcept {
  if (bucket < kSubCount) return bucket;
  const std::size_t shift = (bucket - kSubCount) / kSubCount;
  const std::uint64_t sub = (bucket - kSubCount) % kSubCount;
  return (kSubCount + sub) << shift;
}

std::uint64_t Histogram::bucket_high(std::size_t bucket) noexcept {
  if (bucket < kSubCount) return bucket;
  const std::size_t shift = (bucket - kSubCount) / kSubCount;
  return bucket_low(bucket) + ((std::uint64_t{1} << shift) - 1);
}

void Histogram::record(std::uint64_t value) noexcept {
  ++counts_[bucket_of(value)];
  ++count_;
  if (value < min_) min_ = value;
  if (value > max_) max_ = value;
  sum_ += static_cast<long double>(value);
}

void Histogram::merge(const Histogram& other) noexcept {
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
  sum_ += other.sum_;
}

double Histogram::mean() const noexcept {
  return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t Histogram::quantile(double q) const noexcept {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  // Rank of the wanted value, 1-based: the ceil(q * n)-th smallest.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank < 1) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      const std::uint64_t high = bucket_high(b);
      return high < max_ ? high : max_;
    }
  }
  return max_;
}

}  // namespace flood
