// Decides whether a newcomer is announced to the room at once ("> New user X
// entered") or only when it first sends a line. At human scale every join
// is announced at once, exactly as the classic server did; only a storm of
// joins (more than kBurst at once, or a sustained kPerSecond) defers them,
// so that thousands of connections that never say a word do not each cost a
// line to everyone present, twice. docs/PROTOCOL.md describes the effect.
#pragma once

#include <algorithm>
#include <chrono>

namespace chat {

class JoinGate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double kBurst = 50;
  static constexpr double kPerSecond = 10;

  // True if a join at `now` is announced at once (a token bucket).
  bool announce_now(Clock::time_point now) noexcept {
    if (last_ != Clock::time_point{}) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(kBurst, tokens_ + elapsed * kPerSecond);
    }
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double tokens_ = kBurst;
  Clock::time_point last_{};
};

}  // namespace chat
