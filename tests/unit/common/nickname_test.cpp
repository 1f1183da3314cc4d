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

TEST_CASE("uniqueness key folds case, width, compatibility forms and confusables") {
  CHECK(nickname_key("Alice") == nickname_key("aLICE"));
  CHECK(nickname_key("\xC3\x89mile") == nickname_key("\xC3\xA9mile"));  // Émile vs émile
  const std::string alice = nickname_key("alice");
  CHECK(nickname_key("\xD0\xB0lice") == alice);                          // Cyrillic а
  CHECK(nickname_key("\xEF\xBD\x81\xEF\xBD\x8C\xEF\xBD\x89\xEF\xBD\x83\xEF\xBD\x85") == alice);  // ａｌｉｃｅ
  CHECK(nickname_key("\xE2\x84\xAA" "ate") == nickname_key("kate"));           // KELVIN SIGN
  CHECK(nickname_key("cafe\xCC\x81") == nickname_key("caf\xC3\xA9"));       // café decomposed/precomposed
  CHECK(nickname_key("\xEA\xB0\x80") == nickname_key("\xE1\x84\x80\xE1\x85\xA1"));  // 가 vs its jamo
  CHECK(nickname_key("bob") != alice);
  CHECK(nickname_key("alice2") != alice);
  // Other bytes pass through, invalid UTF-8 included.
  CHECK(nickname_key("1.2.3.4:5") != nickname_key("1.2.3.4"));
  CHECK(nickname_key("\xFF") == "\xFF");
}

TEST_CASE("invisible characters are refused in nicknames") {
  // U+FE0F VS16, U+034F CGJ, U+180B FVS1, U+E0100 VS17, U+200D ZWJ, U+2060 WJ, U+00AD SHY, U+E0061 tag a
  for (const char* invisible : {"\xEF\xB8\x8F", "\xCD\x8F", "\xE1\xA0\x8B", "\xF3\xA0\x84\x80",
                                "\xE2\x80\x8D", "\xE2\x81\xA0", "\xC2\xAD", "\xF3\xA0\x81\xA1"}) {
    CAPTURE(invisible);
    CHECK_FALSE(is_valid_nickname(std::string("alice") + invisible));
    CHECK_FALSE(is_valid_nickname(std::string("al") + invisible + "ice"));
  }
}

TEST_CASE("You is reserved under any disguise") {
  for (const char* n : {"Y\xD0\xBEu",                           // Cyrillic о
                        "\xEF\xBC\xB9\xEF\xBD\x8F\xEF\xBD\x95",  // Ｙｏｕ
                        "You\xEF\xB8\x8F"}) {                   // You + VS16
    CAPTURE(n);
    CHECK_FALSE(is_valid_nickname(n));
  }
}

TEST_CASE("check_nickname says why a name is refused") {
  using chat::check_nickname;
  using chat::NicknameProblem;
  CHECK(check_nickname("alice") == NicknameProblem::none);
  CHECK(check_nickname("") == NicknameProblem::empty);
  CHECK(check_nickname("a b") == NicknameProblem::space);
  CHECK(check_nickname("a\xC2\xA0" "b") == NicknameProblem::space);  // NBSP
  CHECK(check_nickname("a\xEF\xB8\x8F") == NicknameProblem::invisible);
  CHECK(check_nickname("\xE3\x85\xA4") == NicknameProblem::invisible);  // Hangul filler
  CHECK(check_nickname("\xCC\x81" "a") == NicknameProblem::leading_mark);
  CHECK(check_nickname("a/b") == NicknameProblem::not_allowed);
  CHECK(check_nickname(std::string(33, 'a')) == NicknameProblem::too_long);
  CHECK(check_nickname("You") == NicknameProblem::reserved);
  CHECK(check_nickname("Y\xD0\xBEu") == NicknameProblem::reserved);
  CHECK(check_nickname("ab\xFF") == NicknameProblem::invalid_utf8);
  CHECK(chat::describe(NicknameProblem::space) == "spaces not allowed");
  CHECK(chat::describe(NicknameProblem::too_long) == "too long: max 32 characters");
  CHECK(chat::describe(NicknameProblem::reserved) == "reserved");
}
