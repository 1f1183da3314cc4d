// The redis-server harness itself (tests/support/redis_server.*): what the
// failure tests rely on must do what it says.
#include <csignal>

#include "cluster_fixture.h"

using namespace chat::test;

TEST_CASE("the redis-server harness starts, kills, restarts on its port, stops and continues",
          "[cluster][harness]") {
  RedisServer redis;
  const std::uint16_t port = redis.port();
  CHECK(redis.url() == "redis://127.0.0.1:" + std::to_string(port));
  CHECK(redis_query(port, {"PING"}) == "+PONG");
  CHECK(redis_query(port, {"SET", "k", "v"}) == "+OK");
  CHECK(redis_query(port, {"CONFIG", "GET", "save"}) == "*2");

  const pid_t first = redis.pid();
  redis.kill();
  CHECK_FALSE(redis.running());
  CHECK(::kill(first, 0) != 0);  // reaped, gone
  CHECK_FALSE(redis_query(port, {"PING"}, 200ms));

  redis.restart();
  CHECK(redis.port() == port);
  CHECK(redis_query(port, {"PING"}) == "+PONG");
  CHECK(redis_query(port, {"EXISTS", "k"}) == ":0");  // nothing was saved

  redis.pause();
  CHECK_FALSE(redis_query(port, {"PING"}, 300ms));  // connected, but nobody answers
  redis.resume();
  CHECK(redis.wait_ready());
}
