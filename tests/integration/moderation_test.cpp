// Roles and moderation over TCP (docs/PROTOCOL.md "Moderation"), on every
// engine: owners, operators and @name, topics, kicks, bans (account,
// address, server-wide at accept and at login), mutes, invite-only rooms,
// the stdout log, and rules that survive a restart with --store. Members
// log in with the accounts' /register and /login.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "chat_fixtures.h"
#include "moderation_helpers.h"

using namespace chat::test;

namespace {

constexpr const char* kPassword = kModerationPassword;
using TempDir = StoreDir;

TestClient user(const ChatdProcess& server, const std::string& name, bool register_it) {
  return moderation_user(server.port(), name, register_it);
}

// Sends /who as a barrier and waits for its reply (any).
void settle(TestClient& c) {
  c.send_line("/who *");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto got = c.read_line();
    REQUIRE(got);
    if (got->starts_with("> Online (")) return;
  }
  FAIL("no /who reply");
}

}  // namespace

TEST_CASE("moderation: the creator owns a room and makes operators shown as @name", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient alice = user(server, "alice", true);
  TestClient bob = user(server, "bob", true);
  TestClient carol = user(server, "carol", false);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  carol.send_line("/join #rust");
  await_line(carol, "> You are now in #rust (3 users here)");

  alice.send_line("/op bob");
  await_line(alice, "> alice made bob an operator of #rust");
  await_line(bob, "> alice made bob an operator of #rust");
  await_line(carol, "> alice made bob an operator of #rust");
  carol.send_line("/who");
  await_line(carol, "> In #rust (3): @alice, @bob, carol");
  carol.send_line("/op carol");
  await_line(carol, "! you are not an operator of #rust");
  alice.send_line("/op carol");
  await_line(alice, "! nickname carol is not registered");
  alice.send_line("/deop bob");
  await_line(bob, "> alice removed bob as an operator of #rust");
  CHECK(server.wait_stdout("> alice made bob an operator of #rust\n"));
  CHECK(server.wait_stdout("> alice removed bob as an operator of #rust\n"));

  // The room outlives its last member.
  for (TestClient* c : {&alice, &bob, &carol}) {
    c->send_line("/join #lobby");
    await_line(*c, "> You are now in #lobby (" + std::string(c == &alice ? "1 user" : c == &bob ? "2 users" : "3 users") +
                       " here)");
  }
  carol.send_line("/rooms");
  await_line(carol, "> Rooms (2): #lobby (3), #rust (0)");
}

TEST_CASE("moderation: /topic and the topic line on entering a room", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db(), "--admin", "root"});
  TestClient alice = user(server, "alice", true);
  TestClient carol = user(server, "carol", false);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  carol.send_line("/join #rust");
  await_line(alice, "> carol joined #rust (2 users here)");
  alice.send_line("/topic");
  await_line(alice, "> No topic");
  alice.send_line("hello rust");
  await_line(carol, "[alice] hello rust");
  alice.send_line("/topic all things rust");
  await_line(alice, "> alice set the topic: all things rust");
  alice.send_line("/topic");
  await_line(alice, "> Topic: all things rust (set by alice)");

  TestClient bob = user(server, "bob", false);
  bob.send_line("/join #rust");
  bob.expect_line("> You are now in #rust (3 users here)");
  bob.expect_line("> Topic: all things rust (set by alice)");
  bob.expect_line("> Recent messages (1):");
  bob.send_line("/topic mine now");
  await_line(bob, "! you are not an operator of #rust");

  TestClient root = user(server, "root", true);
  root.send_line("/topic welcome to the lobby");
  await_line(root, "> root set the topic: welcome to the lobby");
  TestClient newcomer(server.port());
  const auto greeting = newcomer.read_line();
  REQUIRE(greeting);
  CHECK(greeting->starts_with("> Connected to the chat server"));
  newcomer.expect_line("> Topic: welcome to the lobby (set by root)");
}

