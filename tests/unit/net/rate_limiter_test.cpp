#include <catch2/catch.hpp>

#include "net/rate_limiter.h"

using chat::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("no limit passes everything") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({0, 0}, t);
  for (int i = 0; i < 1000; ++i) {
    const auto d = r.on_line(t);
    CHECK(d.pass);
    CHECK(d.report_dropped == 0);
  }
}

TEST_CASE("a burst passes, then lines are dropped and counted until the burst ends") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({1, 3}, t);
  for (int i = 0; i < 3; ++i) CHECK(r.on_line(t).pass);
  CHECK_FALSE(r.report_due().has_value());
  auto d = r.on_line(t);
  CHECK_FALSE(d.pass);
  CHECK(d.report_dropped == 0);  // counted, not reported one by one
  for (int i = 0; i < 5; ++i) {
    d = r.on_line(t + 100ms);
    CHECK_FALSE(d.pass);
    CHECK(d.report_dropped == 0);
  }
  // A second later: one token is back; the line passes and the six
  // unreported drops are reported before it.
  d = r.on_line(t + 1100ms);
  CHECK(d.pass);
  CHECK(d.report_dropped == 6);
  CHECK_FALSE(r.report_due().has_value());
}

TEST_CASE("drops are due for a report once the input pauses, without waiting for another line") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({1, 2}, t);
  CHECK(r.on_line(t).pass);
  CHECK(r.on_line(t).pass);
  for (int i = 0; i < 15; ++i) CHECK_FALSE(r.on_line(t + 10ms).pass);
  REQUIRE(r.report_due().has_value());
  CHECK(*r.report_due() == t + 10ms + RateLimiter::kQuietAfterBurst);
  CHECK(r.take_due_report(t + 100ms) == 0);  // the burst may not be over yet
  CHECK(r.take_due_report(t + 10ms + RateLimiter::kQuietAfterBurst) == 15);
  CHECK_FALSE(r.report_due().has_value());
  CHECK(r.take_due_report(t + 5s) == 0);  // reported once
}

TEST_CASE("while dropping continues, a report comes at most once a second") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({0.1, 1}, t);  // one line per ten seconds
  CHECK(r.on_line(t).pass);
  std::size_t reported = 0;
  int reports = 0;
  for (int ms = 0; ms < 3000; ms += 10) {
    const auto now = t + std::chrono::milliseconds(ms);
    const auto d = r.on_line(now);
    CHECK_FALSE(d.pass);
    if (d.report_dropped > 0) ++reports;
    reported += d.report_dropped;
    CHECK(r.take_due_report(now) == 0);  // no pause, so only the once-a-second rule
  }
  CHECK(reports == 2);  // at 1000 ms and 2010 ms
  CHECK(reported >= 150);
  reported += r.take_due_report(t + 4s);  // the rest once the flood stops
  CHECK(reported == 300);
}

TEST_CASE("the bucket refills at the rate, up to the burst") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({10, 2}, t);
  CHECK(r.on_line(t).pass);
  CHECK(r.on_line(t).pass);
  CHECK_FALSE(r.on_line(t).pass);
  CHECK(r.on_line(t + 100ms).pass);  // 0.1 s at 10/s: one token
  // A long pause fills the bucket to its burst of 2, not more.
  CHECK(r.on_line(t + 10s).pass);
  CHECK(r.on_line(t + 10s).pass);
  CHECK_FALSE(r.on_line(t + 10s).pass);
}
