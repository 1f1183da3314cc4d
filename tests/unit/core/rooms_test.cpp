// Rooms and history, checked on the room alone: /join, /rooms, /who in a
// room, what stays inside a room, and the recent-history replay.
#include <catch2/catch.hpp>

#include <string>

#include "room_fixture.h"

using chat::RoomConfig;
using chat::test::FakeMember;
using chat::test::Fixture;
using chat::test::Lines;

namespace {

// 2026-12-01 09:05:00 UTC: history lines read "09:05 ".
std::int64_t fixed_clock() { return 1'796'115'900; }

RoomConfig with_clock(std::size_t history = 50) {
  RoomConfig c;
  c.history = history;
  c.clock = &fixed_clock;
  return c;
}

}  // namespace

TEST_CASE("/join moves a user: the old room, the new room and the mover each get their line") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  auto [c, mc] = f.join("3.3.3.3:3");
  f.room.handle_line(a, "/nick alice");
  ma->take(); mb->take(); mc->take();

  f.room.handle_line(a, "/join #random");
  CHECK(ma->take() == Lines{"> You are now in #random (1 user here)\n"});
  CHECK(mb->take() == Lines{"< alice left for #random (2 users here)\n"});
  CHECK(mc->take() == Lines{"< alice left for #random (2 users here)\n"});

  f.room.handle_line(b, "/JOIN #Random");  // the same room, ignoring ASCII case
  CHECK(mb->take() == Lines{"> You are now in #random (2 users here)\n"});
  CHECK(ma->take() == Lines{"> 2.2.2.2:2 joined #random (2 users here)\n"});
  CHECK(mc->take() == Lines{"< 2.2.2.2:2 left for #random (1 user here)\n"});

  f.room.handle_line(b, "/join #random");  // already there: only a confirmation
  CHECK(mb->take() == Lines{"> You are now in #random (2 users here)\n"});
  CHECK(ma->take().empty());
  CHECK(f.log_text().find("> alice joined #random (1 user here)\n") != std::string::npos);
}

TEST_CASE("text, /me, nick changes, joins and leaves stay in the sender's room, /msg crosses rooms") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  auto [c, mc] = f.join("3.3.3.3:3");
  f.room.handle_line(a, "/join #x");
  f.room.handle_line(b, "/join #x");
  ma->take(); mb->take(); mc->take();

  f.room.handle_line(a, "in x");
  f.room.handle_line(a, "/me waves");
  f.room.handle_line(a, "/nick ann");
  CHECK(mb->take() == Lines{"[1.1.1.1:1] in x\n", "* 1.1.1.1:1 waves\n", "> 1.1.1.1:1 is now known as ann\n"});
  CHECK(mc->take().empty());

  f.room.handle_line(c, "/msg ann across");
  CHECK(ma->take() == Lines{"> You are now known as ann\n", "[3.3.3.3:3 -> you] across\n"});
  CHECK(mc->take() == Lines{"[You -> ann] across\n"});

  // A newcomer enters the default room: only its members hear of it; the
  // count is the whole server's, as in the classic line.
  auto [d, md] = f.join("4.4.4.4:4");
  CHECK(md->take() == Lines{"> Connected to the chat server (4 users online)\n"});
  CHECK(mc->take() == Lines{"> New user 4.4.4.4:4 entered (4 users online)\n"});
  CHECK(ma->take().empty());

  f.room.leave(b);
  CHECK(ma->take() == Lines{"< The user 2.2.2.2:2 left (3 users online)\n"});
  CHECK(mc->take().empty());
  CHECK(md->take().empty());
}

TEST_CASE("/who lists the room, /who * everyone, and stays classic while nobody changed room") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  ma->take(); mb->take();
  f.room.handle_line(a, "/who");
  CHECK(ma->take() == Lines{"> Online (2): 1.1.1.1:1, 2.2.2.2:2\n"});

  f.room.handle_line(b, "/join #side");
  f.room.handle_line(a, "/who");
  CHECK(ma->take() == Lines{"< 2.2.2.2:2 left for #side (1 user here)\n", "> In #lobby (1): 1.1.1.1:1\n"});
  f.room.handle_line(b, "/who");
  f.room.handle_line(b, "/who *");
  CHECK(mb->take() == Lines{"> You are now in #side (1 user here)\n", "> In #side (1): 2.2.2.2:2\n",
                            "> Online (2): 1.1.1.1:1, 2.2.2.2:2\n"});
}

