#include <catch2/catch.hpp>

#include "tracking/outgoing_line.h"

using chat::client::OutgoingContext;
using chat::client::OutgoingLine;
using chat::client::refused_line_limit;
using chat::client::translate_outgoing;

namespace {

void check(std::string_view typed, std::string_view sent, std::string_view printed,
           bool quits = false) {
  INFO("typed: '" << typed << "'");
  const OutgoingLine out = translate_outgoing(typed);
  CHECK(out.to_send == sent);
  CHECK(out.to_print == printed);
  CHECK(out.quits == quits);
}

}  // namespace

TEST_CASE("a text line is sent as typed and shown as [You]", "[outgoing]") {
  check("Hello", "Hello\n", "[You] Hello");
  check("  spaced  out ", "  spaced  out \n", "[You]   spaced  out ");
  check("안녕하세요", "안녕하세요\n", "[You] 안녕하세요");
  check("a\tb", "a\tb\n", "[You] a\tb");
}

TEST_CASE("// sends text starting with one /", "[outgoing]") {
  check("//x", "//x\n", "[You] /x");
  check("//nick bob", "//nick bob\n", "[You] /nick bob");
  check("///", "///\n", "[You] //");
}

TEST_CASE("/msg prints nothing: the server confirms delivery", "[outgoing]") {
  check("/msg bob hi there", "/msg bob hi there\n", "");
  check("/MSG  bob   hi  ", "/MSG  bob   hi  \n", "");
  // Missing parts: the server answers with its usage line; nothing local.
  check("/msg bob", "/msg bob\n", "");
  check("/msg", "/msg\n", "");
}

TEST_CASE("/me shows * You until the name is known, then the name", "[outgoing]") {
  check("/me waves", "/me waves\n", "* You waves");
  check("/Me  waves twice ", "/Me  waves twice \n", "* You waves twice");
  check("/me", "/me\n", "");
  const OutgoingLine named = translate_outgoing("/me waves", OutgoingContext{"bob", 4096});
  CHECK(named.to_send == "/me waves\n");
  CHECK(named.to_print == "* bob waves");
}

TEST_CASE("a line over the limit is split at spaces into lines that fit", "[outgoing]") {
  const OutgoingContext small{"bob", 20};
  // 19 bytes of room (one spare for a '/'): cut at the last space.
  OutgoingLine out = translate_outgoing("one two three four five six seven", small);
  CHECK(out.to_send == "one two three four\nfive six seven\n");
  CHECK(out.to_print == "[You] one two three four\n[You] five six seven");
  for (std::size_t at = 0, next; (next = out.to_send.find('\n', at)) != std::string::npos; at = next + 1) {
    CHECK(next - at <= 20);
  }
  // A long word is cut at a character boundary, never inside one.
  out = translate_outgoing("가나다라마바사아자차카", small);  // 33 bytes
  CHECK(out.to_send == "가나다라마바\n사아자차카\n");
  // A piece that starts with '/' goes as "//", so it stays text.
  out = translate_outgoing("aaaaaaaaaaaaaaaa /etc/passwd", small);
  CHECK(out.to_send == "aaaaaaaaaaaaaaaa\n//etc/passwd\n");
  CHECK(out.to_print == "[You] aaaaaaaaaaaaaaaa\n[You] /etc/passwd");
  // /me and /msg keep their command on every piece.
  out = translate_outgoing("/me one two three four five", OutgoingContext{"bob", 24});
  CHECK(out.to_send == "/me one two three four\n/me five\n");
  CHECK(out.to_print == "* bob one two three four\n* bob five");
  out = translate_outgoing("/msg al one two three four", OutgoingContext{"bob", 25});
  CHECK(out.to_send == "/msg al one two three\n/msg al four\n");
  CHECK(out.to_print.empty());
  // At the limit exactly, the line goes as typed.
  const std::string twenty(20, 'x');
  CHECK(translate_outgoing(twenty, small).to_send == twenty + "\n");
}

TEST_CASE("the server's refusal names its limit", "[outgoing]") {
  CHECK(refused_line_limit("! line too long (max 4096 bytes)") == 4096u);
  CHECK(refused_line_limit("! line too long (max 100 bytes)") == 100u);
  CHECK_FALSE(refused_line_limit("[bob] ! line too long (max 100 bytes)").has_value());
  CHECK_FALSE(refused_line_limit("! line too long (max x bytes)").has_value());
  CHECK_FALSE(refused_line_limit("! line too long (max 0 bytes)").has_value());
}

TEST_CASE("other commands are sent and print nothing", "[outgoing]") {
  check("/nick alice", "/nick alice\n", "");
  check("/who", "/who\n", "");
  check("/help", "/help\n", "");
  check("/frobnicate now", "/frobnicate now\n", "");
  check("/", "/\n", "");
}

TEST_CASE("/quit is sent and ends input", "[outgoing]") {
  check("/quit", "/quit\n", "", true);
  check("/QUIT", "/QUIT\n", "", true);
  check("/quitter", "/quitter\n", "", false);
}

TEST_CASE("blank lines go nowhere", "[outgoing]") {
  check("", "", "");
  check("   ", "", "");
  check(" \t ", "", "");
}

TEST_CASE("the local line is sanitized like the server sanitizes", "[outgoing]") {
  check("red \x1b[31mtext", "red \x1b[31mtext\n", "[You] red [31mtext");
  check("bad \xff byte", "bad \xff byte\n", "[You] bad \xEF\xBF\xBD byte");
  check("/msg b\x07ob hi\x9b", "/msg b\x07ob hi\x9b\n", "");
  check("/me \xC2\x9B" "2J", "/me \xC2\x9B" "2J\n", "* You 2J");
}
