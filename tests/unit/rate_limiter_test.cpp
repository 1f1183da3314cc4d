#include <catch2/catch.hpp>

#include "rate_limiter.h"

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

TEST_CASE("a burst passes, then lines are dropped and the first drop is reported at once") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({1, 3}, t);
  for (int i = 0; i < 3; ++i) CHECK(r.on_line(t).pass);
  auto d = r.on_line(t);
  CHECK_FALSE(d.pass);
  CHECK(d.report_dropped == 1);
  // Further drops within the second are counted, not reported one by one.
  for (int i = 0; i < 5; ++i) {
    d = r.on_line(t + 100ms);
    CHECK_FALSE(d.pass);
    CHECK(d.report_dropped == 0);
  }
  // A second later: one token is back; the line passes and the five
  // unreported drops are reported before it.
  d = r.on_line(t + 1100ms);
  CHECK(d.pass);
  CHECK(d.report_dropped == 5);
}

TEST_CASE("while dropping continues, a report comes at most once a second") {
  const auto t = RateLimiter::Clock::now();
  RateLimiter r({0.1, 1}, t);  // one line per ten seconds
  CHECK(r.on_line(t).pass);
  std::size_t reported = 0;
  int reports = 0;
  for (int ms = 0; ms < 3000; ms += 10) {
    const auto d = r.on_line(t + std::chrono::milliseconds(ms));
    CHECK_FALSE(d.pass);
    if (d.report_dropped > 0) ++reports;
    reported += d.report_dropped;
  }
  CHECK(reports == 3);  // at 0 ms, 1000 ms, 2000 ms
  CHECK(reported <= 300);
  CHECK(reported >= 200);
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