TEST_CASE("/rooms lists rooms by size, then name, and an emptied room is gone") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  auto [c, mc] = f.join("3.3.3.3:3");
  f.room.handle_line(a, "/join #b");
  f.room.handle_line(b, "/join #B");
  f.room.handle_line(c, "/join #a");
  ma->take();
  f.room.handle_line(a, "/rooms");
  CHECK(ma->take() == Lines{"> Rooms (3): #b (2), #a (1), #lobby (0)\n"});
  CHECK(f.room.room_count() == 3);
  f.room.handle_line(c, "/join #lobby");
  CHECK(f.room.room_count() == 2);
  f.room.leave(a);
  f.room.leave(b);
  CHECK(f.room.room_count() == 1);  // the default room always exists
  mb->take(); mc->take();
}

TEST_CASE("/join refuses bad names and more than --max-rooms rooms") {
  RoomConfig config;
  config.max_rooms = 3;
  Fixture f(config);
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  ma->take(); mb->take();

  f.room.handle_line(a, "/join");
  f.room.handle_line(a, "/join ran/dom");  // "#" is added (IRC's habit), the name still checked
  f.room.handle_line(a, "/join #");
  f.room.handle_line(a, "/join #a,b");
  f.room.handle_line(a, "/join #\x1b[2Jx");
  f.room.handle_line(a, "/join #" + std::string(33, 'x'));
  CHECK(ma->take() == Lines{"! usage: /join #ROOM\n", "! invalid room name: #ran/dom\n",
                            "! invalid room name: #\n", "! invalid room name: #a,b\n",
                            "! invalid room name: #[2Jx\n", "! invalid room name: #" + std::string(33, 'x') + "\n"});

  // 32 characters of any script are fine, and "#you" is a room, not a nickname.
  const std::string cyrillic32 = [] {
    std::string s = "#";
    for (int i = 0; i < 32; ++i) s += "ж";
    return s;
  }();
  f.room.handle_line(a, "/join " + cyrillic32);
  CHECK(ma->take() == Lines{"> You are now in " + cyrillic32 + " (1 user here)\n"});
  f.room.handle_line(b, "/join #You");
  CHECK(mb->take() == Lines{"< 1.1.1.1:1 left for " + cyrillic32 + " (1 user here)\n",
                            "> You are now in #You (1 user here)\n"});
  CHECK(f.room.room_count() == 3);

  // A fourth room is refused, unless moving out empties (and so frees) one.
  auto [c, mc] = f.join("3.3.3.3:3");
  mc->take();
  f.room.handle_line(c, "/join #fourth");
  CHECK(mc->take() == Lines{"! too many rooms\n"});
  f.room.handle_line(a, "/join #fourth");
  CHECK(ma->take() == Lines{"> You are now in #fourth (1 user here)\n"});
  CHECK(f.room.room_count() == 3);
}

TEST_CASE("entering a room replays its recent text and actions with their time") {
  Fixture f(with_clock(2));
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(a, "one");
  f.room.handle_line(a, "/msg 2.2.2.2:2 private");  // not history
  f.room.handle_line(a, "/nick ann");               // not history
  f.room.handle_line(a, "/me two");
  f.room.handle_line(b, "three");
  ma->take(); mb->take();

  auto [c, mc] = f.join("3.3.3.3:3");
  CHECK(mc->take() == Lines{"> Connected to the chat server (3 users online)\n",
                            "> Recent messages (2):\n"
                            "09:05 * ann two\n"
                            "09:05 [2.2.2.2:2] three\n"
                            "> End of recent messages\n"});

  // /join replays the new room's history after the confirmation.
  f.room.handle_line(c, "/join #quiet");
  CHECK(mc->take() == Lines{"> You are now in #quiet (1 user here)\n"});
  f.room.handle_line(c, "/join #lobby");
  CHECK(mc->take() == Lines{"> You are now in #lobby (3 users here)\n",
                            "> Recent messages (2):\n"
                            "09:05 * ann two\n"
                            "09:05 [2.2.2.2:2] three\n"
                            "> End of recent messages\n"});
}

