#include <catch2/catch.hpp>

#include "tracking/nick_tracker.h"
#include "tracking/room_tracker.h"

using chat::client::complete_word;
using chat::client::NickTracker;
using chat::client::RoomTracker;
using Names = std::vector<std::string>;

TEST_CASE("the current room comes from the server's confirmation", "[rooms]") {
  RoomTracker t;
  CHECK_FALSE(t.current());
  t.observe("> Connected to the chat server (1 user online)");
  CHECK_FALSE(t.current());
  t.observe("> You are now in #random (2 users here)");
  CHECK(t.current() == "#random");
  t.observe("[bob] > You are now in #fake (1 user here)");  // someone's text proves nothing
  t.observe("> You are now in #Случай (1 user here)");
  CHECK(t.current() == "#Случай");
}

TEST_CASE("/rooms, joins and leaves fill the rooms Tab completes", "[rooms]") {
  RoomTracker t;
  t.observe("> Rooms (3): #lobby (12), #random (3), #Rust-dev (1)");
  CHECK(t.known() == Names{"#lobby", "#random", "#Rust-dev"});
  t.observe("< bob left for #games (1 user here)");
  t.observe("> carol joined #RANDOM (4 users here)");  // already known, ignoring ASCII case
  CHECK(t.known() == Names{"#lobby", "#random", "#Rust-dev", "#games"});
  CHECK(complete_word("#r", false, t.known()).choices == Names{"#random", "#Rust-dev"});
  CHECK(complete_word("#g", false, t.known()).replacement == "#games ");
  t.observe("> Rooms (1): #lobby (2)");  // a fresh list replaces the old one
  CHECK(t.known() == Names{"#lobby"});
}

TEST_CASE("history lines are told apart from live ones", "[rooms]") {
  RoomTracker t;
  CHECK_FALSE(t.observe("> Recent messages (2):"));
  CHECK(t.observe("09:05 [bob] hi"));
  CHECK(t.observe("09:06 > End of recent messages?"));  // a quoted marker is still history
  CHECK_FALSE(t.observe("> End of recent messages"));
  CHECK_FALSE(t.observe("[bob] live"));
}

TEST_CASE("room moves and /who in a room keep the nickname list", "[nicks][rooms]") {
  NickTracker t;
  t.observe("> Online (3): alice, bob, carol");
  t.observe("< bob left for #games (1 user here)");
  CHECK(t.others() == Names{"alice", "carol"});
  t.observe("> dave joined #lobby (3 users here)");
  CHECK(t.others() == Names{"alice", "carol", "dave"});
  t.observe("> In #games (2): bob, erin");
  CHECK(t.others() == Names{"bob", "erin"});
  CHECK(complete_word("/j", true, {}).replacement == "/join ");
  CHECK(complete_word("/r", true, {}).replacement == "/rooms ");
}
