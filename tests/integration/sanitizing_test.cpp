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
