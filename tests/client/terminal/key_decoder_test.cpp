#include <catch2/catch.hpp>

#include <vector>

#include "terminal/key_decoder.h"

using chat::client::Key;
using chat::client::KeyDecoder;
using K = Key::Kind;

namespace {

Key ch(char32_t c) { return Key{K::character, c}; }

std::vector<Key> decode(std::string_view bytes) {
  KeyDecoder d;
  auto keys = d.feed(bytes);
  CHECK_FALSE(d.has_pending());
  return keys;
}

}  // namespace

TEST_CASE("printable ASCII and UTF-8 become characters", "[keys]") {
  CHECK(decode("ab") == std::vector<Key>{ch(U'a'), ch(U'b')});
  CHECK(decode("한a") == std::vector<Key>{ch(U'한'), ch(U'a')});
  CHECK(decode("\xF0\x9F\x98\x80") == std::vector<Key>{ch(U'\U0001F600')});
}

TEST_CASE("control keys map to editing keys", "[keys]") {
  CHECK(decode("\r") == std::vector<Key>{Key{K::enter}});
  CHECK(decode("\n") == std::vector<Key>{Key{K::enter}});
  CHECK(decode("\x7f\x08") == std::vector<Key>{Key{K::backspace}, Key{K::backspace}});
  CHECK(decode("\x01\x05\x15\x0b\x17") ==
        std::vector<Key>{Key{K::home}, Key{K::end}, Key{K::kill_to_start}, Key{K::kill_to_end},
                         Key{K::kill_word_back}});
  CHECK(decode("\x03\x04\x09\x0c") ==
        std::vector<Key>{Key{K::interrupt}, Key{K::eof}, Key{K::tab}, Key{K::redraw}});
  CHECK(decode("\x10\x0e\x02\x06") ==
        std::vector<Key>{Key{K::up}, Key{K::down}, Key{K::left}, Key{K::right}});
  CHECK(decode("\x07\x1f").empty());  // unused controls are dropped
  CHECK(decode("\x1a") == std::vector<Key>{Key{K::suspend}});
}

TEST_CASE("cursor keys in both CSI and SS3 forms", "[keys]") {
  CHECK(decode("\x1b[A\x1b[B\x1b[C\x1b[D") ==
        std::vector<Key>{Key{K::up}, Key{K::down}, Key{K::right}, Key{K::left}});
  CHECK(decode("\x1bOA\x1bOD") == std::vector<Key>{Key{K::up}, Key{K::left}});
  CHECK(decode("\x1b[H\x1b[F\x1bOH\x1bOF") ==
        std::vector<Key>{Key{K::home}, Key{K::end}, Key{K::home}, Key{K::end}});
  CHECK(decode("\x1b[1~\x1b[4~\x1b[7~\x1b[8~\x1b[3~") ==
        std::vector<Key>{Key{K::home}, Key{K::end}, Key{K::home}, Key{K::end}, Key{K::del}});
  CHECK(decode("\x1b[1;5C\x1b[1;5D\x1b" "b\x1b" "f") ==
        std::vector<Key>{Key{K::word_right}, Key{K::word_left}, Key{K::word_left}, Key{K::word_right}});
}

TEST_CASE("unknown sequences are swallowed whole", "[keys]") {
  CHECK(decode("\x1b[15~x") == std::vector<Key>{ch(U'x')});  // F5
  CHECK(decode("\x1b[24~y") == std::vector<Key>{ch(U'y')});   // F12
  CHECK(decode("\x1bOPz") == std::vector<Key>{ch(U'z')});     // F1
}

TEST_CASE("a sequence split across reads waits for its end", "[keys]") {
  KeyDecoder d;
  CHECK(d.feed("a\x1b").size() == 1);
  CHECK(d.has_pending());
  CHECK(d.feed("[").empty());
  CHECK(d.feed("D") == std::vector<Key>{Key{K::left}});
  CHECK_FALSE(d.has_pending());

  // 한 is ED 95 9C: one byte at a time.
  CHECK(d.feed("\xED").empty());
  CHECK(d.feed("\x95").empty());
  CHECK(d.feed("\x9C") == std::vector<Key>{ch(U'한')});
}

TEST_CASE("a lone Esc becomes an escape key on flush", "[keys]") {
  KeyDecoder d;
  CHECK(d.feed("\x1b").empty());
  CHECK(d.flush() == std::vector<Key>{Key{K::escape}});
  CHECK_FALSE(d.has_pending());
  CHECK(d.flush().empty());
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, C1 controls are dropped", "[keys]") {
  CHECK(decode("\xFFx") == std::vector<Key>{ch(U'\uFFFD'), ch(U'x')});
  CHECK(decode("\xE2\x82x") == std::vector<Key>{ch(U'\uFFFD'), ch(U'x')});
  CHECK(decode("\xC2\x9B" "x") == std::vector<Key>{ch(U'x')});
  KeyDecoder d;
  CHECK(d.feed("\xE2\x82").empty());  // could still complete
  CHECK(d.flush() == std::vector<Key>{ch(U'\uFFFD')});
}

TEST_CASE("bracketed paste marks the start and end of pasted text", "[keys]") {
  using chat::client::Key;
  chat::client::KeyDecoder d;
  const auto keys = d.feed("\x1b[200~a\tb\rc\x1b[201~");
  REQUIRE(keys.size() == 7);
  CHECK(keys[0].kind == Key::Kind::paste_start);
  CHECK(keys[2].kind == Key::Kind::tab);
  CHECK(keys[4].kind == Key::Kind::enter);
  CHECK(keys[6].kind == Key::Kind::paste_end);
}