TEST_CASE("moderation: /kick to the default room, and from it out of the chat", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db(), "--admin", "root"});
  TestClient alice = user(server, "alice", true);
  TestClient bob = user(server, "bob", false);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  bob.send_line("/join #rust");
  await_line(alice, "> bob joined #rust (2 users here)");
  alice.send_line("/kick bob spamming links");
  await_line(alice, "< bob was kicked by alice (spamming links)");
  await_line(bob, "! you were kicked from #rust by alice (spamming links)");
  bob.expect_line("> You are now in #lobby (1 user here)");
  CHECK(server.wait_stdout("< bob was kicked by alice (spamming links)\n"));

  TestClient root = user(server, "root", true);
  root.send_line("/kick bob");
  await_line(bob, "! you were kicked from #lobby by root");
  CHECK(bob.wait_closed());
  await_line(root, "< bob was kicked by root");
}

TEST_CASE("moderation: /ban of an account with a duration, /bans and /unban", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient alice = user(server, "alice", true);
  TestClient bob = user(server, "bob", true);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  bob.send_line("/join #rust");
  await_line(alice, "> bob joined #rust (2 users here)");
  alice.send_line("/ban bob 2h flooding");
  await_line(alice, "> alice banned bob from #rust for 2h (flooding)");
  await_line(alice, "< bob was kicked by alice (flooding)");
  await_line(bob, "! you were kicked from #rust by alice (flooding)");
  bob.expect_line("> You are now in #lobby (1 user here)");
  bob.send_line("/join #rust");
  bob.expect_line("! you are banned from #rust");
  alice.send_line("/bans");
  const auto bans = alice.read_line();
  REQUIRE(bans);
  CHECK((*bans == "> Bans in #rust (1): bob (2h left, by alice: flooding)" ||
         *bans == "> Bans in #rust (1): bob (1h 59m left, by alice: flooding)"));
  alice.send_line("/unban bob");
  await_line(alice, "> alice unbanned bob from #rust");
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  CHECK(server.wait_stdout("> alice banned bob from #rust for 2h (flooding)\n"));
}

TEST_CASE("moderation: an admin's address ban in the default room is refused at accept", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db(), "--admin", "root"});
  TestClient root = user(server, "root", true);
  TestClient spammer = user(server, "spammer", false);
  root.send_line("/ban spammer 30m");
  await_line(root, "> root banned spammer from #lobby for 30m");
  await_line(spammer, "! you are banned from this server");
  CHECK(spammer.wait_closed());
  TestClient again(server.port());
  again.expect_line("! you are banned from this server");
  CHECK(again.wait_closed());
  root.send_line("/unban 127.0.0.1");
  await_line(root, "> root unbanned 127.0.0.1 from #lobby");
  TestClient welcome(server.port());
  const auto greeting = welcome.read_line();
  REQUIRE(greeting);
  CHECK(greeting->starts_with("> Connected to the chat server"));
}

TEST_CASE("moderation: an admin's account ban in the default room is refused at login", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db(), "--admin", "root"});
  {
    TestClient mallory = user(server, "mallory", true);
    mallory.send_line("/quit");
    CHECK(mallory.wait_closed());
  }
  TestClient root = user(server, "root", true);
  root.send_line("/ban mallory");
  await_line(root, "> root banned mallory from #lobby");
  TestClient back(server.port());
  back.read_line();
  back.send_line(std::string("/login mallory ") + kPassword);
  await_line(back, "! you are banned from this server");
  CHECK(back.wait_closed());
}

