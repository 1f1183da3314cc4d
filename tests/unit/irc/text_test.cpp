// Splitting long lines, CTCP ACTION and the server-time format.
#include <catch2/catch.hpp>

#include <string>

#include "irc/ctcp.h"
#include "irc/server_time.h"
#include "irc/split.h"
#include "utf8.h"

using namespace chat::irc;

namespace {

std::string joined(const std::vector<std::string_view>& pieces) {
  std::string out;
  for (auto p : pieces) out.append(p);
  return out;
}

}  // namespace

TEST_CASE("irc split: text that fits is one piece") {
  CHECK(split_text("hello", 100) == std::vector<std::string_view>{"hello"});
  CHECK(split_text("", 100) == std::vector<std::string_view>{""});
}

TEST_CASE("irc split: the room is what 512 bytes leave after the prefix") {
  // ":a!a@chat PRIVMSG #rust :" is 25 bytes, "\r\n" 2
  CHECK(text_room("a!a@chat", "PRIVMSG", "#rust") == 512 - 25 - 2);
  CHECK(text_room(std::string(600, 's'), "PRIVMSG", "#a") == 4);
}

TEST_CASE("irc split: a 4096-byte line of 3-byte characters is cut on character boundaries") {
  std::string text;
  while (text.size() < 4096) text.append("€");  // 3 bytes each
  const std::size_t room = text_room("alice!alice@chat", "PRIVMSG", "#rust");
  const auto pieces = split_text(text, room);
  CHECK(pieces.size() > 8);
  for (auto p : pieces) {
    CHECK(p.size() <= room);
    CHECK(chat::is_valid_utf8(p));
  }
  CHECK(joined(pieces) == text);
}

TEST_CASE("irc split: 4-byte characters and every room size keep UTF-8 valid") {
  std::string text;
  for (int i = 0; i < 100; ++i) text.append("a😀é");
  for (std::size_t room = 4; room < 40; ++room) {
    const auto pieces = split_text(text, room);
    for (auto p : pieces) {
      CHECK(p.size() <= room);
      CHECK(chat::is_valid_utf8(p));
    }
    CHECK(joined(pieces) == text);
  }
}

TEST_CASE("irc split: words are kept whole where a space is in the second half") {
  const auto pieces = split_text("aaaa bbbb cccc", 10);
  CHECK(pieces == std::vector<std::string_view>{"aaaa bbbb ", "cccc"});
  // No space late enough: cut at the room.
  CHECK(split_text("a bbbbbbbbbbbb", 8) == std::vector<std::string_view>{"a bbbbbb", "bbbbbb"});
}

TEST_CASE("irc ctcp: ACTION both ways") {
  CHECK(action_text("\x01" "ACTION waves\x01") == "waves");
  CHECK(action_text("\x01" "action waves") == "waves");  // no closing \x01, lower case
  CHECK(action_text("\x01" "ACTION\x01") == "");
  CHECK_FALSE(action_text("\x01" "ACTIONS x\x01"));
  CHECK_FALSE(action_text("\x01" "VERSION\x01"));
  CHECK_FALSE(action_text("ACTION waves"));
  CHECK(ctcp_command("\x01version\x01") == "VERSION");
  CHECK(ctcp_command("hi").empty());
  std::string out;
  append_action(out, "runs the checklist");
  CHECK(out == "\x01" "ACTION runs the checklist\x01");
  CHECK(action_text(out) == "runs the checklist");
}

TEST_CASE("irc server-time: milliseconds in UTC with a Z") {
  CHECK(format_server_time(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_server_time(1796664001000) == "2026-12-07T17:20:01.000Z");
  CHECK(format_server_time(951782400123) == "2000-02-29T00:00:00.123Z");
  CHECK(format_server_time(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("irc server-time: parsing is the inverse and refuses other shapes") {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1796664001000}, std::int64_t{951782400123},
                          std::int64_t{4102444799999}}) {
    CHECK(parse_server_time(format_server_time(ms)) == ms);
  }
  CHECK_FALSE(parse_server_time("2026-12-07T17:20:01Z"));
  CHECK_FALSE(parse_server_time("2026-04-31T00:00:00.000Z"));
  CHECK_FALSE(parse_server_time("2026-13-01T00:00:00.000Z"));
  CHECK_FALSE(parse_server_time("2026-12-07 17:20:01.000Z"));
}
