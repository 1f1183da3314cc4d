#include "proc_stats.h"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace flood;

TEST_CASE("CPU seconds from /proc/PID/stat, even with odd command names") {
  // utime = 250 ticks, stime = 50 ticks (fields 14 and 15).
  const char* stat =
      "4242 (chat d) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 123 4096 10 "
      "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  REQUIRE(parse_stat_cpu_seconds(stat, 100));
  CHECK(*parse_stat_cpu_seconds(stat, 100) == Approx(3.0));
  CHECK_FALSE(parse_stat_cpu_seconds("garbage", 100));
  CHECK_FALSE(parse_stat_cpu_seconds("1 (x) S 1 2", 100));
}

TEST_CASE("kB fields from /proc/PID/status") {
  const char* status = "Name:\tchatd\nVmPeak:\t  20000 kB\nVmHWM:\t    5120 kB\nVmRSS:\t    4096 kB\n";
  CHECK(parse_status_kb(status, "VmHWM") == 5120);
  CHECK(parse_status_kb(status, "VmRSS") == 4096);
  CHECK_FALSE(parse_status_kb(status, "VmSwap"));
  CHECK_FALSE(parse_status_kb(status, "Vm"));
}

TEST_CASE("reading this very process works") {
  CHECK(read_cpu_seconds(::getpid()).has_value());
  const auto hwm = read_status_kb(::getpid(), "VmHWM");
  REQUIRE(hwm);
  CHECK(*hwm > 0);
  CHECK_FALSE(read_cpu_seconds(0x7ffffff0));
}
