#include "results.h"

#include <catch2/catch.hpp>
#include <string>

using namespace flood;

TEST_CASE("the JSON line holds every documented key") {
  Results r;
  r.clients = 10;
  r.senders = 2;
  r.messages = 100;
  r.size = 64;
  r.protocol = "line";
  r.mode = "closed";
  r.sent = 200;
  r.expected = 1800;
  r.deliveries = 1800;
  r.seconds = 0.5;
  r.deliveries_per_s = 3600;
  r.first_notice = "quote\" and \\ and \x01";
  const std::string j = format_json(r);
  CHECK(j.front() == '{');
  CHECK(j.back() == '}');
  CHECK(j.find('\n') == std::string::npos);
  for (const char* key : {"clients", "senders", "messages", "size", "expected", "deliveries", "lost", "garbled",
                          "seconds", "deliveries_per_s", "p50_us", "p99_us", "p999_us", "max_us", "connect_s",
                          "server_cpu_s", "server_rss_kb"}) {
    INFO(key);
    CHECK(j.find("\"" + std::string(key) + "\":") != std::string::npos);
  }
  CHECK(j.find("\"deliveries\":1800,") != std::string::npos);
  CHECK(j.find("\"server_cpu_s\":null") != std::string::npos);
  CHECK(j.find("\"ok\":true") != std::string::npos);
}

TEST_CASE("anything lost, duplicated, garbled or late fails the run") {
  Results r;
  CHECK(r.ok());
  Results lost = r;
  lost.lost = 1;
  CHECK_FALSE(lost.ok());
  Results dup = r;
  dup.duplicates = 1;
  CHECK_FALSE(dup.ok());
  Results garbled = r;
  garbled.garbled = 1;
  CHECK_FALSE(garbled.ok());
  Results late = r;
  late.timed_out = true;
  CHECK_FALSE(late.ok());
  Results error = r;
  error.error = "cannot connect";
  CHECK_FALSE(error.ok());
  CHECK(format_json(error).find("\"error\":\"cannot connect\"") != std::string::npos);
  CHECK(format_table(error).find("FAILED: cannot connect") != std::string::npos);
}

TEST_CASE("a run the server rate-limited says so and how to turn the limit off") {
  Results r;
  r.notices = 5;
  r.first_notice = "! slow down: 12 messages dropped";
  r.stalled = true;
  const std::string t = format_table(r);
  CHECK(t.find("chatd's rate limit dropped lines") != std::string::npos);
  CHECK(t.find("start chatd with --rate-limit 0") != std::string::npos);
  Results other;
  other.notices = 1;
  other.first_notice = "! 3 messages skipped (reading too slowly)";
  CHECK(format_table(other).find("--rate-limit 0") == std::string::npos);
}
