// The protocol's rules, checked on the room alone: no sockets, no clock.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "room_fixture.h"

using chat::Chat;

using chat::test::FakeMember;
using chat::test::Fixture;
using chat::test::Lines;

TEST_CASE("the classic two-user transcript") {
  Fixture f;
  auto [u1, m1] = f.join("10.0.2.15:33082");
  CHECK(m1->take() == Lines{"> Connected to the chat server (1 user online)\n"});
  f.room.handle_line(u1, "Hello");  // nobody else yet
  auto [u2, m2] = f.join("10.0.2.15:33084");
  CHECK(m2->take() == Lines{"> Connected to the chat server (2 users online)\n"});
  CHECK(m1->take() == Lines{"> New user 10.0.2.15:33084 entered (2 users online)\n"});
  f.room.handle_line(u2, "World");
  CHECK(m1->take() == Lines{"[10.0.2.15:33084] World\n"});
  CHECK(m2->take().empty());  // no echo
  f.room.leave(u2);
  CHECK(m1->take() == Lines{"< The user 10.0.2.15:33084 left (1 user online)\n"});
  f.room.leave(u1);
  CHECK(f.room.online() == 0);
  CHECK(f.log_text() ==
        "> New user 10.0.2.15:33082 entered (1 user online)\n"
        "[10.0.2.15:33082] Hello\n"
        "> New user 10.0.2.15:33084 entered (2 users online)\n"
        "[10.0.2.15:33084] World\n"
        "< The user 10.0.2.15:33084 left (1 user online)\n"
        "< The user 10.0.2.15:33082 left (0 user online)\n");
}

TEST_CASE("nicknames: rename, conflicts, invalid names, usage") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  ma->take();
  mb->take();

  f.room.handle_line(a, "/nick alice");
  CHECK(ma->take() == Lines{"> You are now known as alice\n"});
  CHECK(mb->take() == Lines{"> 1.1.1.1:1 is now known as alice\n"});

  f.room.handle_line(b, "/nick ALICE");
  CHECK(mb->take() == Lines{"! nickname in use: ALICE\n"});
  f.room.handle_line(b, "/nick you");
  CHECK(mb->take() == Lines{"! invalid nickname: you (reserved)\n"});
  f.room.handle_line(b, "/nick bad name");
  CHECK(mb->take() == Lines{"! invalid nickname: bad name (spaces not allowed)\n"});
  f.room.handle_line(b, "/nick " + std::string(33, 'x'));
  CHECK(mb->take() == Lines{"! invalid nickname: " + std::string(33, 'x') + " (too long: max 32 characters)\n"});
  f.room.handle_line(b, "/nick \x1b[2Jx");
  CHECK(mb->take() == Lines{"! invalid nickname: [2Jx (only letters, digits, _ - . allowed)\n"});  // the echo is sanitized too
  f.room.handle_line(b, "/nick");
  CHECK(mb->take() == Lines{"! usage: /nick NAME\n"});
  CHECK(ma->take().empty());

  // Changing only the case of one's own name is allowed.
  f.room.handle_line(a, "/nick Alice");
  CHECK(ma->take() == Lines{"> You are now known as Alice\n"});
  CHECK(mb->take() == Lines{"> alice is now known as Alice\n"});

  // A freed name can be taken.
  f.room.handle_line(a, "/nick carol");
  ma->take();
  mb->take();
  f.room.handle_line(b, "/nick alice");
  CHECK(mb->take() == Lines{"> You are now known as alice\n"});
}

TEST_CASE("who lists names in order of arrival") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  auto [c, mc] = f.join("3.3.3.3:3");
  f.room.handle_line(b, "/nick bob");
  f.room.leave(a);
  auto [d, md] = f.join("4.4.4.4:4");  // reuses a's id, arrives last
  mc->take();
  f.room.handle_line(c, "/who");
  CHECK(mc->take() == Lines{"> Online (3): bob, 3.3.3.3:3, 4.4.4.4:4\n"});
  (void)d;
  (void)md;
}

