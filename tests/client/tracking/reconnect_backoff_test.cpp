#include <catch2/catch.hpp>

#include <ctime>

#include "tracking/reconnect_backoff.h"
#include "tracking/timestamp.h"

using namespace std::chrono_literals;
using chat::client::reconnect_delay;

TEST_CASE("reconnect waits double each time, from 1 s up to 30 s", "[reconnect]") {
  CHECK(reconnect_delay(1) == 1s);
  CHECK(reconnect_delay(2) == 2s);
  CHECK(reconnect_delay(3) == 4s);
  CHECK(reconnect_delay(5) == 16s);
  CHECK(reconnect_delay(6) == 30s);
  CHECK(reconnect_delay(100) == 30s);
  CHECK(reconnect_delay(0) == 1s);
}

TEST_CASE("timestamps are local HH:MM and a space", "[timestamps]") {
  std::tm tm{};
  tm.tm_year = 2024 - 1900;
  tm.tm_mon = 0;
  tm.tm_mday = 2;
  tm.tm_hour = 9;
  tm.tm_min = 5;
  tm.tm_isdst = -1;
  CHECK(chat::client::timestamp_prefix(std::mktime(&tm)) == "09:05 ");
}
