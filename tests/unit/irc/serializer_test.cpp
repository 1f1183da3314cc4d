#include "irc/serializer.h"

#include <catch2/catch.hpp>

#include <string>

#include "irc/message.h"

using namespace chat::irc;

TEST_CASE("irc serializer: the last parameter gets a colon only when it needs one") {
  std::string out;
  REQUIRE(append_message(out, "srv", "PRIVMSG", {"#a", "word"}));
  REQUIRE(append_message(out, "srv", "PRIVMSG", {"#a", "two words"}));
  REQUIRE(append_message(out, "srv", "PRIVMSG", {"#a", ":colon"}));
  REQUIRE(append_message(out, "srv", "PRIVMSG", {"#a", ""}));
  REQUIRE(append_message(out, {}, "PING", {}));
  CHECK(out ==
        ":srv PRIVMSG #a word\r\n"
        ":srv PRIVMSG #a :two words\r\n"
        ":srv PRIVMSG #a ::colon\r\n"
        ":srv PRIVMSG #a :\r\n"
        "PING\r\n");
}

TEST_CASE("irc serializer: a middle parameter that cannot be written refuses the message") {
  std::string out = "kept";
  CHECK_FALSE(append_message(out, "s", "MODE", {"", "x"}));
  CHECK_FALSE(append_message(out, "s", "MODE", {"a b", "x"}));
  CHECK_FALSE(append_message(out, "s", "MODE", {":a", "x"}));
  CHECK(out == "kept");
}

TEST_CASE("irc serializer: CR LF and NUL in text cannot forge a second line") {
  std::string out;
  REQUIRE(append_message(out, "a!a@h", "PRIVMSG", {"#a", std::string_view("hi\r\nQUIT\0x", 10)}));
  CHECK(out == ":a!a@h PRIVMSG #a :hi  QUIT x\r\n");
}

TEST_CASE("irc serializer: what it writes parses back to the same message") {
  std::string out;
  const OutTag tags[] = {{"time", "2026-12-07T17:20:01.000Z"}};
  const std::string_view params[] = {"bob", "x y ;\\"};
  REQUIRE(append_message(out, OutMessage{.tags = tags, .source = "a!a@h", .command = "NOTICE", .params = params}));
  out.resize(out.size() - 2);
  auto r = parse_message(out);
  REQUIRE(std::holds_alternative<Message>(r));
  const Message& m = std::get<Message>(r);
  CHECK(m.tag("time")->value == "2026-12-07T17:20:01.000Z");
  CHECK(m.source == "a!a@h");
  CHECK(m.command == "NOTICE");
  CHECK(m.params == std::vector<std::string_view>{"bob", "x y ;\\"});
}
