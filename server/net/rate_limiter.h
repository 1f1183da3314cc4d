// --rate-limit: a token bucket per user. Lines over the rate are dropped,
// never delayed (a delay would stall the reactor or pile up memory), and
// the user is told how many once the burst is over: before the next line
// that passes, when the input pauses, or once a second while dropping goes
// on without a pause.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace chat {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // bucket size, >= 1

  bool operator==(const RateLimit&) const = default;
};

// On by default: no person typing or pasting a screenful reaches it (see
// docs/SECURITY.md), and it stops one client from making the server
// broadcast 50,000 lines in a second.
inline constexpr RateLimit kDefaultRateLimit{10, 50};

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
  // Takes `lines` more tokens for something a line that passed made the
  // server send (a history replay, by size); the bucket may go below zero,
  // and lines are dropped until it refills.
  void charge(double lines) noexcept {
    if (limit_.per_second > 0) tokens_ -= lines;
  }

  // A new limit (SIGHUP): the bucket keeps its tokens up to the new
  // burst, or starts full if there was no limit before.
  void set_limit(RateLimit limit) noexcept {
    tokens_ = limit_.per_second > 0 && tokens_ < limit.burst ? tokens_ : limit.burst;
    limit_ = limit;
  }

  // When unreported drops are due to be reported if no line comes first;
  // nullopt when there are none.
  [[nodiscard]] std::optional<Clock::time_point> report_due() const;
  // The drops to report now (0 if none are due yet); they count as reported.
  std::size_t take_due_report(Clock::time_point now);

  // A burst is over once no line has come for this long.
  static constexpr auto kQuietAfterBurst = std::chrono::milliseconds(200);
  static constexpr auto kNoticeEvery = std::chrono::seconds(1);

 private:
  std::size_t take_report();

  RateLimit limit_;
  double tokens_;
  Clock::time_point refilled_at_;
  std::size_t dropped_ = 0;  // not yet reported
  Clock::time_point first_drop_at_{};  // of those not yet reported
  Clock::time_point last_drop_at_{};
};

}  // namespace chat
