// A log nobody reads: chatd's stdout or stderr piped into something that has
// stopped reading. Logging must never block the loop: lines past a bounded
// buffer are dropped and counted, and everyone keeps being served.
#include <catch2/catch.hpp>

#include "chat_fixtures.h"

using namespace chat::test;

namespace {

// Connects, awaits the first line (the welcome or the refusal) and closes.
// Returns that line; nullopt if it did not come in time.
std::optional<std::string> visit(const ChatdProcess& server) {
  TestClient c(server.port());
  return c.read_line(2s);
}

}  // namespace

TEST_CASE("a stderr pipe nobody reads does not stop chatd", "[hostile][log]") {
  ChatdLaunch launch;
  launch.stuck_stderr = true;
  ChatdProcess server("127.0.0.1", 0, {"--max-clients", "1"}, launch);
  TestClient a = join(server, {});
  // Each refusal is a diagnostic: 1,500 of them are ~120 KB of stderr, far
  // more than the one-page pipe holds.
  for (int i = 0; i < 1500; ++i) {
    const auto line = visit(server);
    INFO("refused connection " << i);
    REQUIRE(line == "! server full");
  }
  expect_who(a, {a.address_name()});
}

TEST_CASE("a stdout pipe nobody reads does not stop chatd", "[hostile][log]") {
  ChatdLaunch launch;
  launch.stuck_stdout = true;
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  // Each visit logs a join and a leave: 1,000 of them are ~100 KB of stdout.
  for (int i = 0; i < 1000; ++i) {
    const auto line = visit(server);
    INFO("connection " << i);
    REQUIRE(line.has_value());
    REQUIRE(line->starts_with("> Connected to the chat server ("));  // the last visitor may not be gone yet
  }
  // Visitors may still be leaving: wait for this one's own reply.
  TestClient a(server.port());
  REQUIRE(a.read_line().has_value());  // the welcome
  a.send_line("/nick alice");
  std::optional<std::string> reply;
  while ((reply = a.read_line()) && reply->starts_with("< The user ")) {
  }
  CHECK(reply == "> You are now known as alice");
}
