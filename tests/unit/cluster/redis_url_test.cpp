// --cluster redis://HOST:PORT[/DB]: accepted and refused spellings.
#include <catch2/catch.hpp>

#include <string>

#include "cluster/redis_url.h"

using chat::parse_redis_url;
using chat::RedisUrl;

namespace {

RedisUrl ok(std::string_view text) {
  auto parsed = parse_redis_url(text);
  INFO(text);
  REQUIRE(std::holds_alternative<RedisUrl>(parsed));
  return std::get<RedisUrl>(parsed);
}

std::string bad(std::string_view text) {
  auto parsed = parse_redis_url(text);
  INFO(text);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

}  // namespace

TEST_CASE("redis URLs: host, port and database") {
  CHECK(ok("redis://127.0.0.1:6379") == RedisUrl{"127.0.0.1", 6379, 0});
  CHECK(ok("redis://localhost:6380/2") == RedisUrl{"localhost", 6380, 2});
  CHECK(ok("redis://redis-1.example.org:1/15") == RedisUrl{"redis-1.example.org", 1, 15});
  CHECK(ok("redis://[::1]:7000") == RedisUrl{"::1", 7000, 0});
}

TEST_CASE("redis URLs: anything else is refused with what is wrong") {
  CHECK(bad("127.0.0.1:6379") == "no redis:// scheme");
  CHECK(bad("rediss://h:1") == "no redis:// scheme");
  CHECK(bad("redis://") == "missing HOST");
  CHECK(bad("redis://:6379") == "missing HOST");
  CHECK(bad("redis://host") == "missing :PORT");
  CHECK(bad("redis://host:") == "PORT must be a number from 1 to 65535");
  CHECK(bad("redis://host:0") == "PORT must be a number from 1 to 65535");
  CHECK(bad("redis://host:65536") == "PORT must be a number from 1 to 65535");
  CHECK(bad("redis://host:+1") == "PORT must be a number from 1 to 65535");
  CHECK(bad("redis://host:6379/") == "DB must be a number from 0 to 15");
  CHECK(bad("redis://host:6379/16") == "DB must be a number from 0 to 15");
  CHECK(bad("redis://host:6379/1/2") == "DB must be a number from 0 to 15");
  CHECK(bad("redis://host:6379?x=1") == "PORT must be a number from 1 to 65535");
  CHECK(bad("redis://user:pw@host:6379") == "PORT must be a number from 1 to 65535");
  CHECK(bad("redis://us er:1") == "unexpected character in HOST (user:password@ is not supported)");
  CHECK(bad("redis://[::1:1") == "unclosed '[' in the host");
  CHECK(bad("redis://[]:1") == "expected an IPv6 address inside [ ]");
  CHECK(bad("redis://[::1]") == "missing :PORT");
}