TEST_CASE("a line said to an empty room is heard by nobody, later arrivals included") {
  Fixture f(with_clock());
  auto [a, ma] = f.join("1.1.1.1:1");
  f.room.handle_line(a, "anyone here?");
  auto [b, mb] = f.join("2.2.2.2:2");
  CHECK(mb->take() == Lines{"> Connected to the chat server (2 users online)\n"});
  ma->take();
}

TEST_CASE("history 0 keeps nothing") {
  Fixture f(with_clock(0));
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(a, "hello");
  auto [c, mc] = f.join("3.3.3.3:3");
  CHECK(mc->take() == Lines{"> Connected to the chat server (3 users online)\n"});
  ma->take(); mb->take();
}

TEST_CASE("a restored history line is replayed like a live one") {
  Fixture f(with_clock());
  f.room.restore_history("#old", 0, "[bob] from before\n");
  f.room.restore_history("bad name", 0, "[bob] ignored\n");
  auto [a, ma] = f.join("1.1.1.1:1");
  f.room.handle_line(a, "/join #OLD");
  CHECK(ma->take() == Lines{"> Connected to the chat server (1 user online)\n",
                            "> You are now in #old (1 user here)\n",
                            "> Recent messages (1):\n1970-01-01 00:00 [bob] from before\n> End of recent messages\n"});
}

// Lines of an earlier day carry their date; today's only their time.
TEST_CASE("history lines older than today show their date") {
  Fixture f(with_clock());                                   // 2026-12-01 09:05 UTC
  f.room.restore_history("#old", 1'795'996'800, "[bob] monday\n");  // 2026-11-30 00:00
  f.room.restore_history("#old", 1'796'083'199, "[bob] last night\n");  // 2026-11-30 23:59:59
  f.room.restore_history("#old", 1'796'083'200, "* bob is up\n");       // 2026-12-01 00:00
  auto [a, ma] = f.join("1.1.1.1:1");
  f.room.handle_line(a, "/join #old");
  CHECK(ma->take() == Lines{"> Connected to the chat server (1 user online)\n",
                            "> You are now in #old (1 user here)\n",
                            "> Recent messages (3):\n"
                            "2026-11-30 00:00 [bob] monday\n"
                            "2026-11-30 23:59 [bob] last night\n"
                            "00:00 * bob is up\n"
                            "> End of recent messages\n"});
}

TEST_CASE("/who in a room and /rooms are split within --max-line like /who") {
  RoomConfig config;
  config.max_line = 40;
  Fixture f(config);
  std::vector<chat::test::FakeMember*> ms;
  for (int i = 0; i < 4; ++i) {
    auto [id, m] = f.join("10.0.0." + std::to_string(i) + ":4000" + std::to_string(i));
    f.room.handle_line(id, "/join #r" + std::to_string(i % 2));
    ms.push_back(m);
  }
  for (auto* m : ms) m->take();
  f.room.handle_line(3, "/who");
  const Lines who = ms[3]->take_lines();
  REQUIRE(who.size() > 1);
  CHECK(who.front().starts_with("> In #r1 (2): "));
  for (const std::string& l : who) CHECK(l.size() <= 41);
  f.room.handle_line(3, "/join #a-rather-long-room-name");
  ms[3]->take();
  f.room.handle_line(3, "/rooms");
  const Lines rooms = ms[3]->take_lines();
  REQUIRE(rooms.size() > 1);
  CHECK(rooms.front().starts_with("> Rooms (4): "));
  for (const std::string& l : rooms) CHECK(l.size() <= 41);
}
