// --rate-limit: a token bucket per user. Lines over the rate are dropped,
// never delayed (a delay would stall the reactor or pile up memory), and
// the user is told how many, at most once a second.
#pragma once

#include <chrono>
#include <cstddef>

namespace chat {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // bucket size, >= 1

  bool operator==(const RateLimit&) const = default;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(RateLimit limit, Clock::time_point now)
      : limit_(limit), tokens_(limit.burst), refilled_at_(now) {}

  struct Decision {
    bool pass;                   // handle the line, or drop it
    std::size_t report_dropped;  // > 0: first send "! slow down: N messages dropped"
  };

  // Called for each line the user sends.
  Decision on_line(Clock::time_point now);

 private:
  static constexpr auto kNoticeEvery = std::chrono::seconds(1);

  RateLimit limit_;
  double tokens_;
  Clock::time_point refilled_at_;
  std::size_t dropped_ = 0;  // not yet reported
  Clock::time_point reported_at_{};
  bool reported_ever_ = false;
};

}  // namespace chat
