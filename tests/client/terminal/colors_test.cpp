#include <catch2/catch.hpp>

#include "terminal/colors.h"

using namespace chat::client;

TEST_CASE("a name always gets the same colour, and names differ", "[colors]") {
  CHECK(name_color("alice") == name_color("alice"));
  CHECK(name_color("김철수") == name_color("김철수"));
  // Not every pair differs with ten colours, but these do (FNV-1a is fixed).
  int distinct = 0;
  for (const char* other : {"bob", "carol", "dave", "erin", "frank"}) distinct += name_color(other) != name_color("alice");
  CHECK(distinct >= 3);
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}) {
    CHECK(name_color(name) != "31");  // red means error
  }
}

TEST_CASE("server lines: names coloured, notices dim, errors red", "[colors]") {
  const std::string bob = "\x1b[" + std::string(name_color("bob")) + "mbob\x1b[0m";
  CHECK(color_server_line("[bob] hi") == "[" + bob + "] hi");
  CHECK(color_server_line("[bob -> you] psst") == "[" + bob + " -> you] psst");
  CHECK(color_server_line("* bob waves") == "* " + bob + " waves");
  CHECK(color_server_line("> New user x entered (2 users online)") ==
        "\x1b[2m> New user x entered (2 users online)\x1b[0m");
  CHECK(color_server_line("< The user x left (1 user online)") == "\x1b[2m< The user x left (1 user online)\x1b[0m");
  CHECK(color_server_line("! nickname in use: bob") == "\x1b[31m! nickname in use: bob\x1b[0m");
  CHECK(color_server_line("something else") == "something else");
  CHECK(color_server_line("[unclosed") == "[unclosed");
}

TEST_CASE("history lines: the time dim, names coloured as in live lines", "[colors]") {
  const std::string bob = "\x1b[" + std::string(name_color("bob")) + "mbob\x1b[0m";
  CHECK(color_history_line("09:05 [bob] hi") == "\x1b[2m09:05\x1b[0m [" + bob + "] hi");
  CHECK(color_history_line("2026-12-05 13:07 * bob waves") == "\x1b[2m2026-12-05 13:07\x1b[0m * " + bob + " waves");
  CHECK(color_history_line("no stamp here") == "\x1b[2mno stamp here\x1b[0m");
  CHECK(color_history_line("9:05 [bob] hi") == "\x1b[2m9:05 [bob] hi\x1b[0m");
}

TEST_CASE("own lines are bold", "[colors]") {
  CHECK(color_own_line("[You] hi") == "\x1b[1m[You] hi\x1b[0m");
}

TEST_CASE("colour is off with --no-color, NO_COLOR, a non-terminal or TERM=dumb", "[colors]") {
  CHECK(want_color(false, nullptr, "xterm", true));
  CHECK(want_color(false, "", "xterm", true));  // empty NO_COLOR does not count
  CHECK_FALSE(want_color(true, nullptr, "xterm", true));
  CHECK_FALSE(want_color(false, "1", "xterm", true));
  CHECK_FALSE(want_color(false, nullptr, "xterm", false));
  CHECK_FALSE(want_color(false, nullptr, "dumb", true));
}

TEST_CASE("private messages and mentions stand out", "[colors]") {
  using chat::client::Attention;
  using chat::client::color_attention_line;
  CHECK(color_attention_line("[alice -> you] psst", Attention::private_message) ==
        "\x1b[7m[alice -> you]\x1b[0m psst");
  const std::string mention = color_attention_line("[alice] hi bob", Attention::mention);
  CHECK(mention.ends_with("\x1b[1;33mhi bob\x1b[0m"));
  CHECK(mention.starts_with("[\x1b["));  // alice still in her colour
  CHECK(color_attention_line("* alice pokes bob", Attention::mention).ends_with("\x1b[1;33mpokes bob\x1b[0m"));
  CHECK(chat::client::color_server_line("[You -> bob] hi") == "\x1b[1m[You -> bob] hi\x1b[0m");
}
