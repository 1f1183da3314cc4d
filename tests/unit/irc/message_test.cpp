#include "irc/message.h"

#include <catch2/catch.hpp>

#include <string>

#include "irc/framer.h"
#include "irc/serializer.h"

using namespace chat::irc;

namespace {

Message parsed(std::string_view line) {
  auto r = parse_message(line);
  REQUIRE(std::holds_alternative<Message>(r));
  return std::get<Message>(std::move(r));
}

ParseError refused(std::string_view line) {
  auto r = parse_message(line);
  REQUIRE(std::holds_alternative<ParseError>(r));
  return std::get<ParseError>(r);
}

}  // namespace

TEST_CASE("irc message: command and parameters with a trailing one") {
  const Message m = parsed("privmsg #rust :hello there  ");
  CHECK(m.command == "PRIVMSG");
  CHECK(m.source.empty());
  REQUIRE(m.params.size() == 2);
  CHECK(m.params[0] == "#rust");
  CHECK(m.params[1] == "hello there  ");
  CHECK(m.param(5).empty());
}

TEST_CASE("irc message: source and numerics") {
  const Message m = parsed(":alice!alice@chat 433 * bob :Nickname is already in use");
  CHECK(m.source == "alice!alice@chat");
  CHECK(m.command == "433");
  CHECK(m.params.size() == 3);
  CHECK(m.params[2] == "Nickname is already in use");
}

TEST_CASE("irc message: several spaces between parameters and an empty trailing") {
  const Message m = parsed("USER  guest   0 *   :");
  REQUIRE(m.params.size() == 4);
  CHECK(m.params[0] == "guest");
  CHECK(m.params[3].empty());
  const Message ping = parsed("PING");
  CHECK(ping.params.empty());
}

TEST_CASE("irc message: a 15th parameter takes the rest of the line") {
  const Message m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17");
  REQUIRE(m.params.size() == 15);
  CHECK(m.params[14] == "15 16 17");
}

TEST_CASE("irc message: tags with escaped values") {
  const Message m = parsed(R"(@time=2026-12-07T17:20:01.000Z;+draft/reply=a\:b\sc\\d\r\n;flag;empty= PRIVMSG #a :x)");
  REQUIRE(m.tags.size() == 4);
  CHECK(m.tag("time")->value == "2026-12-07T17:20:01.000Z");
  CHECK(m.tag("+draft/reply")->value == "a;b c\\d\r\n");
  CHECK(m.tag("flag")->value.empty());
  CHECK(m.tag("empty")->value.empty());
  CHECK(m.tag("absent") == nullptr);
  CHECK(m.command == "PRIVMSG");
}

TEST_CASE("irc message: unknown escapes drop the backslash and a trailing one is dropped") {
  CHECK(unescape_tag_value(R"(a\bc)") == "abc");
  CHECK(unescape_tag_value("abc\\") == "abc");
  CHECK(unescape_tag_value(R"(\\s)") == "\\s");
}

TEST_CASE("irc message: a tag key given twice keeps the last value and bad keys are dropped") {
  const Message m = parsed("@a=1;a=2;bad_key=3;=4;x/=5 PING :t");
  REQUIRE(m.tags.size() == 1);
  CHECK(m.tag("a")->value == "2");
}

TEST_CASE("irc message: tag key shapes") {
  CHECK(is_valid_tag_key("time"));
  CHECK(is_valid_tag_key("+typing"));
  CHECK(is_valid_tag_key("+draft/reply"));
  CHECK(is_valid_tag_key("example.com/x-y"));
  CHECK_FALSE(is_valid_tag_key(""));
  CHECK_FALSE(is_valid_tag_key("+"));
  CHECK_FALSE(is_valid_tag_key("a_b"));
  CHECK_FALSE(is_valid_tag_key("/x"));
}

TEST_CASE("irc message: escaping round trips through the serializer and the parser") {
  const std::string value = "semi; space \\ cr\r lf\n end";
  std::string line;
  const OutTag tags[] = {{"+example.com/v", value}, {"bare", ""}};
  const std::string_view params[] = {"#a", "hi"};
  REQUIRE(append_message(line, OutMessage{.tags = tags, .command = "TAGMSG", .params = params}));
  REQUIRE(line.ends_with("\r\n"));
  line.resize(line.size() - 2);
  CHECK(line.find(' ') > line.find("\\s"));  // the value's spaces are escaped
  const Message m = parsed(line);
  CHECK(m.tag("+example.com/v")->value == value);
  CHECK(m.tag("bare")->value.empty());
}

