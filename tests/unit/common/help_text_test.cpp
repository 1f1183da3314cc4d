#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "help_text.h"

TEST_CASE("help text: the --help entries have names in one column, descriptions aligned beside them") {
  const std::vector<chat::HelpEntry> entries = {{"--a", "first"}, {"--longer NAME", "second"}};
  CHECK(chat::format_help(entries) ==
        "  --a            first\n"
        "  --longer NAME  second\n");
}

TEST_CASE("a long description wraps at spaces under its column") {
  const std::vector<chat::HelpEntry> entries = {{"--x", "one two three four five six seven"}};
  CHECK(chat::format_help(entries, 7 + 18) ==
        "  --x  one two three four\n"
        "       five six seven\n");
  // No line passes the width, whatever the words.
  const std::string text = chat::format_help(
      std::vector<chat::HelpEntry>{{"--max-queue BYTES", std::string(15, 'w') + " a b c d e f g h i j k l m n o p " + std::string(19, 'v')}}, 40);
  for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    CHECK(end - start <= 40);
  }
}

TEST_CASE("a word longer than the room is kept whole on its own line") {
  const std::vector<chat::HelpEntry> entries = {{"--x", "a " + std::string(30, 'w') + " b"}};
  CHECK(chat::format_help(entries, 7 + 20) ==
        "  --x  a\n"
        "       " + std::string(30, 'w') + "\n"
        "       b\n");
}
