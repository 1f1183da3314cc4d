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
  void append(std::string_view, std::int64_t, const chat::SharedLine&) override { ++lines; }
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
