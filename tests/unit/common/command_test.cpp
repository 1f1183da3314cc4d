#include <catch2/catch.hpp>

#include "command.h"

using chat::Command;
using chat::parse_command;
using Kind = chat::Command::Kind;

TEST_CASE("plain text is a text line, kept as typed") {
  const Command c = parse_command("  Hello  world ");
  CHECK(c.kind == Kind::text);
  CHECK(c.arg == "  Hello  world ");
}

TEST_CASE("empty and blank lines are empty") {
  CHECK(parse_command("").kind == Kind::empty);
  CHECK(parse_command("  \t ").kind == Kind::empty);
}

TEST_CASE("a double slash escapes a leading slash") {
  const Command c = parse_command("//etc/passwd is a path");
  CHECK(c.kind == Kind::text);
  CHECK(c.arg == "/etc/passwd is a path");
  CHECK(parse_command("//").arg == "/");
}

TEST_CASE("commands and their arguments") {
  CHECK(parse_command("/who").kind == Kind::who);
  CHECK(parse_command("/quit").kind == Kind::quit);
  CHECK(parse_command("/help").kind == Kind::help);
  CHECK(parse_command("/ROOMS").kind == Kind::rooms);
  CHECK(parse_command("/join  #Random ").kind == Kind::join);
  CHECK(parse_command("/join  #Random ").arg == "#Random");
  CHECK(parse_command("/who *").arg == "*");

  // IRC's words (issue 24 item 10).
  CHECK(parse_command("/LIST").kind == Kind::rooms);
  CHECK(parse_command("/names").kind == Kind::who);
  CHECK(parse_command("/names *").arg == "*");
  CHECK(parse_command("/part").kind == Kind::part);
  CHECK(parse_command("/whois  bob ").kind == Kind::whois);
  CHECK(parse_command("/whois  bob ").arg == "bob");
  CHECK(parse_command("/history 20").kind == Kind::history);
  CHECK(parse_command("/history 20").arg == "20");
  CHECK(parse_command("/History").arg.empty());

  Command nick = parse_command("/nick   alice  ");
  CHECK(nick.kind == Kind::nick);
  CHECK(nick.arg == "alice");
  CHECK(parse_command("/nick").arg.empty());
  CHECK(parse_command("/nick two words").arg == "two words");

  Command msg = parse_command("/msg bob  hi there ");
  CHECK(msg.kind == Kind::msg);
  CHECK(msg.arg == "bob");
  CHECK(msg.text == "hi there");
  CHECK(parse_command("/msg bob").text.empty());
  CHECK(parse_command("/msg").arg.empty());

  Command me = parse_command("/me waves\thello");
  CHECK(me.kind == Kind::me);
  CHECK(me.arg == "waves\thello");
}

TEST_CASE("command words ignore ASCII case") {
  CHECK(parse_command("/WHO").kind == Kind::who);
  CHECK(parse_command("/Nick Bob").kind == Kind::nick);
}

TEST_CASE("anything else after a slash is an unknown command") {
  Command c = parse_command("/dance wildly");
  CHECK(c.kind == Kind::unknown);
  CHECK(c.arg == "/dance");
  CHECK(parse_command("/kickban").kind == Kind::unknown);
  CHECK(parse_command("/").arg == "/");
  CHECK(parse_command("/ spaced").arg == "/");
}
