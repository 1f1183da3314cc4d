#include "rate_limiter.h"

#include <algorithm>

namespace chat {

RateLimiter::Decision RateLimiter::on_line(Clock::time_point now) {
  if (limit_.per_second <= 0) return {true, 0};

  const std::chrono::duration<double> elapsed = now - refilled_at_;
  tokens_ = std::min(limit_.burst, tokens_ + elapsed.count() * limit_.per_second);
  refilled_at_ = now;

  const bool pass = tokens_ >= 1.0;
  if (pass) {
    tokens_ -= 1.0;
  } else {
    ++dropped_;
  }
  // Tell the user about drops at once the first time, then at most once a
  // second while dropping continues, and always before the next line that
  // passes, so every drop is reported and notices cannot become a flood.
  const bool due = dropped_ > 0 && (pass || !reported_ever_ || now - reported_at_ >= kNoticeEvery);
  if (!due) return {pass, 0};
  const std::size_t report = dropped_;
  dropped_ = 0;
  reported_at_ = now;
  reported_ever_ = true;
  return {pass, report};
}

}  // namespace chat
