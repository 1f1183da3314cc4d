// The room rules an attacker leans on (issue 18), checked on the chat alone:
// look-alike room names, lines that grow when sanitized, rooms kept for
// their history filling --max-rooms, and history replays bounded in bytes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/history_sink.h"
#include "room_fixture.h"
#include "room_name.h"
#include "utf8.h"

using chat::RoomConfig;
using chat::test::FakeMember;
using chat::test::Fixture;
using chat::test::Lines;

namespace {

// 2026-12-01 09:05:00 UTC: history lines read "09:05 ".
std::int64_t fixed_clock() { return 1'796'115'900; }

// A store that keeps nothing: with a sink, rooms with history outlive
// their last member, as with --store.
struct NullSink final : chat::HistorySink {
  int lines = 0;
  void append(std::string_view, std::int64_t, const chat::SharedLine&, std::uint64_t) override { ++lines; }
};

RoomConfig config(std::size_t max_rooms = 1000) {
  RoomConfig c;
  c.clock = &fixed_clock;
  c.max_rooms = max_rooms;
  return c;
}

}  // namespace

TEST_CASE("room names are unique by the nickname skeleton: a look-alike /join enters the existing room",
          "[rooms][issue18]") {
  CHECK(chat::room_key("#release") == chat::room_key("#Release"));
  CHECK(chat::room_key("#release") == chat::room_key("#r\xD0\xB5lease"));  // Cyrillic е
  CHECK(chat::room_key("#release") ==
        chat::room_key("#\xEF\xBD\x92\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x85\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x85"));
  CHECK(chat::room_key("#release") == chat::room_key("#relea\xC5\xBF" "e"));  // long s
  CHECK(chat::room_key("#release") != chat::room_key("#releases"));

  Fixture f(config());
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(a, "/join #release");
  ma->take();
  mb->take();
  for (const char* lookalike : {"#r\xD0\xB5lease", "#\xEF\xBD\x92\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x85\xEF\xBD\x81"
                                                   "\xEF\xBD\x93\xEF\xBD\x85",
                                "#relea\xC5\xBF" "e", "#RELEASE"}) {
    f.room.handle_line(b, std::string("/join ") + lookalike);
    const Lines got = mb->take();
    REQUIRE(!got.empty());
    CHECK((got[0] == "> You are now in #release (2 users here)\n"));
    f.room.handle_line(b, "/join #lobby");
    mb->take();
  }
  CHECK(f.room.room_count() == 2);  // #lobby and #release, nothing beside it
  f.room.handle_line(b, "/rooms");
  CHECK(mb->take() == Lines{"> Rooms (2): #lobby (1), #release (1)\n"});
}

TEST_CASE("a text that grows when sanitized is cut to --max-line + 64 bytes at a character boundary",
          "[sanitize][issue18]") {
  Fixture f(config());
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(a, "/nick a");
  ma->take();
  mb->take();

  // 4,096 invalid bytes would be 4,096 U+FFFD: 12,288 bytes.
  f.room.handle_line(a, std::string(4096, '\xFF'));
  Lines got = mb->take();
  REQUIRE(got.size() == 1);
  const std::string& line = got[0];
  REQUIRE(line.starts_with("[a] "));
  const std::string text = line.substr(4, line.size() - 5);
  CHECK(text.size() <= 4096 + 64);
  CHECK(text.size() == (4096 + 64) / 3 * 3);  // whole U+FFFD only
  CHECK(chat::is_valid_utf8(text));

  // /me and /msg too, and the echo of an unknown command.
  f.room.handle_line(a, "/me " + std::string(4000, '\xC0'));
  got = mb->take();
  REQUIRE(got.size() == 1);
  CHECK(got[0].size() <= std::string("* a \n").size() + 4096 + 64);
  f.room.handle_line(a, "/msg 2.2.2.2:2 " + std::string(4000, '\xFE'));
  got = mb->take();
  REQUIRE(got.size() == 1);
  CHECK(got[0].size() <= std::string("[a -> you] \n").size() + 4096 + 64);
  ma->take();
  f.room.handle_line(a, "/" + std::string(4000, '\xFF'));
  got = ma->take();
  REQUIRE(got.size() == 1);
  CHECK(got[0].size() <= 64 + 4096 + 64);

  // A full line with a few bad bytes still passes whole.
  std::string few(4086, 'x');
  few += std::string(10, '\xFF');
  f.room.handle_line(a, few);
  got = mb->take();
  REQUIRE(got.size() == 1);
  CHECK(got[0].size() == 4 + 4086 + 10 * 3 + 1);
}

TEST_CASE("with a store, rooms kept for their history give their place to a new room, the idlest first",
          "[rooms][issue18]") {
  Fixture f(config(/*max_rooms=*/5));
  NullSink sink;
  f.room.set_history_sink(&sink);
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  // Four rooms, one line each (two people there, so it is kept), then left.
  for (int i = 0; i < 4; ++i) {
    const std::string room = "#r" + std::to_string(i);
    f.room.handle_line(a, "/join " + room);
    f.room.handle_line(b, "/join " + room);
    f.room.handle_line(a, "line in " + room);
  }
  f.room.handle_line(a, "/join #lobby");
  f.room.handle_line(b, "/join #lobby");
  REQUIRE(f.room.room_count() == 5);  // #lobby and four rooms kept for their history
  // #r1 is used again: #r0 is now the idlest.
  f.room.handle_line(a, "/join #r1");
  f.room.handle_line(a, "/join #lobby");
  ma->take();
  mb->take();

  // Before: "! too many rooms" for good. Now the idlest empty room goes.
  f.room.handle_line(a, "/join #new");
  CHECK(ma->take() == Lines{"> You are now in #new (1 user here)\n"});
  CHECK(f.room.room_count() == 5);
  CHECK(mb->take() == Lines{"< 1.1.1.1:1 left for #new (1 user here)\n"});
  f.room.handle_line(b, "/rooms");
  CHECK(mb->take() == Lines{"> Rooms (5): #lobby (1), #new (1), #r1 (0), #r2 (0), #r3 (0)\n"});

  // Rooms with members are never evicted: at the cap with every room
  // occupied, a new room is refused.
  std::vector<chat::Chat::MemberId> ids;
  for (int i = 0; i < 3; ++i) {
    auto [m, mm] = f.join("3.3.3." + std::to_string(i) + ":3");
    f.room.handle_line(m, "/join #r" + std::to_string(i + 1));
    mm->take();
    ids.push_back(m);
  }
  mb->take();
  f.room.handle_line(b, "/join #another");
  CHECK(mb->take() == Lines{"! too many rooms\n"});
}

TEST_CASE("a restore of more stored rooms than --max-rooms keeps the most recently active",
          "[rooms][issue18]") {
  Fixture f(config(/*max_rooms=*/3));
  NullSink sink;
  f.room.set_history_sink(&sink);
  f.room.restore_history("#old", 100, "[x] old\n");
  f.room.restore_history("#newest", 300, "[x] newest\n");
  f.room.restore_history("#middle", 200, "[x] middle\n");
  CHECK(f.room.room_count() == 3);  // #lobby, #newest, #middle
  auto [a, ma] = f.join("1.1.1.1:1");
  ma->take();
  f.room.handle_line(a, "/rooms");
  CHECK(ma->take() == Lines{"> Rooms (3): #lobby (1), #middle (0), #newest (0)\n"});
  // And a newcomer can still make a room: the idlest kept one gives way.
  f.room.handle_line(a, "/join #fresh");
  CHECK(ma->take() == Lines{"> You are now in #fresh (1 user here)\n"});
}

TEST_CASE("a history replay is the newest lines that fit the replay budget", "[history][issue18]") {
  RoomConfig c = config();
  Fixture f(c);
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(a, "/nick a");
  for (int i = 0; i < 50; ++i) f.room.handle_line(a, std::to_string(i % 10) + std::string(3999, 'x'));
  ma->take();
  mb->take();

  auto [n, mn] = f.join("3.3.3.3:3");
  const Lines got = mn->take_lines();
  std::size_t bytes = 0;
  for (std::size_t i = 1; i < got.size(); ++i) bytes += got[i].size();
  CHECK(bytes <= c.replay_bytes);  // before: 50 lines, 200 KB
  REQUIRE(got.size() == 1 + 1 + 2 + 1);  // welcome, header, the newest two lines, end
  CHECK(got[1] == "> Recent messages (2):\n");
  CHECK(got[2] == "09:05 [a] 8" + std::string(3999, 'x') + "\n");
  CHECK(got[3] == "09:05 [a] 9" + std::string(3999, 'x') + "\n");
  CHECK(got[4] == "> End of recent messages\n");

  // A single line longer than the budget is still replayed (the newest).
  RoomConfig tiny = config();
  tiny.replay_bytes = 100;
  Fixture g(tiny);
  auto [x, mx] = g.join("1.1.1.1:1");
  g.join("2.2.2.2:2");
  g.room.handle_line(x, "first");
  g.room.handle_line(x, std::string(500, 'y'));
  auto [z, mz] = g.join("3.3.3.3:3");
  const Lines got2 = mz->take_lines();
  REQUIRE(got2.size() == 4);
  CHECK(got2[1] == "> Recent messages (1):\n");
}

TEST_CASE("a member that refuses a replay gets none built", "[history][issue18]") {
  struct NoReplay final : chat::Member {
    std::vector<std::string> got;
    int asked = 0;
    std::size_t asked_bytes = 0;
    void deliver(const chat::SharedLine& line) override { got.push_back(*line); }
    bool accepts_replay(std::size_t bytes, std::size_t) override {
      ++asked;
      asked_bytes = bytes;
      return false;
    }
  };
  Fixture f(config());
  auto [a, ma] = f.join("1.1.1.1:1");
  f.join("2.2.2.2:2");
  f.room.handle_line(a, "hello");
  NoReplay silent;
  f.room.join(silent, "3.3.3.3:3");
  CHECK(silent.asked == 1);
  CHECK(silent.asked_bytes > 0);
  CHECK(silent.got == Lines{"> Connected to the chat server (3 users online)\n"});
}