TEST_CASE("moderation: /mute and /unmute", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient alice = user(server, "alice", true);
  TestClient bob = user(server, "bob", false);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  bob.send_line("/join #rust");
  await_line(alice, "> bob joined #rust (2 users here)");
  alice.send_line("/mute bob 30m");
  await_line(bob, "> alice muted bob in #rust for 30m");
  bob.send_line("hello?");
  bob.expect_line("! you are muted in #rust");
  bob.send_line("/me waves");
  bob.expect_line("! you are muted in #rust");
  alice.send_line("/unmute bob");
  await_line(bob, "> alice unmuted bob in #rust");
  bob.send_line("back");
  await_line(alice, "[bob] back");
}

TEST_CASE("moderation: /private, /invite and /rooms", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient alice = user(server, "alice", true);
  TestClient bob = user(server, "bob", false);
  TestClient carol = user(server, "carol", false);
  alice.send_line("/join #club");
  await_line(alice, "> You are now in #club (1 user here)");
  alice.send_line("/private on");
  await_line(alice, "> alice made #club invite-only");
  bob.send_line("/join #club");
  await_line(bob, "! #club is invite-only");
  carol.send_line("/rooms");
  await_line(carol, "> Rooms (1): #lobby (2)");
  alice.send_line("/invite bob");
  await_line(alice, "> You invited bob to #club");
  await_line(bob, "> alice invites you to #club: /join #club");
  bob.send_line("/rooms");
  await_line(bob, "> Rooms (2): #lobby (2), #club (1) (private)");
  bob.send_line("/join #club");
  await_line(bob, "> You are now in #club (2 users here)");
  bob.send_line("/private off");
  await_line(bob, "! you are not an operator of #club");
}

TEST_CASE("moderation: roles, topics, bans, mutes and the private flag survive a restart", "[moderation][store]") {
  TempDir dir;
  {
    ChatdProcess server({"--store", dir.db()});
    TestClient alice = user(server, "alice", true);
    TestClient bob = user(server, "bob", true);
    TestClient spam = user(server, "spam", false);
    alice.send_line("/join #rust");
    await_line(alice, "> You are now in #rust (1 user here)");
    alice.send_line("/op bob");
    await_line(alice, "> alice made bob an operator of #rust");
    alice.send_line("/topic kept");
    await_line(alice, "> alice set the topic: kept");
    alice.send_line("/ban 203.0.113.9 7d");
    await_line(alice, "> alice banned 203.0.113.9 from #rust for 7d");
    alice.send_line("/mute spam");
    await_line(alice, "> alice muted spam in #rust");
    alice.send_line("/private on");
    await_line(alice, "> alice made #rust invite-only");
    settle(alice);
  }
  ChatdProcess server({"--store", dir.db()});
  TestClient carol = user(server, "carol", false);
  carol.send_line("/join #rust");
  await_line(carol, "! #rust is invite-only");
  TestClient bob(server.port());
  bob.read_line();
  bob.send_line(std::string("/login bob ") + kPassword);
  await_line(bob, "> You are logged in as bob");
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (1 user here)");
  bob.expect_line("> Topic: kept (set by alice)");
  bob.send_line("/bans");
  const auto bans = bob.read_line();
  REQUIRE(bans);
  CHECK((*bans == "> Bans in #rust (1): 203.0.113.9 (6d 23h left, by alice)" ||
         *bans == "> Bans in #rust (1): 203.0.113.9 (7d left, by alice)"));  // within the second
  bob.send_line("/who");
  await_line(bob, "> In #rust (1): @bob");
}

TEST_CASE("moderation: /op of a registered account that is offline", "[moderation]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  {
    TestClient bob = user(server, "bob", true);
    bob.send_line("/quit");
    CHECK(bob.wait_closed());
  }
  TestClient alice = user(server, "alice", true);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  alice.send_line("/op bob");
  await_line(alice, "> alice made bob an operator of #rust");
  TestClient bob(server.port());
  bob.read_line();
  bob.send_line(std::string("/login bob ") + kPassword);
  await_line(bob, "> You are logged in as bob");
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  bob.send_line("/topic bob runs it too");
  await_line(alice, "> bob set the topic: bob runs it too");
}
