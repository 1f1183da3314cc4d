// Rooms and recent history over TCP: /join, /rooms, /who in a room, what
// stays inside a room, and the history replay on connecting and joining.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "chat_fixtures.h"

using namespace chat::test;

namespace {

// "HH:MM " of now and of a minute later, in UTC or after `offset_hours`:
// a history line stamped while the test ran carries one of the two.
std::pair<std::string, std::string> clock_prefixes(int offset_hours = 0) {
  auto at = [&](std::time_t t) {
    t += static_cast<std::time_t>(offset_hours) * 3600;
    std::tm parts{};
    ::gmtime_r(&t, &parts);
    char buf[8];
    std::strftime(buf, sizeof buf, "%H:%M ", &parts);
    return std::string(buf);
  };
  const std::time_t now = std::time(nullptr);
  return {at(now), at(now + 60)};
}

void expect_history_line(TestClient& client, const std::string& line, int offset_hours = 0) {
  const auto [before, after] = clock_prefixes(offset_hours);
  const auto got = client.read_line();
  REQUIRE(got);
  INFO("history line \"" << *got << "\"");
  CHECK((*got == before + line || *got == after + line));
}

}  // namespace

TEST_CASE("/join moves a user between rooms and each side sees its line", "[rooms][join]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  TestClient carol = join(server, {&alice, &bob});
  alice.send_line("/nick alice");
  alice.expect_line("> You are now known as alice");
  bob.expect_line("> " + alice.address_name() + " is now known as alice");
  carol.expect_line("> " + alice.address_name() + " is now known as alice");

  alice.send_line("/join #random");
  alice.expect_line("> You are now in #random (1 user here)");
  bob.expect_line("< alice left for #random (2 users here)");
  carol.expect_line("< alice left for #random (2 users here)");

  bob.send_line("/join #RANDOM");  // the same room: names are unique ignoring ASCII case
  bob.expect_line("> You are now in #random (2 users here)");
  alice.expect_line("> " + bob.address_name() + " joined #random (2 users here)");
  carol.expect_line("< " + bob.address_name() + " left for #random (1 user here)");

  // Text and /me stay in the room; /msg reaches any room.
  alice.send_line("only #random hears this");
  bob.expect_line("[alice] only #random hears this");
  alice.send_line("/me waves");
  bob.expect_line("* alice waves");
  carol.send_line("/msg alice from the lobby");
  alice.expect_line("[" + carol.address_name() + " -> you] from the lobby");
  carol.expect_line("[You -> alice] from the lobby");

  bob.send_line("/who");
  bob.expect_line("> In #random (2): alice, " + bob.address_name());
  carol.send_line("/who");
  carol.expect_line("> In #lobby (1): " + carol.address_name());  // heard nothing from #random
  carol.send_line("/who *");
  carol.expect_line("> Online (3): alice, " + bob.address_name() + ", " + carol.address_name());
  carol.send_line("/rooms");
  carol.expect_line("> Rooms (2): #random (2), #lobby (1)");

  // Leaving and nick changes are announced in the room only; the leave
  // line still counts the whole server.
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> " + bob.address_name() + " is now known as bob");
  bob.shutdown_write();
  alice.expect_line("< The user bob left (2 users online)");
  REQUIRE(bob.wait_closed());
  carol.send_line("/who *");
  carol.expect_line("> Online (2): alice, " + carol.address_name());
  // Once everyone is back in the default room, /who is the classic reply.
  alice.send_line("/join #lobby");
  alice.expect_line("> You are now in #lobby (2 users here)");
  carol.expect_line("> alice joined #lobby (2 users here)");
  expect_who(carol, {"alice", carol.address_name()});
  carol.send_line("/rooms");
  carol.expect_line("> Rooms (1): #lobby (2)");  // #random died with its last member
}

