// chatd --cluster, smoke test: one redis-server and two chatd nodes talking
// as users would, on every reactor engine. The full multi-node suite is
// tests/cluster; this one proves the server side works end to end.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "chat_fixtures.h"
#include "process_util.h"

using namespace chat::test;

namespace {

// A free loopback port: bound, read and closed (another process could
// take it in between; the redis start would then fail loudly).
std::uint16_t free_port() {
  const chat::UniqueFd s(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
  return ntohs(a.sin_port);
}

// redis-server as Debian ships it, stopped by PID.
struct Redis {
  std::uint16_t port = free_port();
  pid_t pid = -1;
  Redis() {
    const std::string binary = "/usr/bin/redis-server";
    if (!std::filesystem::exists(binary)) return;
    const chat::UniqueFd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    pid = spawn_process(binary,
                        {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "''", "--appendonly",
                         "no", "--dir", std::filesystem::temp_directory_path().string()},
                        -1, null.get(), null.get());
    // Ready once it accepts a connection (bounded).
    for (int i = 0; i < 200; ++i) {
      try {
        TestClient probe(port);
        return;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    FAIL("redis-server did not start on port " << port);
  }
  ~Redis() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;
  [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port); }
};

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
    SUCCEED("--cluster needs a reactor engine (refused: tests/unit/options_test.cpp)");
    return;
  }
  Redis redis;
  if (redis.pid <= 0) {
    WARN("skipped: /usr/bin/redis-server is not installed");
    return;
  }
  ChatdProcess a({"--cluster", redis.url(), "--node-name", "smoke-a", "--node-timeout", "2"});
  ChatdProcess b({"--cluster", redis.url(), "--node-name", "smoke-b", "--node-timeout", "2"});
  REQUIRE(a.wait_stdout("cluster: connected to redis 127.0.0.1:" + std::to_string(redis.port) + " as node smoke-a"));
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
  bob.send_line("/msg alice psst");
  bob.expect_line("[You -> alice] psst");
  alice.expect_line("[bob -> you] psst");

  // Garbage on the channel (Redis's inline protocol) is logged and ignored.
  TestClient raw(redis.port);
  raw.send_line("PUBLISH chat:events garbage");
  REQUIRE(a.wait_stderr("cluster: malformed event ignored (7 bytes"));
  alice.send_line("still here");
  skip_until(bob, "[alice] still here");

  // Node b dies without a word: a announces bob's leave within
  // --node-timeout plus a reap interval.
  b.signal(SIGKILL);
  REQUIRE(b.wait_exit(5s));
  alice.expect_line("< The user bob left (1 user online)", 6s);
  REQUIRE(a.wait_stdout("cluster: node smoke-b timed out: 1 users left"));
  alice.send_line("/who");
  alice.expect_line("> Online (1): alice");
}
