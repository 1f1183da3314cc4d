// chatd --cluster, smoke test: one redis-server and two chatd nodes talking
// as users would, on every reactor engine. The full multi-node suite is
// tests/cluster; this one proves the server side works end to end.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "chat_fixtures.h"
#include "redis_server.h"

using namespace chat::test;

namespace {

// Reads until `expected`; lines before it may only be the echoes of an
// arrival that the node heard of late (see below).
void skip_until(TestClient& client, const std::string& expected) {
  for (int i = 0; i < 5; ++i) {
    const auto line = client.read_line();
    REQUIRE(line);
    if (*line == expected) return;
    CHECK((line->starts_with("> New user ") || line->ends_with(" is now known as alice")));
  }
  FAIL("never got: " << expected);
}

}  // namespace

TEST_CASE("cluster smoke: two nodes, one chat, a node killed") {
  if (engine_under_test() == "threads") {
    SUCCEED("--cluster needs a reactor engine (refused: tests/unit/app/options_test.cpp)");
    return;
  }
  if (!find_redis_server()) {
    // CI installs it and sets CHAT_REQUIRE_REDIS (as tests/cluster does).
    REQUIRE(std::getenv("CHAT_REQUIRE_REDIS") == nullptr);
    WARN("skipped: redis-server is not installed");
    return;
  }
  RedisServer redis;
  ChatdProcess a({"--cluster", redis.url(), "--node-name", "smoke-a", "--node-timeout", "2"});
  ChatdProcess b({"--cluster", redis.url(), "--node-name", "smoke-b", "--node-timeout", "2"});
  REQUIRE(a.wait_stdout("cluster: connected to redis 127.0.0.1:" + std::to_string(redis.port()) + " as node smoke-a"));
  REQUIRE(b.wait_stdout("as node smoke-b"));

  TestClient alice(a.port());
  alice.expect_line("> Connected to the chat server (1 user online)");
  alice.send_line("/nick alice");
  alice.expect_line("> You are now known as alice");

  // Node b may not have heard of alice yet when bob arrives (the mirror
  // follows Redis pub/sub, a moment behind): 1 or 2 users online, and
  // alice's arrival lines may still reach bob.
  TestClient bob(b.port());
  const auto welcome = bob.read_line();
  REQUIRE(welcome);
  CHECK((*welcome == "> Connected to the chat server (2 users online)" ||
         *welcome == "> Connected to the chat server (1 user online)"));
  const auto entered = alice.read_line();
  REQUIRE(entered);
  REQUIRE(entered->starts_with("> New user 127.0.0.1:"));
  const std::string bob_address = entered->substr(11, entered->find(" entered (") - 11);
  bob.send_line("/nick Alice");  // held on the other node
  skip_until(bob, "! nickname in use: Alice");
  bob.send_line("/nick bob");
  skip_until(bob, "> You are now known as bob");
  alice.expect_line("> " + bob_address + " is now known as bob");

  alice.send_line("hello bob");
  skip_until(bob, "[alice] hello bob");
  bob.send_line("/who");
  bob.expect_line("> Online (2): bob, alice");
  // Lines sent behind a /nick wait for its claim in Redis: they take effect
  // in the order sent, as on one chatd.
  bob.send_raw("/nick robert\nsigned robert\n/who\n");
  bob.expect_line("> You are now known as robert");
  bob.expect_line("> Online (2): robert, alice");
  alice.expect_line("> bob is now known as robert");
  alice.expect_line("[robert] signed robert");
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> robert is now known as bob");
  bob.send_line("/msg alice psst");
  bob.expect_line("[You -> alice] psst");
  alice.expect_line("[bob -> you] psst");

  // Garbage on the channel (Redis's inline protocol) is logged and ignored.
  TestClient raw(redis.port());
  raw.send_line("PUBLISH chat:events garbage");
  REQUIRE(a.wait_stderr("cluster: malformed event ignored (7 bytes"));
  alice.send_line("still here");
  skip_until(bob, "[alice] still here");

  // Node b dies without a word: a announces bob's leave within
  // --node-timeout plus a reap interval.
  b.signal(SIGKILL);
  REQUIRE(b.wait_exit(5s));
  alice.expect_line("< The user bob left (1 user online)", 6s);
  REQUIRE(a.wait_stdout("cluster: node smoke-b timed out: 1 user left"));
  alice.send_line("/who");
  alice.expect_line("> Online (1): alice");
}
