#include <catch2/catch.hpp>

#include <string>

#include "utf8.h"

using chat::is_valid_utf8;
using chat::sanitize_text;

namespace {
const std::string kFFFD = "\xEF\xBF\xBD";
}

TEST_CASE("plain ASCII, TAB and multi-byte text pass unchanged") {
  CHECK(sanitize_text("Hello, world") == "Hello, world");
  CHECK(sanitize_text("a\tb") == "a\tb");
  const std::string mixed = "caf\xC3\xA9 \xEC\x95\x88\xEB\x85\x95 \xF0\x9F\x98\x80";  // café 안녕 😀
  CHECK(sanitize_text(mixed) == mixed);
}

TEST_CASE("control characters are removed, terminal escapes with them") {
  CHECK(sanitize_text("\x1b[2J\x1b[31mred") == "[2J[31mred");
  CHECK(sanitize_text("a\x07" "b\x08" "c\x7f" "d\r") == "abcd");
  CHECK(sanitize_text(std::string("nul\0byte", 8)) == "nulbyte");
  // C1 controls, e.g. U+009B (single-byte CSI on some terminals).
  CHECK(sanitize_text("x\xC2\x9B" "31my") == "x31my");
  CHECK(sanitize_text("\xC2\x85") == "");
  // U+00A0 is not a control.
  CHECK(sanitize_text("\xC2\xA0") == "\xC2\xA0");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, one per maximal subpart") {
  CHECK(sanitize_text("\xFF") == kFFFD);
  CHECK(sanitize_text("a\x80z") == "a" + kFFFD + "z");
  CHECK(sanitize_text("\xC0\xAF") == kFFFD + kFFFD);          // overlong '/'
  CHECK(sanitize_text("\xED\xA0\x80") == kFFFD + kFFFD + kFFFD);  // surrogate
  CHECK(sanitize_text("\xF4\x90\x80\x80") == kFFFD + kFFFD + kFFFD + kFFFD);  // > U+10FFFF
  CHECK(sanitize_text("\xE2\x82" "A") == kFFFD + "A");  // truncated, ASCII survives
  CHECK(sanitize_text("\xF0\x9F\x98") == kFFFD);        // truncated at the end
}

TEST_CASE("the sanitizer's output is valid UTF-8 and sanitizing is idempotent") {
  const std::string nasty = "\xFF\xFE\x1b]0;title\x07\xC3\x28\xE2\x28\xA1\xF0\x28\x8C\xBC ok";
  const std::string once = sanitize_text(nasty);
  CHECK(is_valid_utf8(once));
  CHECK(sanitize_text(once) == once);
  CHECK(once.find('\x1b') == std::string::npos);
}

TEST_CASE("is_valid_utf8 agrees with the decoder") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("\xEC\x95\x88"));
  CHECK_FALSE(is_valid_utf8("\xEC\x95"));
  CHECK_FALSE(is_valid_utf8("\xC1\xBF"));
}

TEST_CASE("bidi formatting characters and U+2028/U+2029 are removed") {
  CHECK(sanitize_text("a\xE2\x80\xAE" "b") == "ab");                   // U+202E RLO
  CHECK(sanitize_text("\xE2\x81\xA6x\xE2\x81\xA9") == "x");            // U+2066 .. U+2069
  CHECK(sanitize_text("1\xE2\x80\xA8" "2\xE2\x80\xA9" "3") == "123");  // line/paragraph separators
  CHECK(sanitize_text("\xE2\x80\x8D") == "\xE2\x80\x8D");              // ZWJ stays (emoji sequences)
}

TEST_CASE("has_visible_text ignores spaces and default-ignorables") {
  CHECK(chat::has_visible_text("x"));
  CHECK(chat::has_visible_text("  \xE2\x80\x8B" "a"));
  CHECK(chat::has_visible_text("\xE2\x9C\x93"));  // ✓
  CHECK_FALSE(chat::has_visible_text(""));
  CHECK_FALSE(chat::has_visible_text(" \t"));
  CHECK_FALSE(chat::has_visible_text("\xE2\x80\x8B\xE3\x80\x80\xC2\xA0\xEF\xB8\x8F\xE2\xA0\x80\xE3\x85\xA4"));
}
