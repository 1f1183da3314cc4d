#include "irc/names.h"

#include <catch2/catch.hpp>

#include <string>

using namespace chat::irc;

TEST_CASE("irc names: a nickname is its own IRC nick") {
  CHECK(nick_for("alice") == "alice");
  CHECK(nick_for("j.doe") == "j.doe");
  CHECK(nick_for("Алиса") == "Алиса");
  CHECK_FALSE(address_for_nick("alice"));
  CHECK(name_for_nick("alice") == "alice");
}

TEST_CASE("irc names: an IPv4 address name and back") {
  CHECK(is_address_name("127.0.0.1:42590"));
  CHECK(nick_for("127.0.0.1:42590") == "u127-0-0-1|42590");
  CHECK(nick_for("255.255.255.255:65535") == "u255-255-255-255|65535");
  CHECK(address_for_nick("u127-0-0-1|42590") == "127.0.0.1:42590");
  CHECK(name_for_nick("u10-0-2-15|33084") == "10.0.2.15:33084");
}

TEST_CASE("irc names: a short IPv6 address name reads as itself") {
  CHECK(nick_for("[::1]:42590") == "u--1|42590");
  CHECK(nick_for("[2001:db8::1]:4000") == "u2001-db8--1|4000");
  CHECK(address_for_nick("u--1|42590") == "[::1]:42590");
  CHECK(address_for_nick("u2001-db8--1|4000") == "[2001:db8::1]:4000");
}

TEST_CASE("irc names: a long IPv6 address name is compact within NICKLEN") {
  const std::string name = "[2001:db8:85a3:1234:5678:8a2e:370:7334]:65535";
  const std::string nick = nick_for(name);
  CHECK(nick.starts_with("u6|"));
  CHECK(nick.size() == 32);
  CHECK(address_for_nick(nick) == name);
  // Another port, another nick.
  CHECK(nick_for("[2001:db8:85a3:1234:5678:8a2e:370:7334]:1") != nick);
}

TEST_CASE("irc names: every IRC nick of an address fits NICKLEN and passes no chat nickname check") {
  for (const char* name : {"127.0.0.1:1", "[::1]:2", "[fe80::1:2:3:4]:65535",
                           "[2001:db8:85a3:1234:5678:8a2e:370:7334]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:0"}) {
    INFO(name);
    const std::string nick = nick_for(name);
    CHECK(nick.size() <= 32);
    CHECK(nick.find_first_of(" ,*?!@:") == std::string::npos);
    CHECK(check_nick(nick) != chat::NicknameProblem::none);  // "|": no one can take it
    CHECK(address_for_nick(nick) == name);
  }
}

TEST_CASE("irc names: nicks that only look mapped are nicknames") {
  CHECK_FALSE(address_for_nick("u1-2-3|4"));          // not an address
  CHECK_FALSE(address_for_nick("u127-0-0-1|070"));    // a port with a leading zero
  CHECK_FALSE(address_for_nick("u127-0-0-1|70000"));  // past 65535
  CHECK_FALSE(address_for_nick("u0--1|5"));           // "0::1" is printed "::1"
  CHECK_FALSE(address_for_nick("u6|tooshort"));
  CHECK_FALSE(address_for_nick("u6|" + std::string(29, 'a')));  // "::", printed readable
  CHECK_FALSE(address_for_nick("x127-0-0-1|1"));
}

TEST_CASE("irc names: NICK from an IRC client follows the chat's rules") {
  CHECK(check_nick("alice") == chat::NicknameProblem::none);
  CHECK(check_nick("al ice") == chat::NicknameProblem::space);
  CHECK(check_nick("foo|bar") == chat::NicknameProblem::not_allowed);
  CHECK(check_nick(std::string(33, 'a')) == chat::NicknameProblem::too_long);
}