TEST_CASE("a long /who reply is split into lines within --max-line") {
  Fixture f;
  chat::RoomConfig config;
  config.max_line = 64;
  const chat::ClassicRenderer classic({.max_line = 64});
  const chat::Renderers renderers(classic);
  Chat room(f.log, renderers, config);
  std::vector<std::unique_ptr<FakeMember>> members;
  std::vector<Chat::MemberId> ids;
  for (int i = 0; i < 40; ++i) {
    members.push_back(std::make_unique<FakeMember>());
    ids.push_back(room.join(*members.back(), "10.0.0.1:" + std::to_string(40000 + i)));
  }
  members[0]->take();
  room.handle_line(ids[0], "/who");
  const Lines got = members[0]->take_lines();
  REQUIRE(got.size() > 1);
  CHECK(got.front().starts_with("> Online (40): 10.0.0.1:40000, "));
  std::string names;
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(got[i]);
    CHECK(got[i].size() <= 64 + 1);  // the text within --max-line (its "," included), then "\n"
    const bool last = i + 1 == got.size();
    CHECK(got[i].ends_with(last ? "\n" : ",\n"));
    if (i > 0) CHECK(got[i].starts_with(">   "));
    std::string body = got[i].substr(i == 0 ? got[i].find("): ") + 3 : 4);
    body.pop_back();  // "\n"
    names += (i > 0 ? " " : "") + body;
  }
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += (i > 0 ? ", " : "") + ("10.0.0.1:" + std::to_string(40000 + i));
  CHECK(names == expected);
}

TEST_CASE("a /who reply is not built for a member whose queue cannot take it") {
  Fixture f;
  auto [a, ma] = f.join("10.0.2.15:1");
  ma->take();
  ma->full = true;
  f.room.handle_line(a, "/who");
  CHECK(ma->take().empty());
  CHECK(ma->refused_replies == 1);
}

TEST_CASE("private messages, actions and unknown commands") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  auto [c, mc] = f.join("3.3.3.3:3");
  f.room.handle_line(b, "/nick bob");
  ma->take(); mb->take(); mc->take();

  f.room.handle_line(a, "/msg BOB psst");
  CHECK(mb->take() == Lines{"[1.1.1.1:1 -> you] psst\n"});
  CHECK(ma->take() == Lines{"[You -> bob] psst\n"});  // confirmed with the name as known
  CHECK(mc->take().empty());

  f.room.handle_line(a, "/msg 3.3.3.3:3 by address");
  CHECK(mc->take() == Lines{"[1.1.1.1:1 -> you] by address\n"});
  CHECK(ma->take() == Lines{"[You -> 3.3.3.3:3] by address\n"});

  f.room.handle_line(a, "/msg nobody hi");
  CHECK(ma->take() == Lines{"! no such user: nobody\n"});
  f.room.handle_line(a, "/msg bob");
  CHECK(ma->take() == Lines{"! usage: /msg NAME TEXT\n"});

  f.room.handle_line(b, "/me waves");
  CHECK(ma->take() == Lines{"* bob waves\n"});
  CHECK(mc->take() == Lines{"* bob waves\n"});
  CHECK(mb->take().empty());
  f.room.handle_line(b, "/me");
  CHECK(mb->take() == Lines{"! usage: /me TEXT\n"});

  f.room.handle_line(a, "/dance now");
  CHECK(ma->take() == Lines{"! unknown command: /dance (try /help)\n"});
  f.room.handle_line(a, "/help");
  const auto help = ma->take();
  REQUIRE(help.size() == 1);
  CHECK(help[0].find("/msg NAME TEXT") != std::string::npos);
}

TEST_CASE("text is sanitized, and empty or escapes-only lines send nothing") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  ma->take(); mb->take();
  f.room.handle_line(a, "");
  f.room.handle_line(a, "   ");
  f.room.handle_line(a, "\x1b\x07");
  CHECK(mb->take().empty());
  f.room.handle_line(a, "\x1b[1mbold\ttab \xff");
  CHECK(mb->take() == Lines{"[1.1.1.1:1] [1mbold\ttab \xEF\xBF\xBD\n"});
  f.room.handle_line(a, "//slash");
  CHECK(mb->take() == Lines{"[1.1.1.1:1] /slash\n"});
}

TEST_CASE("quit is reported to the caller, who then leaves") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  ma->take(); mb->take();
  CHECK(f.room.handle_line(a, "/quit") == Chat::Outcome::quit);
  CHECK(f.room.handle_line(a, "/QUIT please") == Chat::Outcome::quit);
  CHECK(f.room.handle_line(b, "hi") == Chat::Outcome::stay);
}

