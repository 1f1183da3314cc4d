#include "net/address_buckets.h"

#include <algorithm>
#include <iterator>

namespace chat {

double AddressBuckets::refilled(const Bucket& b, Clock::time_point now) const {
  const std::chrono::duration<double> elapsed = now - b.at;
  return std::min(limit_.burst, b.tokens + std::max(0.0, elapsed.count()) * limit_.per_second);
}

bool AddressBuckets::take(const std::string& host, double amount, Clock::time_point now) {
  if (limit_.per_second <= 0) return true;
  if (buckets_.size() > kForgetAbove) {  // a full bucket is the same as none
    std::erase_if(buckets_, [&](const auto& entry) { return refilled(entry.second, now) >= limit_.burst; });
  }
  auto [it, created] = buckets_.try_emplace(host, Bucket{limit_.burst, now});
  Bucket& b = it->second;
  b.tokens = refilled(b, now);
  b.at = now;
  if (b.tokens < amount) return false;
  b.tokens -= amount;
  return true;
}

}  // namespace chat