TEST_CASE("irc message: refusals") {
  CHECK(refused("") == ParseError::empty);
  CHECK(refused("   ") == ParseError::empty);
  CHECK(refused("@a=b ") == ParseError::no_command);
  CHECK(refused(":src") == ParseError::no_command);
  CHECK(refused("PRIV-MSG x") == ParseError::bad_command);
  CHECK(refused("12 x") == ParseError::bad_command);
  CHECK(refused(std::string_view("PING a\0b", 8)) == ParseError::bad_bytes);
  CHECK(refused("PING a\rb") == ParseError::bad_bytes);
}

TEST_CASE("irc message: 510 bytes of message pass and 511 are too long") {
  const std::string head = "PRIVMSG #a :";
  const std::string fits = head + std::string(kMaxBodyBytes - head.size(), 'x');
  CHECK(parsed(fits).params[1].size() == kMaxBodyBytes - head.size());
  CHECK(refused(fits + "x") == ParseError::too_long);
  // Tags do not count against the 510.
  CHECK(parsed("@a=" + std::string(1000, 'v') + " " + fits).command == "PRIVMSG");
}

TEST_CASE("irc message: a client may send 4094 bytes of tag data and not 4095") {
  const std::string value(kMaxClientTagData - 2, 'v');  // "a=" + value
  CHECK(parsed("@a=" + value + " PING").tag("a")->value.size() == value.size());
  CHECK(refused("@a=" + value + "v PING") == ParseError::tags_too_long);
}

TEST_CASE("irc message: a server's tags may take 8191 bytes and not 8192") {
  // "@" + "a=" + value + " " = 8191
  const std::string value(kMaxTagBytes - 4, 'v');
  const std::string line = "@a=" + value + " PING";  // the message's views point into it
  auto fits = parse_message(line, From::server);
  REQUIRE(std::holds_alternative<Message>(fits));
  CHECK(std::get<Message>(fits).tag("a")->value.size() == value.size());
  const std::string longer = "@a=" + value + "v PING";
  auto over = parse_message(longer, From::server);
  REQUIRE(std::holds_alternative<ParseError>(over));
  CHECK(std::get<ParseError>(over) == ParseError::tags_too_long);
}

TEST_CASE("irc framer: CRLF LF and a lone CR all end a line and empty lines are skipped") {
  IrcFramer framer;
  std::vector<std::string> lines;
  const auto sink = [&](const IrcFrame& f) {
    REQUIRE(f.kind == IrcFrame::Kind::line);
    lines.emplace_back(f.text);
  };
  framer.feed("NICK a\r\nUSER a 0 * :A\nPING x\rPONG", sink);
  CHECK(lines == std::vector<std::string>{"NICK a", "USER a 0 * :A", "PING x"});
  CHECK(framer.buffered() == 4);
  framer.feed(" y\r", sink);
  framer.feed("\n\r\n\n", sink);  // the LF of a split CRLF, then empty lines
  CHECK(lines == std::vector<std::string>{"NICK a", "USER a 0 * :A", "PING x", "PONG y"});
  CHECK(framer.buffered() == 0);
}

TEST_CASE("irc framer: an oversize line is reported once and dropped up to its end") {
  IrcFramer framer(16);
  std::vector<std::string> seen;
  const auto sink = [&](const IrcFrame& f) {
    seen.emplace_back(f.kind == IrcFrame::Kind::too_long ? "<too long>" : std::string(f.text));
  };
  framer.feed("0123456789", sink);
  framer.feed("0123456789", sink);  // past 16: reported now, dropped
  framer.feed("more more more", sink);
  CHECK(framer.buffered() == 0);
  framer.feed("tail\nPING a\n", sink);
  framer.feed(std::string(40, 'z') + "\nOK\n", sink);  // a whole oversize line in one feed
  CHECK(seen == std::vector<std::string>{"<too long>", "PING a", "<too long>", "OK"});
}
