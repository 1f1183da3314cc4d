#include <catch2/catch.hpp>

#include "outgoing_line.h"

using chat::client::OutgoingLine;
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

TEST_CASE("/msg shows [You -> NAME]", "[outgoing]") {
  check("/msg bob hi there", "/msg bob hi there\n", "[You -> bob] hi there");
  check("/MSG  bob   hi  ", "/MSG  bob   hi  \n", "[You -> bob] hi");
  // Missing parts: the server answers with its usage line; nothing local.
  check("/msg bob", "/msg bob\n", "");
  check("/msg", "/msg\n", "");
}

TEST_CASE("/me shows * You", "[outgoing]") {
  check("/me waves", "/me waves\n", "* You waves");
  check("/Me  waves twice ", "/Me  waves twice \n", "* You waves twice");
  check("/me", "/me\n", "");
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
  check("/msg b\x07ob hi\x9b", "/msg b\x07ob hi\x9b\n", "[You -> bob] hi\xEF\xBF\xBD");
  check("/me \xC2\x9B" "2J", "/me \xC2\x9B" "2J\n", "* You 2J");
}
