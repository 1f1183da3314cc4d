#include "histogram.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>
#include <algorithm>

using flood::Histogram;

TEST_CASE("small values are exact") {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  CHECK(h.count() == 100);
  CHECK(h.min() == 1);
  CHECK(h.max() == 100);
  CHECK(h.quantile(0.5) == 50);
  CHECK(h.quantile(0.99) == 99);
  CHECK(h.quantile(1.0) == 100);
  CHECK(h.mean() == Approx(50.5));
}

TEST_CASE("an empty histogram reports zeros") {
  Histogram h;
  CHECK(h.quantile(0.5) == 0);
  CHECK(h.max() == 0);
  CHECK(h.min() == 0);
  CHECK(h.mean() == 0);
}

TEST_CASE("buckets tile the whole range without gaps") {
  for (std::size_t b = 0; b + 1 < Histogram::kBuckets; ++b) {
    REQUIRE(Histogram::bucket_high(b) + 1 == Histogram::bucket_low(b + 1));
    REQUIRE(Histogram::bucket_of(Histogram::bucket_low(b)) == b);
    REQUIRE(Histogram::bucket_of(Histogram::bucket_high(b)) == b);
  }
  CHECK(Histogram::bucket_of(UINT64_MAX) == Histogram::kBuckets - 1);
}

TEST_CASE("relative error stays below 1/128") {
  for (std::uint64_t v : {128ull, 1000ull, 123456ull, 987654321ull, 1ull << 40, (1ull << 62) + 12345}) {
    const auto b = Histogram::bucket_of(v);
    const double width = static_cast<double>(Histogram::bucket_high(b) - Histogram::bucket_low(b) + 1);
    CHECK(width / static_cast<double>(v) <= 1.0 / 128);
  }
}

TEST_CASE("quantiles match a sorted sample within the bucket error") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(10.0, 1.5);  // ns, long-tailed like real latency
  std::vector<std::uint64_t> values;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (const double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto exact = values[static_cast<std::size_t>(std::ceil(q * values.size())) - 1];
    const auto got = h.quantile(q);
    INFO("q=" << q << " exact=" << exact << " got=" << got);
    CHECK(got >= exact);
    CHECK(static_cast<double>(got) <= static_cast<double>(exact) * (1 + 1.0 / 128) + 1);
  }
  CHECK(h.quantile(1.0) == values.back());
}

TEST_CASE("merging two histograms equals recording everything in one") {
  Histogram a, b, all;
  for (std::uint64_t v = 1; v < 5000; v += 7) {
    (v % 3 ? a : b).record(v * 1000);
    all.record(v * 1000);
  }
  Histogram empty;
  a.merge(b);
  a.merge(empty);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.mean() == Approx(all.mean()));
  for (const double q : {0.0001, 0.5, 0.9, 0.99, 1.0}) CHECK(a.quantile(q) == all.quantile(q));
  Histogram e;
  e.merge(all);
  CHECK(e.min() == all.min());
}