TEST_CASE("/join answers bad input with a clear line and moves nobody", "[rooms][join]") {
  ChatdProcess server({"--max-rooms", "3"});
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("/join");
  a.expect_line("! usage: /join #ROOM");
  // ("random" without "#" is #random since IRC's habit came: newcomer_test.cpp.)
  const std::vector<std::string> bad_names = {"#ran/dom", "#",    "#a b", "#a,b",
                                             "#a:b",   "#[x]", "#" + std::string(33, 'x')};
  for (const std::string& bad : bad_names) {
    INFO("room \"" << bad << "\"");
    a.send_line("/join " + bad);
    a.expect_line("! invalid room name: " + bad);
  }
  std::string cyrillic = "#";
  for (int i = 0; i < 32; ++i) cyrillic += "ж";
  a.send_line("/join " + cyrillic);
  a.expect_line("> You are now in " + cyrillic + " (1 user here)");
  b.expect_line("< " + a.address_name() + " left for " + cyrillic + " (1 user here)");
  b.send_line("/join #two");
  b.expect_line("> You are now in #two (1 user here)");
  TestClient c(server.port());
  c.expect_line("> Connected to the chat server (3 users online)");
  c.send_line("/join #three");
  c.expect_line("! too many rooms");
  c.send_line("/who *");
  c.expect_line("> Online (3): " + a.address_name() + ", " + b.address_name() + ", " + c.address_name());
}

TEST_CASE("a newcomer gets the room's recent lines with their time, nothing when there are none",
          "[rooms][history]") {
  ChatdProcess server({"--history", "2"});
  TestClient a = join(server, {});
  a.send_line("said to nobody");  // not kept: nobody heard it
  expect_who(a, {a.address_name()});  // handled before b arrives
  TestClient b = join(server, {&a});
  a.send_line("one");
  b.expect_line("[" + a.address_name() + "] one");
  a.send_line("/msg " + b.address_name() + " private");
  b.expect_line("[" + a.address_name() + " -> you] private");
  a.expect_line("[You -> " + b.address_name() + "] private");
  a.send_line("/me two");
  b.expect_line("* " + a.address_name() + " two");
  b.send_line("three");
  a.expect_line("[" + b.address_name() + "] three");

  TestClient c(server.port());
  c.expect_line("> Connected to the chat server (3 users online)");
  c.expect_line("> Recent messages (2):");
  expect_history_line(c, "* " + a.address_name() + " two");
  expect_history_line(c, "[" + b.address_name() + "] three");
  c.expect_line("> End of recent messages");
  a.expect_line("> New user " + c.address_name() + " entered (3 users online)");

  // An empty room has no history: /join sends the confirmation alone.
  c.send_line("/join #quiet");
  c.expect_line("> You are now in #quiet (1 user here)");
  c.send_line("/join #lobby");
  c.expect_line("> You are now in #lobby (3 users here)");
  c.expect_line("> Recent messages (2):");
  expect_history_line(c, "* " + a.address_name() + " two");
  expect_history_line(c, "[" + b.address_name() + "] three");
  c.expect_line("> End of recent messages");
  expect_who(c, {a.address_name(), b.address_name(), c.address_name()});
}

TEST_CASE("no history is replayed under --history 0", "[rooms][history]") {
  ChatdProcess server({"--history", "0"});
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("hello");
  b.expect_line("[" + a.address_name() + "] hello");
  TestClient c = join(server, {&a, &b});  // its next line is the /who reply
  expect_who(c, {a.address_name(), b.address_name(), c.address_name()});
}

TEST_CASE("history times follow the server's zone under --history-time local", "[rooms][history]") {
  // chatd inherits TZ: a zone 14 hours east of UTC, with no daylight time.
  const char* old_tz = std::getenv("TZ");
  const std::string saved = old_tz != nullptr ? old_tz : "";
  ::setenv("TZ", "XYZ-14", 1);
  ChatdProcess server({"--history-time", "local"});
  if (old_tz != nullptr) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("hi");
  b.expect_line("[" + a.address_name() + "] hi");
  TestClient c(server.port());
  c.expect_line("> Connected to the chat server (3 users online)");
  c.expect_line("> Recent messages (1):");
  expect_history_line(c, "[" + a.address_name() + "] hi", 14);
  c.expect_line("> End of recent messages");
}

TEST_CASE("newcomers enter the room named by --default-room", "[rooms]") {
  ChatdProcess server({"--default-room", "#Main"});
  TestClient a = join(server, {});
  a.send_line("/rooms");
  a.expect_line("> Rooms (1): #Main (1)");
  a.send_line("/join #elsewhere");
  a.expect_line("> You are now in #elsewhere (1 user here)");
  a.send_line("/join #main");
  a.expect_line("> You are now in #Main (1 user here)");
}
