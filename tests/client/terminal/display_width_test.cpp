#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "terminal/display_width.h"

using chat::client::char_width;
using chat::client::text_width;

TEST_CASE("ASCII and Latin letters take one column", "[width]") {
  CHECK(char_width(U'a') == 1);
  CHECK(char_width(U' ') == 1);
  CHECK(char_width(U'é') == 1);
  CHECK(char_width(U'ж') == 1);
  CHECK(text_width("hello") == 5);
}

TEST_CASE("Hangul, CJK, kana, fullwidth forms and emoji take two columns", "[width]") {
  CHECK(char_width(U'한') == 2);
  CHECK(char_width(U'\uAC00') == 2);  // first Hangul syllable
  CHECK(char_width(U'\uD7A3') == 2);  // last Hangul syllable
  CHECK(char_width(U'\u1100') == 2);  // Hangul initial consonant jamo
  CHECK(char_width(U'中') == 2);
  CHECK(char_width(U'の') == 2);
  CHECK(char_width(U'Ａ') == 2);  // fullwidth A
  CHECK(char_width(U'\U0001F600') == 2);  // grinning face
  CHECK(char_width(U'\U00020000') == 2);  // CJK extension B
  CHECK(text_width("김철수") == 6);
  CHECK(text_width("a한b") == 4);
}

TEST_CASE("combining marks and zero-width characters take no column", "[width]") {
  CHECK(char_width(U'\u0301') == 0);  // combining acute
  CHECK(char_width(U'\u200B') == 0);  // zero width space
  CHECK(char_width(U'\u200D') == 0);  // zero width joiner
  CHECK(char_width(U'\uFE0F') == 0);  // variation selector 16
  CHECK(char_width(U'\u1161') == 0);  // Hangul medial vowel jamo joins the initial
  CHECK(char_width(U'\u11A8') == 0);  // Hangul final consonant jamo
  CHECK(text_width("e\xCC\x81") == 1);  // e + combining acute
  // 한 spelled with conjoining jamo: one syllable, two columns.
  CHECK(text_width("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB") == 2);
}

TEST_CASE("range edges are exact", "[width]") {
  CHECK(char_width(U'\u10FF') == 1);
  CHECK(char_width(U'\u115F') == 2);
  CHECK(char_width(U'\u1160') == 0);
  CHECK(char_width(U'\uABFF') == 1);
  CHECK(char_width(U'\uD7A4') == 1);
  CHECK(char_width(U'\uFF61') == 1);  // halfwidth katakana punctuation
  CHECK(char_width(U'\u02FF') == 1);
  CHECK(char_width(U'\u0300') == 0);
  CHECK(char_width(U'\u036F') == 0);
  CHECK(char_width(U'\u0370') == 1);
}

TEST_CASE("invalid UTF-8 counts one column per replaced sequence", "[width]") {
  CHECK(text_width("a\xFF" "b") == 3);
  CHECK(text_width("\xE2\x82") == 1);  // truncated sequence: one U+FFFD
}

TEST_CASE("a notice picks the longest wording that fits the row", "[width]") {
  const std::vector<std::string> choices{"! disconnected from server; reconnecting in 1 s (Ctrl-C quits)",
                                         "! disconnected; retry in 1 s"};
  CHECK(chat::client::first_that_fits(choices, 80) == choices[0]);
  CHECK(chat::client::first_that_fits(choices, 63) == choices[0]);
  CHECK(chat::client::first_that_fits(choices, 62) == choices[1]);
  CHECK(chat::client::first_that_fits(choices, 10) == choices[1]);
}
