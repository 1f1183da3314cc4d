// Members in several rooms (the IRC port's users), checked on the chat
// alone: they start in no room, enter rooms beside each other, act in the
// room a command names, part one room at a time, and a line user in any of
// their rooms sees the classic lines unchanged.
#include <catch2/catch.hpp>

#include <string>

#include "command.h"
#include "room_fixture.h"

using chat::Command;
using chat::test::FakeMember;
using chat::test::Fixture;
using chat::test::Lines;

namespace {

std::pair<chat::MemberId, FakeMember*> join_multi(Fixture& f, const std::string& addr, const std::string& nick) {
  f.members.push_back(std::make_unique<FakeMember>());
  FakeMember* m = f.members.back().get();
  const chat::MemberId id = f.room.join(*m, addr, true, true);
  f.room.handle(id, Command{.kind = Command::Kind::nick, .arg = nick});
  m->take();
  return {id, m};
}

Command enter(std::string_view room) { return Command{.kind = Command::Kind::enter, .arg = room}; }
Command say(std::string_view room, std::string_view text) {
  return Command{.kind = Command::Kind::text, .arg = text, .room = room};
}

}  // namespace

TEST_CASE("a multi-room member starts in no room: the lobby does not hear of it") {
  Fixture f;
  auto [b, mb] = f.join("2.2.2.2:2");
  mb->take();
  auto [a, ma] = join_multi(f, "1.1.1.1:1", "alice");
  CHECK(mb->take().empty());
  f.room.handle_line(b, "hello");
  CHECK(ma->take().empty());
  f.room.handle_line(b, "/who *");
  CHECK(mb->take() == Lines{"> Online (2): 2.2.2.2:2, alice\n"});
}

TEST_CASE("a multi-room member enters two rooms and speaks in the one it names") {
  Fixture f;
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(b, "/nick bob");
  auto [c, mc] = f.join("3.3.3.3:3");
  f.room.handle_line(c, "/nick carol");
  f.room.handle_line(c, "/join #ops");
  mb->take();
  mc->take();
  auto [a, ma] = join_multi(f, "1.1.1.1:1", "alice");

  f.room.handle(a, enter("#lobby"));
  CHECK(ma->take() == Lines{"> You are now in #lobby (2 users here)\n"});
  CHECK(mb->take() == Lines{"> alice joined #lobby (2 users here)\n"});
  f.room.handle(a, enter("#ops"));
  CHECK(ma->take() == Lines{"> You are now in #ops (2 users here)\n"});
  CHECK(mc->take() == Lines{"> alice joined #ops (2 users here)\n"});
  CHECK(mb->take().empty());  // still in #lobby: nothing left

  f.room.handle(a, say("#lobby", "hi lobby"));
  CHECK(mb->take() == Lines{"[alice] hi lobby\n"});
  CHECK(mc->take().empty());
  f.room.handle(a, say("#ops", "hi ops"));
  CHECK(mc->take() == Lines{"[alice] hi ops\n"});
  CHECK(mb->take().empty());

  // Both rooms reach it.
  f.room.handle_line(b, "from bob");
  f.room.handle_line(c, "from carol");
  CHECK(ma->take() == Lines{"[bob] from bob\n", "[carol] from carol\n"});

  // A room that does not exist (IRC's 403), and one it is not in (442).
  f.room.handle(a, say("#nowhere", "x"));
  CHECK(ma->take() == Lines{"! invalid room name: #nowhere\n"});
  f.room.handle_line(b, "/join #elsewhere");
  mb->take();
  CHECK(ma->take() == Lines{"< bob left for #elsewhere (1 user here)\n"});
  f.room.handle(a, say("#elsewhere", "x"));
  CHECK(ma->take() == Lines{"! you are not in #elsewhere\n"});
}

TEST_CASE("the creator of a room in several rooms operates it: @ in /who, /topic for operators only") {
  Fixture f;
  auto [a, ma] = join_multi(f, "1.1.1.1:1", "alice");
  auto [d, md] = join_multi(f, "4.4.4.4:4", "dave");
  f.room.handle(a, enter("#new"));
  f.room.handle(d, enter("#new"));
  ma->take();
  md->take();
  f.room.handle(d, Command{.kind = Command::Kind::who, .room = "#new"});
  CHECK(md->take() == Lines{"> In #new (2): @alice, dave\n"});
  f.room.handle(d, Command{.kind = Command::Kind::topic, .arg = "mine", .room = "#new"});
  CHECK(md->take() == Lines{"! you are not an operator of #new\n"});
  f.room.handle(a, Command{.kind = Command::Kind::op, .arg = "dave", .room = "#new"});
  CHECK(md->take() == Lines{"> alice made dave an operator of #new\n"});
  f.room.handle(d, Command{.kind = Command::Kind::topic, .arg = "ours", .room = "#new"});
  CHECK(ma->take() == Lines{"> alice made dave an operator of #new\n", "> dave set the topic: ours\n"});
}

TEST_CASE("a multi-room member parts one room, renames and quits: each receiver hears it once") {
  Fixture f;
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(b, "/nick bob");
  auto [a, ma] = join_multi(f, "1.1.1.1:1", "alice");
  auto [d, md] = join_multi(f, "4.4.4.4:4", "dave");
  f.room.handle(a, enter("#lobby"));
  f.room.handle(a, enter("#x"));
  f.room.handle(d, enter("#lobby"));
  f.room.handle(d, enter("#x"));
  ma->take();
  mb->take();
  md->take();

  f.room.handle(a, Command{.kind = Command::Kind::nick, .arg = "alicia"});
  CHECK(md->take() == Lines{"> alice is now known as alicia\n"});  // once, though it shares two rooms
  CHECK(mb->take() == Lines{"> alice is now known as alicia\n"});
  ma->take();

  f.room.handle(a, Command{.kind = Command::Kind::leave, .arg = "#x"});
  CHECK(ma->take() == Lines{"< alicia left #x (1 user here)\n"});
  CHECK(md->take() == Lines{"< alicia left #x (1 user here)\n"});
  CHECK(mb->take().empty());
  f.room.handle(a, Command{.kind = Command::Kind::leave, .arg = "#x"});
  CHECK(ma->take() == Lines{"! you are not in #x\n"});

  f.room.leave(d);
  CHECK(ma->take() == Lines{"< The user dave left (2 users online)\n"});
  CHECK(mb->take() == Lines{"< The user dave left (2 users online)\n"});
}

TEST_CASE("a line user's /join still moves it, and it sees a multi-room member's lines as classic lines") {
  Fixture f;
  auto [b, mb] = f.join("2.2.2.2:2");
  auto [a, ma] = join_multi(f, "1.1.1.1:1", "alice");
  f.room.handle(a, enter("#x"));
  ma->take();
  mb->take();
  f.room.handle_line(b, "/join #x");
  CHECK(mb->take() == Lines{"> You are now in #x (2 users here)\n"});
  CHECK(ma->take() == Lines{"> 2.2.2.2:2 joined #x (2 users here)\n"});
  f.room.handle_line(b, "/join #lobby");
  CHECK(ma->take() == Lines{"< 2.2.2.2:2 left for #lobby (1 user here)\n"});
}
