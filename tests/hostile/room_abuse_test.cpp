// Rooms under abuse: look-alike names, thousands of distinct /join names
// from one client, more rooms than --max-rooms from many, and /join storms
// next to a conversation that must lose nothing.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "chat_fixtures.h"

using namespace chat::test;

TEST_CASE("10,000 /join of distinct names: each answered, only the last room remains",
          "[hostile][rooms]") {
  ChatdProcess server({"--rate-limit", "0", "--quiet"});
  TestClient stays = join(server, {});
  TestClient hopper = join(server, {&stays});
  constexpr int kJoins = 10'000;
  std::string burst;
  for (int i = 0; i < kJoins; ++i) burst += "/join #r" + std::to_string(i) + "\n";
  hopper.send_raw(burst);
  for (int i = 0; i < kJoins; ++i) {
    hopper.expect_line("> You are now in #r" + std::to_string(i) + " (1 user here)");
  }
  stays.expect_line("< " + hopper.address_name() + " left for #r0 (1 user here)");
  stays.send_line("/rooms");
  stays.expect_line("> Rooms (2): #lobby (1), #r9999 (1)");  // every emptied room is gone
}

TEST_CASE("more rooms than --max-rooms: the excess gets a clear line, nobody is moved",
          "[hostile][rooms]") {
  ChatdProcess server({"--max-rooms", "5", "--rate-limit", "0"});
  std::vector<TestClient> users;
  for (int i = 0; i < 8; ++i) {
    users.emplace_back(server.port());
    users.back().expect_line("> Connected to the chat server (" + std::to_string(i + 1) +
                             (i == 0 ? " user online)" : " users online)"));
  }
  // #lobby is one of the five, so four more fit.
  for (int i = 0; i < 8; ++i) users[i].send_line("/join #room" + std::to_string(i));
  int moved = 0, refused = 0;
  for (auto& u : users) {
    for (;;) {  // skip the join and leave notices of the others
      const auto line = u.read_line();
      REQUIRE(line);
      if (line->starts_with("> You are now in #room")) {
        ++moved;
        break;
      }
      if (*line == "! too many rooms") {
        ++refused;
        break;
      }
      REQUIRE((line->starts_with("> New user") || line->find(" left for #room") != std::string::npos));
    }
  }
  CHECK(moved == 4);
  CHECK(refused == 4);
}

TEST_CASE("/join storms do not cost a conversation in another room a line", "[hostile][rooms]") {
  ChatdProcess server({"--rate-limit", "0", "--quiet"});
  TestClient talker = join(server, {});
  TestClient listener = join(server, {&talker});
  talker.send_line("/join #quiet");
  talker.expect_line("> You are now in #quiet (1 user here)");
  listener.expect_line("< " + talker.address_name() + " left for #quiet (1 user here)");
  listener.send_line("/join #quiet");
  listener.expect_line("> You are now in #quiet (2 users here)");
  talker.expect_line("> " + listener.address_name() + " joined #quiet (2 users here)");

  constexpr int kHoppers = 6, kHops = 300, kLines = 200;
  std::vector<std::thread> hoppers;
  for (int h = 0; h < kHoppers; ++h) {
    hoppers.emplace_back([&server] {
      TestClient hopper(server.port());
      std::string burst;
      for (int i = 0; i < kHops; ++i) burst += (i % 2 == 0 ? "/join #a\n" : "/join #b\n");
      hopper.send_raw(burst);
      hopper.shutdown_write();
      hopper.wait_closed(20s);
    });
  }
  for (int i = 0; i < kLines; ++i) talker.send_line("line " + std::to_string(i));
  for (int i = 0; i < kLines; ++i) listener.expect_line("[" + talker.address_name() + "] line " + std::to_string(i));
  for (auto& t : hoppers) t.join();
  listener.send_line("/who");
  listener.expect_line("> In #quiet (2): " + talker.address_name() + ", " + listener.address_name());
}

TEST_CASE("look-alike room names (Cyrillic, full-width, long s) enter the existing room", "[hostile][rooms]") {
  ChatdProcess server({"--quiet"});
  TestClient owner = join(server, {});
  TestClient spoofer = join(server, {&owner});
  owner.send_line("/join #release");
  owner.expect_line("> You are now in #release (1 user here)");
  spoofer.expect_line("< " + owner.address_name() + " left for #release (1 user here)");
  for (const std::string lookalike : {"#r\xD0\xB5lease", "#\xEF\xBD\x92\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x85"
                                                        "\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x85",
                                      "#relea\xC5\xBF" "e"}) {
    spoofer.send_line("/join " + lookalike);
    spoofer.expect_line("> You are now in #release (2 users here)");  // before: a room beside #release
    owner.expect_line("> " + spoofer.address_name() + " joined #release (2 users here)");
    spoofer.send_line("/join #lobby");
    spoofer.expect_line("> You are now in #lobby (1 user here)");
    owner.expect_line("< " + spoofer.address_name() + " left for #lobby (1 user here)");
  }
  spoofer.send_line("/rooms");
  spoofer.expect_line("> Rooms (2): #lobby (1), #release (1)");
}
