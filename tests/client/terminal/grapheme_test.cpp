#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "terminal/grapheme.h"

using namespace chat::client;

namespace {

std::vector<std::size_t> boundaries(std::u32string_view text) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < text.size();) out.push_back(i = next_grapheme(text, i));
  return out;
}

}  // namespace

TEST_CASE("emoji with modifiers, flags and ZWJ sequences are one character each", "[grapheme]") {
  const std::u32string thumbs = U"\U0001F44D\U0001F3FD";  // 👍🏽
  CHECK(next_grapheme(thumbs, 0) == 2);
  CHECK(grapheme_width(thumbs) == 2);
  const std::u32string flags = U"\U0001F1F0\U0001F1F7\U0001F1EF\U0001F1F5";  // 🇰🇷🇯🇵
  CHECK(boundaries(flags) == std::vector<std::size_t>{2, 4});
  CHECK(grapheme_width(flags.substr(0, 2)) == 2);
  const std::u32string family = U"\U0001F468\u200D\U0001F469\u200D\U0001F467x";  // 👨‍👩‍👧x
  CHECK(boundaries(family) == std::vector<std::size_t>{5, 6});
  CHECK(grapheme_width(U"\u2764\uFE0F") == 2);  // ❤️
  CHECK(boundaries(U"e\u0301x") == std::vector<std::size_t>{2, 3});
  CHECK(boundaries(U"\u1100\u1161\u11A8a") == std::vector<std::size_t>{3, 4});  // jamo 각, then a
  CHECK(previous_grapheme(family, 5) == 0);
  CHECK(previous_grapheme(U"a\U0001F44D\U0001F3FD", 3) == 1);
  CHECK(grapheme_start(thumbs, 1) == 0);
}

// The Unicode conformance test, when Debian's unicode-data is installed
// (apt-get install unicode-data): every line's breaks must match.
TEST_CASE("GraphemeBreakTest.txt passes", "[grapheme]") {
  std::ifstream in("/usr/share/unicode/auxiliary/GraphemeBreakTest.txt");
  if (!in) {
    WARN("unicode-data is not installed: the UAX #29 conformance test is not run");
    return;
  }
  std::size_t cases = 0;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    if (line.empty()) continue;
    std::istringstream words(line);
    std::u32string text;
    std::vector<std::size_t> expected;
    for (std::string word; words >> word;) {
      if (word == "\xC3\xB7") {  // ÷: a break here
        if (!text.empty()) expected.push_back(text.size());
      } else if (word != "\xC3\x97") {  // ×: none
        text.push_back(static_cast<char32_t>(std::stoul(word, nullptr, 16)));
      }
    }
    INFO(line);
    CHECK(boundaries(text) == expected);
    ++cases;
  }
  CHECK(cases > 500);
}
