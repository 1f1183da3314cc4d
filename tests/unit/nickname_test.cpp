#include <catch2/catch.hpp>

#include <string>

#include "nickname.h"

using chat::is_valid_nickname;
using chat::nickname_key;

TEST_CASE("ordinary nicknames are valid") {
  CHECK(is_valid_nickname("alice"));
  CHECK(is_valid_nickname("Bob_2"));
  CHECK(is_valid_nickname("a.b-c"));
  CHECK(is_valid_nickname("x"));
}

TEST_CASE("letters and digits of any script are valid") {
  CHECK(is_valid_nickname("\xEA\xB9\x80\xEC\xB2\xA0\xEC\x88\x98"));  // 김철수
  CHECK(is_valid_nickname("\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"));      // Иван
  CHECK(is_valid_nickname("\xE7\x8E\x8B\xE4\xBC\x9F"));              // 王伟
  CHECK(is_valid_nickname("\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\x9C"));  // राज (with a vowel sign)
  CHECK(is_valid_nickname("\xD9\xA3"));                              // Arabic-Indic digit 3
}

TEST_CASE("length is counted in characters: 1 to 32") {
  CHECK_FALSE(is_valid_nickname(""));
  CHECK(is_valid_nickname(std::string(32, 'a')));
  CHECK_FALSE(is_valid_nickname(std::string(33, 'a')));
  std::string korean32;
  for (int i = 0; i < 32; ++i) korean32 += "\xEA\xB0\x80";  // 가, 3 bytes each
  CHECK(is_valid_nickname(korean32));
  CHECK_FALSE(is_valid_nickname(korean32 + "\xEA\xB0\x80"));
}

TEST_CASE("separators, spaces, controls and symbols are refused") {
  for (const char* bad : {"a b", "a[", "]a", "a:b", "a,b", "a/b", "a@b", "tab\t", "esc\x1b",
                          "bell\x07", "emoji\xF0\x9F\x98\x80", "a+b", "a!"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_valid_nickname(bad));
  }
}

TEST_CASE("a combining mark cannot start a nickname, invalid UTF-8 is refused") {
  CHECK_FALSE(is_valid_nickname("\xCC\x81" "a"));  // U+0301 first
  CHECK(is_valid_nickname("e\xCC\x81"));           // é as e + U+0301
  CHECK_FALSE(is_valid_nickname("ab\xFF"));
  CHECK_FALSE(is_valid_nickname("\xC3"));
}

TEST_CASE("letters that render as blanks are refused") {
  for (const char* filler : {"\xE3\x85\xA4", "\xE1\x85\x9F", "\xE1\x85\xA0", "\xEF\xBE\xA0"}) {
    CHECK_FALSE(is_valid_nickname(filler));
    CHECK_FALSE(is_valid_nickname(std::string("a") + filler + "b"));
  }
}

TEST_CASE("You is reserved in any case") {
  for (const char* n : {"You", "you", "YOU", "yOu"}) CHECK_FALSE(is_valid_nickname(n));
  CHECK(is_valid_nickname("Your"));
  CHECK(is_valid_nickname("You2"));
}

TEST_CASE("uniqueness key folds ASCII case only") {
  CHECK(nickname_key("Alice") == nickname_key("aLICE"));
  CHECK(nickname_key("\xC3\x89mile") != nickname_key("\xC3\xA9mile"));  // Émile vs émile
}
