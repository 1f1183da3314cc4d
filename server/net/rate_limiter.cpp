#include "net/rate_limiter.h"

#include <algorithm>
#include <utility>

namespace chat {

RateLimiter::Decision RateLimiter::on_line(Clock::time_point now) {
  if (limit_.per_second <= 0) return {true, 0};

  const std::chrono::duration<double> elapsed = now - refilled_at_;
  tokens_ = std::min(limit_.burst, tokens_ + elapsed.count() * limit_.per_second);
  refilled_at_ = now;

  const bool pass = tokens_ >= 1.0;
  if (pass) {
    tokens_ -= 1.0;
    // Drops are reported before the next line that passes, so the user
    // sees them in order.
    return {true, take_report()};
  }
  if (dropped_++ == 0) first_drop_at_ = now;
  last_drop_at_ = now;
  // A flood that never pauses is told once a second, not once per line.
  return {false, now - first_drop_at_ >= kNoticeEvery ? take_report() : 0};
}

std::optional<RateLimiter::Clock::time_point> RateLimiter::report_due() const {
  if (dropped_ == 0) return std::nullopt;
  return std::min(last_drop_at_ + kQuietAfterBurst, first_drop_at_ + kNoticeEvery);
}

std::size_t RateLimiter::take_due_report(Clock::time_point now) {
  const auto due = report_due();
  return due && now >= *due ? take_report() : 0;
}

std::size_t RateLimiter::take_report() { return std::exchange(dropped_, 0); }

}  // namespace chat
