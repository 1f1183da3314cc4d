// Moderation as users see it, on the chat alone (core/moderation_commands.cpp):
// every line of docs/PROTOCOL.md "Moderation", with a clock the test moves.
// Members are logged in through Chat::set_account, as /login does.
#include <catch2/catch.hpp>

#include <string>

#include "core/moderation/rule_event.h"
#include "room_fixture.h"

using chat::RoomConfig;
using chat::test::FakeMember;
using chat::test::Fixture;
using chat::test::Lines;

namespace {

std::int64_t g_now = 1'796'115'900;  // 2026-12-01 09:05:00 UTC
std::int64_t test_clock() { return g_now; }

RoomConfig config() {
  RoomConfig c;
  c.clock = &test_clock;
  return c;
}

struct Mod : Fixture {
  Mod() : Fixture(config()) { g_now = 1'796'115'900; }
  // A member called `nick`, logged in as `account` (none if empty).
  std::pair<chat::Chat::MemberId, FakeMember*> user(const std::string& addr, const std::string& nick,
                                                   const std::string& account = {}) {
    auto [id, m] = join(addr);
    room.handle_line(id, "/nick " + nick);
    if (!account.empty()) room.set_account(id, account);
    return {id, m};
  }
  void clear() {
    for (auto& m : members) m->take();
  }
};

}  // namespace

TEST_CASE("a logged-in user who creates a room owns it and can make operators shown as @") {
  Mod f;
  f.room.set_admins({"root"});
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob", "bob");
  auto [c, mc] = f.user("3.3.3.3:3", "carol");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(b, "/join #rust");
  f.room.handle_line(c, "/join #rust");
  f.clear();
  CHECK(f.log_text().find("> alice owns #rust\n") != std::string::npos);

  f.room.handle_line(a, "/op bob");
  CHECK(ma->take() == Lines{"> alice made bob an operator of #rust\n"});
  CHECK(mb->take() == Lines{"> alice made bob an operator of #rust\n"});
  CHECK(mc->take() == Lines{"> alice made bob an operator of #rust\n"});
  f.room.handle_line(c, "/who");
  CHECK(mc->take() == Lines{"> In #rust (3): @alice, @bob, carol\n"});

  f.room.handle_line(a, "/op carol");  // not registered
  CHECK(ma->take() == Lines{"! nickname carol is not registered\n"});
  f.room.handle_line(b, "/op alice");  // operators do not make operators
  CHECK(mb->take() == Lines{"! you are not an operator of #rust\n"});
  f.room.handle_line(c, "/kick bob");
  CHECK(mc->take() == Lines{"! you are not an operator of #rust\n"});

  f.room.handle_line(a, "/deop bob");
  CHECK(mb->take() == Lines{"> alice removed bob as an operator of #rust\n"});
  f.room.handle_line(a, "/deop bob");
  CHECK(ma->take().back() == "! bob is not an operator of #rust\n");
  CHECK(f.log_text().find("> alice made bob an operator of #rust\n") != std::string::npos);
}

TEST_CASE("a room with an owner outlives its last member and its owner keeps it") {
  Mod f;
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob", "bob");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(a, "/join #lobby");
  f.clear();
  f.room.handle_line(b, "/rooms");
  CHECK(mb->take() == Lines{"> Rooms (2): #lobby (2), #rust (0)\n"});
  f.room.handle_line(b, "/join #rust");  // not its creator: not its owner
  f.room.handle_line(b, "/topic mine");
  CHECK(mb->take().back() == "! you are not an operator of #rust\n");
}

TEST_CASE("/topic sets it, shows it, and entering the room shows it before history") {
  Mod f;
  f.room.set_admins({"root"});
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(a, "/topic");
  CHECK(ma->take().back() == "> No topic\n");
  f.room.handle_line(a, "/topic all things rust");
  CHECK(ma->take() == Lines{"> alice set the topic: all things rust\n"});
  f.room.handle_line(a, "/topic");
  CHECK(ma->take() == Lines{"> Topic: all things rust (set by alice)\n"});
  mb->take();
  f.room.handle_line(b, "/join #rust");
  CHECK(mb->take() == Lines{"> You are now in #rust (2 users here)\n", "> Topic: all things rust (set by alice)\n"});
  CHECK(f.log_text().find("> alice set the topic: all things rust\n") != std::string::npos);

  // A room without an owner: anyone.
  f.room.handle_line(b, "/join #free");
  f.room.handle_line(b, "/topic open");
  CHECK(mb->take().back() == "> bob set the topic: open\n");
  // The default room: admins.
  f.room.handle_line(b, "/join #lobby");
  mb->take();
  f.room.handle_line(b, "/topic x");
  CHECK(mb->take() == Lines{"! you are not an operator of #lobby\n"});
  auto [r, mr] = f.user("9.9.9.9:9", "root", "root");
  f.room.handle_line(r, "/topic welcome all");
  auto [n, mn] = f.join("5.5.5.5:5");
  const Lines got = mn->take();
  REQUIRE(got.size() >= 2);
  CHECK(got[0].starts_with("> Connected to the chat server"));
  CHECK(got[1] == "> Topic: welcome all (set by root)\n");
}

TEST_CASE("/kick moves the user to the default room and from there disconnects it") {
  Mod f;
  f.room.set_admins({"root"});
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob");
  auto [c, mc] = f.user("3.3.3.3:3", "carol");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(b, "/join #rust");
  f.clear();
  f.room.handle_line(a, "/kick bob spamming links");
  CHECK(ma->take() == Lines{"< bob was kicked by alice (spamming links)\n"});
  CHECK(mb->take() == Lines{"! you were kicked from #rust by alice (spamming links)\n",
                            "> You are now in #lobby (2 users here)\n"});
  CHECK(mc->take() == Lines{"> bob joined #lobby (2 users here)\n"});
  CHECK(f.log_text().find("< bob was kicked by alice (spamming links)\n") != std::string::npos);
  f.room.handle_line(a, "/kick carol");
  CHECK(ma->take() == Lines{"! carol is not in #rust\n"});

  auto [r, mr] = f.user("9.9.9.9:9", "root", "root");
  f.clear();
  f.room.handle_line(r, "/kick bob");
  CHECK(mb->take() == Lines{"! you were kicked from #lobby by root\n"});
  CHECK(mb->expelled);
  CHECK(mb->expelled_because == chat::DropReason::kicked);
  CHECK(mc->take() == Lines{"< bob was kicked by root\n"});
  f.room.handle_line(c, "/who");
  CHECK(mc->take() == Lines{"> In #lobby (2): carol, root\n"});
  mr->take();
  f.room.handle_line(r, "/kick root");
  CHECK(mr->take() == Lines{"! root cannot be moderated in #lobby\n"});
}

TEST_CASE("/ban with a duration bans the account, kicks the member, and ends on time") {
  Mod f;
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob", "bob");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(b, "/join #rust");
  f.clear();
  f.room.handle_line(a, "/ban bob 2h flooding");
  CHECK(ma->take() == Lines{"> alice banned bob from #rust for 2h (flooding)\n", "< bob was kicked by alice (flooding)\n"});
  CHECK(mb->take() == Lines{"> alice banned bob from #rust for 2h (flooding)\n",
                            "! you were kicked from #rust by alice (flooding)\n",
                            "> You are now in #lobby (1 user here)\n"});
  f.room.handle_line(b, "/join #rust");
  CHECK(mb->take() == Lines{"! you are banned from #rust\n"});
  g_now += 60;
  f.room.handle_line(a, "/bans");
  CHECK(ma->take() == Lines{"> Bans in #rust (1): bob (1h 59m left, by alice: flooding)\n"});
  g_now += 2 * 3600;
  f.room.handle_line(b, "/join #rust");
  CHECK(mb->take().front() == "> You are now in #rust (2 users here)\n");
  f.room.handle_line(a, "/bans");
  CHECK(ma->take().back() == "> No bans in #rust\n");
}

TEST_CASE("/ban of an unregistered member bans its address, /unban lifts it") {
  Mod f;
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [s, ms] = f.user("203.0.113.9:4000", "spammer");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(s, "/join #rust");
  f.clear();
  f.room.handle_line(a, "/ban spammer");
  CHECK(ma->take().front() == "> alice banned spammer from #rust\n");
  f.room.handle_line(a, "/bans");
  CHECK(ma->take() == Lines{"> Bans in #rust (1): 203.0.113.9 (by alice)\n"});
  auto [t, mt] = f.user("203.0.113.9:4001", "again");  // another connection, same address
  f.room.handle_line(t, "/join #rust");
  CHECK(mt->take().back() == "! you are banned from #rust\n");
  f.room.handle_line(a, "/unban 203.0.113.9");
  CHECK(ma->take() == Lines{"> alice unbanned 203.0.113.9 from #rust\n"});
  f.room.handle_line(a, "/unban 203.0.113.9");
  CHECK(ma->take() == Lines{"! 203.0.113.9 is not banned from #rust\n"});
  f.room.handle_line(a, "/ban nobody-here");
  CHECK(ma->take() == Lines{"! no such user: nobody-here\n"});
}

TEST_CASE("an admin's ban in the default room is server-wide") {
  Mod f;
  f.room.set_admins({"root"});
  auto [r, mr] = f.user("9.9.9.9:9", "root", "root");
  auto [s, ms] = f.user("203.0.113.9:4000", "spammer");
  auto [m, mm] = f.user("8.8.8.8:8", "mallory", "mallory");
  f.room.handle_line(m, "/join #other");
  f.clear();
  f.room.handle_line(r, "/ban spammer 7d");
  CHECK(ms->take() == Lines{"> root banned spammer from #lobby for 7d\n", "! you are banned from this server\n"});
  CHECK(ms->expelled);
  CHECK(ms->expelled_because == chat::DropReason::banned);
  CHECK(f.room.server_banned_address("203.0.113.9"));
  CHECK_FALSE(f.room.server_banned_address("203.0.113.10"));
  f.room.handle_line(r, "/ban mallory");  // an account, in another room: out too
  CHECK(mm->take() == Lines{"! you are banned from this server\n"});
  CHECK(mm->expelled);
  CHECK(mm->expelled_because == chat::DropReason::banned);
  CHECK(f.room.server_banned_account("Mallory"));
}

TEST_CASE("/mute refuses the muted user's text and /me until it ends or /unmute") {
  Mod f;
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(b, "/join #rust");
  f.clear();
  f.room.handle_line(a, "/mute bob 30m");
  CHECK(ma->take() == Lines{"> alice muted bob in #rust for 30m\n"});
  f.room.handle_line(b, "hello?");
  f.room.handle_line(b, "/me waves");
  CHECK(mb->take() == Lines{"> alice muted bob in #rust for 30m\n", "! you are muted in #rust\n",
                            "! you are muted in #rust\n"});
  CHECK(ma->take().empty());
  g_now += 1800;
  f.room.handle_line(b, "back");
  CHECK(ma->take() == Lines{"[bob] back\n"});
  f.room.handle_line(a, "/mute bob");
  f.room.handle_line(a, "/unmute bob");
  CHECK(ma->take().back() == "> alice unmuted bob in #rust\n");
  f.room.handle_line(a, "/mute bob soon");
  CHECK(ma->take() == Lines{"! usage: /mute NAME [DURATION]\n"});
}

TEST_CASE("/private makes a room invite-only and /invite lets one in") {
  Mod f;
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob");
  auto [c, mc] = f.user("3.3.3.3:3", "carol");
  f.room.handle_line(a, "/join #club");
  f.clear();
  f.room.handle_line(a, "/private on");
  CHECK(ma->take() == Lines{"> alice made #club invite-only\n"});
  f.room.handle_line(b, "/join #club");
  CHECK(mb->take() == Lines{"! #club is invite-only\n"});
  f.room.handle_line(c, "/rooms");
  CHECK(mc->take() == Lines{"> Rooms (1): #lobby (2)\n"});
  f.room.handle_line(a, "/invite bob");
  CHECK(ma->take() == Lines{"> You invited bob to #club\n"});
  CHECK(mb->take() == Lines{"> alice invites you to #club: /join #club\n"});
  f.room.handle_line(b, "/rooms");
  CHECK(mb->take() == Lines{"> Rooms (2): #lobby (2), #club (1) (private)\n"});
  f.room.handle_line(b, "/join #club");
  CHECK(mb->take().front() == "> You are now in #club (2 users here)\n");
  f.room.handle_line(a, "/private maybe");
  CHECK(ma->take().back() == "! usage: /private on|off\n");
  f.room.handle_line(a, "/private off");
  mc->take();
  f.room.handle_line(c, "/join #club");
  CHECK(mc->take().front() == "> You are now in #club (3 users here)\n");
  CHECK(f.log_text().find("> alice invited bob to #club\n") != std::string::npos);
}

TEST_CASE("without moderation the lines are today's") {
  Mod f;
  auto [a, ma] = f.user("1.1.1.1:1", "alice");
  f.room.handle_line(a, "/join #rust");
  CHECK(ma->take().back() == "> You are now in #rust (1 user here)\n");
  f.room.handle_line(a, "/join #lobby");
  f.room.handle_line(a, "/rooms");
  CHECK(ma->take().back() == "> Rooms (1): #lobby (1)\n");  // nobody owns #rust: it is gone
  CHECK(f.room.moderation().empty());
}

TEST_CASE("an address ban spares the room's operators behind the same address") {
  Mod f;
  auto [a, ma] = f.user("127.0.0.1:1", "alice", "alice");
  auto [s, ms] = f.user("127.0.0.1:2", "spammer");
  f.room.handle_line(a, "/join #rust");
  f.room.handle_line(s, "/join #rust");
  f.clear();
  f.room.handle_line(a, "/ban spammer 7d spam");
  CHECK(ma->take() == Lines{"> alice banned spammer from #rust for 7d (spam)\n", "< spammer was kicked by alice (spam)\n"});
  CHECK(ms->take().back() == "> You are now in #lobby (1 user here)\n");
  f.room.handle_line(a, "/who");
  CHECK(ma->take() == Lines{"> In #rust (1): @alice\n"});
}

namespace {

struct CountingSink final : chat::ModerationSink {
  std::vector<chat::ModerationRule> saved;
  void save(const chat::ModerationRule& rule) override { saved.push_back(rule); }
};

}  // namespace

TEST_CASE("the rules a cluster holds replace this chat's: new ones apply, missing ones are lifted, known ones cost nothing") {
  Mod f;
  CountingSink sink;
  f.room.set_moderation_sink(&sink);
  auto [a, ma] = f.user("1.1.1.1:1", "alice", "alice");
  auto [b, mb] = f.user("2.2.2.2:2", "bob");
  f.room.handle_line(a, "/join #rust");  // alice owns #rust
  f.room.handle_line(b, "/join #rust");
  f.room.handle_line(a, "/topic old");
  f.clear();
  std::vector<chat::ClusterEvent> held = f.room.rule_events();  // owner and topic
  REQUIRE(held.size() == 2);
  sink.saved.clear();

  // As held: nothing is stored again.
  f.room.load_rules(held);
  CHECK(sink.saved.empty());

  // The cluster holds a ban of bob's address and no topic: bob is kicked,
  // the topic lifted (and both stored).
  chat::ModerationRule ban;
  ban.kind = chat::ModerationRule::Kind::ban;
  ban.room = "#rust";
  ban.key = "h:2.2.2.2";
  ban.name = "2.2.2.2";
  ban.by = "alice";
  std::vector<chat::ClusterEvent> cluster;
  for (const chat::ClusterEvent& e : held) {
    if (chat::rule_of(e)->kind == chat::ModerationRule::Kind::owner) cluster.push_back(e);
  }
  cluster.push_back(chat::rule_event(ban));
  f.room.load_rules(cluster);
  CHECK(mb->take() == Lines{"! you were kicked from #rust by alice\n", "> You are now in #lobby (1 user here)\n"});
  f.room.handle_line(b, "/join #rust");
  CHECK(mb->take() == Lines{"! you are banned from #rust\n"});
  f.room.handle_line(a, "/topic");
  CHECK(ma->take().back() == "> No topic\n");
  CHECK(sink.saved.size() == 2);
}
