// Moderation under abuse: a thousand bans in one burst, and a banned
// address that reconnects in a loop, while a moderator's round trips stay
// bounded and the server keeps admitting everyone else.
#include <catch2/catch.hpp>

#include <string>

#include "chat_fixtures.h"
#include "moderation_helpers.h"

using namespace chat::test;

TEST_CASE("a thousand bans: each one line, listed, and the chat still answers", "[moderation]") {
  StoreDir dir;
  ChatdProcess server({"--store", dir.db(), "--admin", "root", "--rate-limit", "0"});
  TestClient root = moderation_user(server.port(), "root", true);
  root.send_line("/join #busy");
  await_line(root, "> You are now in #busy (1 user here)");
  std::string burst;
  for (int i = 0; i < 1000; ++i) {
    burst += "/ban 10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + " 1h spam wave\n";
  }
  root.send_raw(burst);
  for (int i = 0; i < 1000; ++i) {
    const auto got = root.read_line(10s);
    REQUIRE(got);
    REQUIRE(got->starts_with("> root banned 10.0."));
  }
  root.send_line("/bans");
  const auto header = root.read_line();
  REQUIRE(header);
  CHECK(header->starts_with("> Bans in #busy (1000): "));
  // The list comes split within --max-line: its last line ends without ",".
  while (true) {
    const auto more = root.read_line();
    REQUIRE(more);
    if (!more->ends_with(",")) break;
  }
  TestClient other = moderation_user(server.port(), "other", false);
  other.send_line("/join #busy");
  await_line(other, "> You are now in #busy (2 users here)");
  root.send_line("/who");
  await_line(root, "> In #busy (2): @root, other");
  CHECK(server.wait_stdout("> root banned 10.0.3.250 from #busy for 1h (spam wave)\n"));
}

TEST_CASE("a banned address reconnecting in a loop is refused each time at accept", "[moderation]") {
  StoreDir dir;
  ChatdProcess server({"--store", dir.db(), "--admin", "root"});
  TestClient root = moderation_user(server.port(), "root", true);
  root.send_line("/ban 127.0.0.1 30m");  // root itself is an admin: not affected
  await_line(root, "> root banned 127.0.0.1 from #lobby for 30m");
  for (int i = 0; i < 200; ++i) {
    TestClient again(server.port());
    const auto line = again.read_line();
    REQUIRE(line);
    REQUIRE(*line == "! you are banned from this server");
    REQUIRE(again.wait_closed());
    if (i % 50 == 49) {  // the admin's round trip stays answered through the storm
      root.send_line("/who");
      await_line(root, "> Online (1): root");
    }
  }
  root.send_line("/unban 127.0.0.1");
  await_line(root, "> root unbanned 127.0.0.1 from #lobby");
  TestClient welcome(server.port());
  const auto greeting = welcome.read_line();
  REQUIRE(greeting);
  CHECK(greeting->starts_with("> Connected to the chat server (2 users online)"));
}