TEST_CASE("a broadcast shares one line object among all receivers") {
  Fixture f;
  struct Keeper final : chat::Member {
    chat::SharedLine last;
    void deliver(const chat::SharedLine& line) override { last = line; }
  } k1, k2;
  auto [s, ms] = f.join("9.9.9.9:9");
  f.room.join(k1, "1.1.1.1:1");
  f.room.join(k2, "2.2.2.2:2");
  f.room.handle_line(s, "shared");
  REQUIRE(k1.last);
  CHECK(k1.last.get() == k2.last.get());
  (void)ms;
}

TEST_CASE("quiet mode leaves messages out of the log but keeps joins and nick changes") {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* file = open_memstream(&buf, &len);
  {
    chat::ServerLog log(file, true);
    const chat::ClassicRenderer classic;
    const chat::Renderers renderers(classic);
    Chat room(log, renderers);
    FakeMember m1, m2;
    auto a = room.join(m1, "1.1.1.1:1");
    room.join(m2, "2.2.2.2:2");
    room.handle_line(a, "secret");
    room.handle_line(a, "/me hides");
    room.handle_line(a, "/nick ann");
  }
  std::fclose(file);
  const std::string text(buf, len);
  std::free(buf);
  CHECK(text ==
        "> New user 1.1.1.1:1 entered (1 user online)\n"
        "> New user 2.2.2.2:2 entered (2 users online)\n"
        "> 1.1.1.1:1 is now known as ann\n");
}

TEST_CASE("nicknames that look like one in use are refused, and say whose") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  auto [b, mb] = f.join("2.2.2.2:2");
  f.room.handle_line(a, "/nick alice");
  ma->take();
  mb->take();
  f.room.handle_line(b, "/nick \xD0\xB0lice");  // Cyrillic а
  CHECK(mb->take() == Lines{"! nickname in use: \xD0\xB0lice (looks like alice)\n"});
  f.room.handle_line(b, "/nick \xEF\xBD\x81\xEF\xBD\x8C\xEF\xBD\x89\xEF\xBD\x83\xEF\xBD\x85");  // ａｌｉｃｅ
  CHECK(mb->take() == Lines{"! nickname in use: \xEF\xBD\x81\xEF\xBD\x8C\xEF\xBD\x89\xEF\xBD\x83\xEF\xBD\x85 (looks like alice)\n"});
  f.room.handle_line(b, "/nick alice\xEF\xB8\x8F");  // + VS16
  CHECK(mb->take() == Lines{"! invalid nickname: alice\xEF\xB8\x8F (invisible characters not allowed)\n"});
  f.room.handle_line(b, "/nick Y\xD0\xBEu");  // Cyrillic о
  CHECK(mb->take() == Lines{"! invalid nickname: Y\xD0\xBEu (reserved)\n"});
  CHECK(ma->take().empty());
  // /msg reaches the one user a look-alike name can mean.
  f.room.handle_line(b, "/msg \xD0\xB0lice hi");
  CHECK(ma->take() == Lines{"[2.2.2.2:2 -> you] hi\n"});
}

TEST_CASE("an unannounced member is announced by its first line, or leaves silently") {
  Fixture f;
  auto [a, ma] = f.join("1.1.1.1:1");
  FakeMember quiet, talker;
  const Chat::MemberId q = f.room.join(quiet, "2.2.2.2:2", /*announce=*/false);
  const Chat::MemberId t = f.room.join(talker, "3.3.3.3:3", /*announce=*/false);
  ma->take();
  CHECK(quiet.take() == Lines{"> Connected to the chat server (2 users online)\n"});
  f.room.handle_line(t, "hello");
  CHECK(ma->take() == Lines{"> New user 3.3.3.3:3 entered (3 users online)\n", "[3.3.3.3:3] hello\n"});
  CHECK(quiet.take() == Lines{"> New user 3.3.3.3:3 entered (3 users online)\n", "[3.3.3.3:3] hello\n"});
  f.room.leave(q);
  CHECK(ma->take().empty());
  f.room.leave(t);
  CHECK(ma->take() == Lines{"< The user 3.3.3.3:3 left (1 user online)\n"});
  // The log has every arrival and departure.
  CHECK(f.log_text().find("> New user 2.2.2.2:2 entered (2 users online)\n") != std::string::npos);
  CHECK(f.log_text().find("< The user 2.2.2.2:2 left (2 users online)\n") != std::string::npos);
}
