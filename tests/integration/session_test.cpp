// Joining, talking and leaving: the lines every side sees, byte for byte.
#include <catch2/catch.hpp>

#include "chat_fixtures.h"

using namespace chat::test;

TEST_CASE("first user is welcomed with a singular count", "[session]") {
  ChatdProcess server;
  TestClient alone(server.port());
  alone.expect_line("> Connected to the chat server (1 user online)");
  expect_who(alone, {alone.address_name()});
}

TEST_CASE("second user is welcomed with a plural count and announced", "[session]") {
  ChatdProcess server;
  TestClient first(server.port());
  first.expect_line("> Connected to the chat server (1 user online)");
  TestClient second(server.port());
  second.expect_line("> Connected to the chat server (2 users online)");
  first.expect_line("> New user " + second.address_name() + " entered (2 users online)");
}

TEST_CASE("classic two-user transcript", "[session]") {
  ChatdProcess server;
  TestClient user1 = join(server, {});
  // Said to an empty room: nobody hears it, not even a later arrival.
  user1.send_line("anyone here?");
  expect_who(user1, {user1.address_name()});  // the line was handled before user2 came
  TestClient user2 = join(server, {&user1});
  const std::string name1 = user1.address_name(), name2 = user2.address_name();

  user1.send_line("Hello");
  user2.expect_line("[" + name1 + "] Hello");
  user2.send_line("World");
  user1.expect_line("[" + name2 + "] World");

  user2.shutdown_write();
  // Any echo of "Hello" to user1 would have come before these lines.
  user1.expect_line("< The user " + name2 + " left (1 user online)");
  REQUIRE(user2.wait_closed());  // user2 saw nothing after "[user1] Hello"

  expect_who(user1, {name1});
  user1.shutdown_write();
  REQUIRE(user1.wait_closed());
}

TEST_CASE("classic three-user transcript", "[session]") {
  ChatdProcess server;
  TestClient user1 = join(server, {});
  TestClient user2 = join(server, {&user1});
  TestClient user3 = join(server, {&user1, &user2});
  const std::string name1 = user1.address_name(), name2 = user2.address_name(),
                    name3 = user3.address_name();

  user1.send_line("Hello");
  user2.expect_line("[" + name1 + "] Hello");
  user3.expect_line("[" + name1 + "] Hello");
  user2.send_line("World");
  user1.expect_line("[" + name2 + "] World");
  user3.expect_line("[" + name2 + "] World");
  user3.send_line("Bye");
  user1.expect_line("[" + name3 + "] Bye");
  user2.expect_line("[" + name3 + "] Bye");

  user3.shutdown_write();
  user1.expect_line("< The user " + name3 + " left (2 users online)");
  user2.expect_line("< The user " + name3 + " left (2 users online)");
  REQUIRE(user3.wait_closed());

  user2.shutdown_write();
  user1.expect_line("< The user " + name2 + " left (1 user online)");
  REQUIRE(user2.wait_closed());

  // Nothing else (no echo of user1's own line) reached user1.
  expect_who(user1, {name1});
}

TEST_CASE("a text line reaches everyone else but is not echoed", "[session]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("no echo please");
  b.expect_line("[" + a.address_name() + "] no echo please");
  expect_who(a, {a.address_name(), b.address_name()});  // the reply comes first
}

TEST_CASE("leaving by EOF announces the leave line and closes", "[session]") {
  ChatdProcess server;
  TestClient stays = join(server, {});
  TestClient leaves = join(server, {&stays});
  leaves.shutdown_write();
  stays.expect_line("< The user " + leaves.address_name() + " left (1 user online)");
  REQUIRE(leaves.wait_closed());
}

TEST_CASE("leaving by connection reset announces the leave line", "[session]") {
  ChatdProcess server;
  TestClient stays = join(server, {});
  TestClient leaves = join(server, {&stays});
  const std::string name = leaves.address_name();
  leaves.reset();
  stays.expect_line("< The user " + name + " left (1 user online)");
  expect_who(stays, {stays.address_name()});
}

TEST_CASE("leaving by /quit closes the connection and announces the leave line", "[session]") {
  ChatdProcess server;
  TestClient stays = join(server, {});
  TestClient leaves = join(server, {&stays});
  leaves.send_line("/quit");
  REQUIRE(leaves.wait_closed());
  stays.expect_line("< The user " + leaves.address_name() + " left (1 user online)");
}

TEST_CASE("the last user leaving and a newcomer counting from one again", "[session]") {
  ChatdProcess server;
  {
    TestClient first = join(server, {});
    first.send_line("/quit");
    REQUIRE(first.wait_closed());
  }
  TestClient again(server.port());
  again.expect_line("> Connected to the chat server (1 user online)");
}
