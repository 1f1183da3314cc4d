// The slash commands: /nick, /who, /msg, /me, /help, /quit's neighbours,
// unknown commands and the "//" escape.
#include <catch2/catch.hpp>

#include "chat_fixtures.h"

using namespace chat::test;

TEST_CASE("/nick renames the user and tells everyone", "[commands][nick]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  const std::string old_name = alice.address_name();

  alice.send_line("/nick alice");
  alice.expect_line("> You are now known as alice");
  bob.expect_line("> " + old_name + " is now known as alice");

  alice.send_line("hi");
  bob.expect_line("[alice] hi");
  expect_who(bob, {"alice", bob.address_name()});

  alice.shutdown_write();
  bob.expect_line("< The user alice left (1 user online)");
}

TEST_CASE("/nick rejects a name in use ignoring ASCII case", "[commands][nick]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("/nick Alice");
  alice.expect_line("> You are now known as Alice");
  bob.expect_line("> " + alice.address_name() + " is now known as Alice");

  bob.send_line("/nick Alice");
  bob.expect_line("! nickname in use: Alice");
  bob.send_line("/nick aLICE");
  bob.expect_line("! nickname in use: aLICE");
  // Nobody else heard of the failed attempts, and bob kept his name.
  expect_who(alice, {"Alice", bob.address_name()});
  expect_who(bob, {"Alice", bob.address_name()});
}

TEST_CASE("/nick rejects invalid names", "[commands][nick]") {
  ChatdProcess server;
  TestClient user = join(server, {});
  TestClient other = join(server, {&user});
  const std::string too_long(33, 'a');
  for (const std::string& bad : {std::string("a b"), too_long, std::string("a[b"), std::string("[x]"),
                                std::string("a:b"), std::string("a,b"), std::string("a/b"),
                                std::string("a@b"), std::string("You"), std::string("you"),
                                std::string("YOU")}) {
    INFO("nickname \"" << bad << "\"");
    user.send_line("/nick " + bad);
    user.expect_line("! invalid nickname: " + bad);
  }
  // Still anonymous, and nobody else saw a thing.
  expect_who(other, {user.address_name(), other.address_name()});
}

TEST_CASE("/nick accepts 32 characters and names in other scripts", "[commands][nick]") {
  ChatdProcess server;
  TestClient user = join(server, {});
  TestClient other = join(server, {&user});
  const std::string longest(32, 'x');
  user.send_line("/nick " + longest);
  user.expect_line("> You are now known as " + longest);
  other.expect_line("> " + user.address_name() + " is now known as " + longest);

  // Nine bytes but three code points.
  user.send_line("/nick 김철수");
  user.expect_line("> You are now known as 김철수");
  other.expect_line("> " + longest + " is now known as 김철수");
  user.send_line("/nick a_b-c.9");
  user.expect_line("> You are now known as a_b-c.9");
  other.expect_line("> 김철수 is now known as a_b-c.9");
  user.send_line("annyeong");
  other.expect_line("[a_b-c.9] annyeong");
}

TEST_CASE("/nick without a name prints its usage", "[commands][nick]") {
  ChatdProcess server;
  TestClient user = join(server, {});
  user.send_line("/nick");
  user.expect_line("! usage: /nick NAME");
  user.send_line("/nick   ");
  user.expect_line("! usage: /nick NAME");
}

TEST_CASE("/who lists users in order of arrival with their nicknames", "[commands][who]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  TestClient c = join(server, {&a, &b});
  b.send_line("/nick bee");
  b.expect_line("> You are now known as bee");
  a.expect_line("> " + b.address_name() + " is now known as bee");
  c.expect_line("> " + b.address_name() + " is now known as bee");
  expect_who(c, {a.address_name(), "bee", c.address_name()});

  a.shutdown_write();
  b.expect_line("< The user " + a.address_name() + " left (2 users online)");
  c.expect_line("< The user " + a.address_name() + " left (2 users online)");
  expect_who(b, {"bee", c.address_name()});
}

