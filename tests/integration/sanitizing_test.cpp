// What nobody can inject: line endings, blank lines, control characters and
// broken UTF-8 are normalised before anyone else sees a line.
#include <catch2/catch.hpp>

#include "chat_fixtures.h"

using namespace chat::test;
using namespace std::string_literals;

namespace {

struct Pair {
  ChatdProcess server;
  TestClient sender = join(server, {});
  TestClient receiver = join(server, {&sender});
  std::string from() const { return "[" + sender.address_name() + "] "; }
};

}  // namespace

TEST_CASE("empty and whitespace-only lines are ignored", "[sanitizing]") {
  Pair p;
  p.sender.send_raw("\n   \n\t\n \t \r\n\r\n");
  // The sender got no reply to them: the /who reply is its next line...
  expect_who(p.sender, {p.sender.address_name(), p.receiver.address_name()});
  // ...and the receiver saw none of them: the next line is this one.
  p.sender.send_line("after");
  p.receiver.expect_line(p.from() + "after");
}

TEST_CASE("CRLF line endings are accepted and the CR dropped", "[sanitizing]") {
  Pair p;
  p.sender.send_raw("hello over telnet\r\n");
  p.receiver.expect_line(p.from() + "hello over telnet");
  p.sender.send_raw("/who\r\n");
  p.sender.expect_line("> Online (2): " + p.sender.address_name() + ", " +
                       p.receiver.address_name());
}

TEST_CASE("control characters and escape sequences are stripped", "[sanitizing]") {
  Pair p;
  // C0 (BEL, BS, ESC, NUL), DEL, and C1 (U+0085, U+009B CSI) all go.
  p.sender.send_line("a\x07" "b\x08" "c\x7f" "d\x1b[31mred\x1b[0m" + "\0"s + "e\xc2\x85" "f\xc2\x9b" "2J");
  p.receiver.expect_line(p.from() + "abcd[31mred[0mef2J");
  // A line of nothing but control characters is not sent at all.
  p.sender.send_line("\x1b\x07\x01");
  p.sender.send_line("next");
  p.receiver.expect_line(p.from() + "next");
}

TEST_CASE("TAB is kept in text", "[sanitizing]") {
  Pair p;
  p.sender.send_line("col1\tcol2");
  p.receiver.expect_line(p.from() + "col1\tcol2");
}

TEST_CASE("invalid UTF-8 is replaced by U+FFFD", "[sanitizing]") {
  Pair p;
  const std::string fffd = "\xef\xbf\xbd";
  p.sender.send_line("a\xff" "b");
  p.receiver.expect_line(p.from() + "a" + fffd + "b");
  p.sender.send_line("stray\x80" "continuation");
  p.receiver.expect_line(p.from() + "stray" + fffd + "continuation");
  p.sender.send_line("cut \xe4\xb8");  // a truncated 3-byte sequence at the end
  p.receiver.expect_line(p.from() + "cut " + fffd);
  // Valid multi-byte text passes through untouched.
  p.sender.send_line("안녕하세요 – ok ✓ 😀");
  p.receiver.expect_line(p.from() + "안녕하세요 – ok ✓ 😀");
}

TEST_CASE("/me and /msg text is sanitized too", "[sanitizing]") {
  Pair p;
  p.sender.send_line("/me waves\x1b]0;pwned\x07");
  p.receiver.expect_line("* " + p.sender.address_name() + " waves]0;pwned");
  p.sender.send_line("/msg " + p.receiver.address_name() + " x\x1b[2Jy\xff");
  p.receiver.expect_line("[" + p.sender.address_name() + " -> you] x[2Jy\xef\xbf\xbd");
  p.sender.expect_line("[You -> " + p.receiver.address_name() + "] x[2Jy\xef\xbf\xbd");
}

TEST_CASE("bidi controls and line/paragraph separators are stripped", "[sanitizing]") {
  Pair p;
  // U+202E RLO, U+2066..U+2069 isolates, U+200E/U+200F marks, U+061C ALM,
  // U+202A..U+202D embeddings and overrides, U+2028/U+2029 separators.
  p.sender.send_line("txt.\xE2\x80\xAE" "exe\xE2\x81\xA6" "a\xE2\x81\xA7" "b\xE2\x81\xA8" "c\xE2\x81\xA9" "d"
                     "\xE2\x80\x8E" "e\xE2\x80\x8F" "f\xD8\x9C" "g\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD"
                     "h\xE2\x80\xA8" "i\xE2\x80\xA9" "j");
  p.receiver.expect_line(p.from() + "txt.exeabcdefghij");
  p.sender.send_line("/me \xE2\x80\xAE" "dances");
  p.receiver.expect_line("* " + p.sender.address_name() + " dances");
}

TEST_CASE("lines made only of invisible characters are not sent", "[sanitizing]") {
  Pair p;
  // ZWSP, ZWJ, U+3000 ideographic space, NBSP, VS16, U+2800 braille blank,
  // a Hangul filler, U+2060 word joiner, RLO.
  p.sender.send_line("\xE2\x80\x8B\xE2\x80\x8D \xE3\x80\x80\xC2\xA0\xEF\xB8\x8F\xE2\xA0\x80\xE3\x85\xA4\xE2\x81\xA0\xE2\x80\xAE");
  p.sender.send_line("/me \xE2\x80\x8B\xC2\xA0");
  p.sender.expect_line("! usage: /me TEXT");
  p.sender.send_line("/msg " + p.receiver.address_name() + " \xE2\x80\x8B");
  p.sender.expect_line("! usage: /msg NAME TEXT");
  p.sender.send_line("next");
  p.receiver.expect_line(p.from() + "next");
  // Invisible characters inside visible text are kept (ZWJ joins emoji).
  p.sender.send_line("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB ok");
  p.receiver.expect_line(p.from() + "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB ok");
}