TEST_CASE("command words ignore ASCII case", "[commands]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  a.send_line("/WHO");
  a.expect_line("> Online (1): " + a.address_name());
  a.send_line("/Nick Ann");
  a.expect_line("> You are now known as Ann");
}

TEST_CASE("/msg delivers privately and confirms to the sender", "[commands][msg]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  TestClient carol = join(server, {&alice, &bob});
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> " + bob.address_name() + " is now known as bob");
  carol.expect_line("> " + bob.address_name() + " is now known as bob");

  alice.send_line("/msg bob psst, a secret");
  bob.expect_line("[" + alice.address_name() + " -> you] psst, a secret");
  // The sender learns it was delivered, and to whom.
  alice.expect_line("[You -> bob] psst, a secret");
  // Lookup ignores ASCII case; the confirmation names bob as he is known.
  alice.send_line("/msg BOB again");
  bob.expect_line("[" + alice.address_name() + " -> you] again");
  alice.expect_line("[You -> bob] again");
  // An anonymous user is reached by IP:PORT.
  bob.send_line("/msg " + carol.address_name() + " hello carol");
  carol.expect_line("[bob -> you] hello carol");
  bob.expect_line("[You -> " + carol.address_name() + "] hello carol");

  // Nothing else reached anyone: carol heard nothing of alice's messages.
  expect_who(alice, {alice.address_name(), "bob", carol.address_name()});
  expect_who(carol, {alice.address_name(), "bob", carol.address_name()});
  expect_who(bob, {alice.address_name(), "bob", carol.address_name()});
}

TEST_CASE("/msg errors: unknown user and usage", "[commands][msg]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("/msg nobody hello");
  alice.expect_line("! no such user: nobody");
  alice.send_line("/msg");
  alice.expect_line("! usage: /msg NAME TEXT");
  alice.send_line("/msg " + bob.address_name());
  alice.expect_line("! usage: /msg NAME TEXT");
  alice.send_line("/msg " + bob.address_name() + "   ");
  alice.expect_line("! usage: /msg NAME TEXT");
  expect_who(bob, {alice.address_name(), bob.address_name()});
}

TEST_CASE("/me sends an action line to everyone else", "[commands][me]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("/me waves");
  bob.expect_line("* " + alice.address_name() + " waves");
  alice.send_line("/me");
  alice.expect_line("! usage: /me TEXT");  // also proves no echo of the action
  expect_who(bob, {alice.address_name(), bob.address_name()});
}

TEST_CASE("/help lists the commands on lines starting with \"> \"", "[commands][help]") {
  ChatdProcess server;
  TestClient user = join(server, {});
  user.send_line("/help");
  user.send_line("/who");
  const std::string who_reply = "> Online (1): " + user.address_name();
  std::vector<std::string> help;
  for (;;) {
    auto line = user.read_line();
    REQUIRE(line.has_value());
    if (*line == who_reply) break;
    help.push_back(*line);
    REQUIRE(help.size() < 100);
  }
  REQUIRE(help.size() >= 2);
  std::string all;
  for (const auto& line : help) {
    INFO("help line \"" << line << "\"");
    CHECK(line.starts_with("> "));
    all += line + "\n";
  }
  for (const char* command : {"/nick", "/who", "/msg", "/me", "/quit", "/help"}) {
    INFO("help text:\n" << all);
    CHECK(all.find(command) != std::string::npos);
  }
}

TEST_CASE("an unknown command is answered with a hint", "[commands]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("/frobnicate now");
  alice.expect_line("! unknown command: /frobnicate (try /help)");
  expect_who(bob, {alice.address_name(), bob.address_name()});
}

TEST_CASE("a line starting with // is text with one slash removed", "[commands]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("//who is there?");
  bob.expect_line("[" + alice.address_name() + "] /who is there?");
  alice.send_line("//");
  bob.expect_line("[" + alice.address_name() + "] /");
  expect_who(alice, {alice.address_name(), bob.address_name()});
}
