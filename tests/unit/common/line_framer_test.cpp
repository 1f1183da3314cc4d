#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "line_framer.h"

using chat::Frame;
using chat::LineFramer;

namespace {

// Frames as strings: a line as itself, too_long as "<too long>".
struct Collector {
  std::vector<std::string> out;
  bool operator()(const Frame& f) {
    out.push_back(f.kind == Frame::Kind::line ? std::string(f.text) : "<too long>");
    return true;
  }
};

std::vector<std::string> frame_in_pieces(std::size_t max_line, const std::vector<std::string>& pieces) {
  LineFramer framer(max_line);
  Collector c;
  for (const auto& p : pieces) framer.feed(p, c);
  return c.out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("several lines in one read come out in order") {
  CHECK(frame_in_pieces(100, {"a\nbb\nccc\n"}) == Lines{"a", "bb", "ccc"});
}

TEST_CASE("a line split anywhere is reassembled") {
  const std::string stream = "hello world\nsecond\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    CAPTURE(cut);
    CHECK(frame_in_pieces(100, {stream.substr(0, cut), stream.substr(cut)}) ==
          Lines{"hello world", "second"});
  }
}

TEST_CASE("byte-at-a-time feeding gives the same lines") {
  const std::string stream = "one\r\ntwo\n\nthree\n";
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  CHECK(frame_in_pieces(100, bytes) == Lines{"one", "two", "", "three"});
}

TEST_CASE("CRLF loses its CR, a lone CR inside a line stays") {
  CHECK(frame_in_pieces(100, {"a\r\nb\rc\n"}) == Lines{"a", "b\rc"});
  CHECK(frame_in_pieces(100, {"a\r", "\n"}) == Lines{"a"});
}

TEST_CASE("a UTF-8 character split across reads arrives whole") {
  const std::string korean = "\xEC\x95\x88\xEB\x85\x95";  // 안녕
  CHECK(frame_in_pieces(100, {"\xEC", "\x95\x88\xEB\x85", "\x95\n"}) == Lines{korean});
}

TEST_CASE("an incomplete line is held, not emitted") {
  LineFramer framer(100);
  Collector c;
  framer.feed("partial", c);
  CHECK(c.out.empty());
  CHECK(framer.buffered() == 7);
  framer.feed(" line\n", c);
  CHECK(c.out == Lines{"partial line"});
  CHECK(framer.buffered() == 0);
}

TEST_CASE("a line of exactly max_line bytes is accepted, with or without CR") {
  const std::string line(8, 'x');
  CHECK(frame_in_pieces(8, {line + "\n"}) == Lines{line});
  CHECK(frame_in_pieces(8, {line + "\r\n"}) == Lines{line});
  CHECK(frame_in_pieces(8, {line.substr(0, 3), line.substr(3) + "\r", "\n"}) == Lines{line});
}

TEST_CASE("an oversize line is reported once and the next line is intact") {
  const std::string big(9, 'x');
  CHECK(frame_in_pieces(8, {big + "\nok\n"}) == Lines{"<too long>", "ok"});
  CHECK(frame_in_pieces(8, {big + "\r\nok\n"}) == Lines{"<too long>", "ok"});
}

TEST_CASE("an oversize line arriving in pieces is never buffered whole") {
  LineFramer framer(16);
  Collector c;
  for (int i = 0; i < 1000; ++i) {
    framer.feed("0123456789", c);
    REQUIRE(framer.buffered() <= 17);
  }
  CHECK(c.out == Lines{"<too long>"});  // reported as soon as it overflowed
  framer.feed("tail\nnext\n", c);
  CHECK(c.out == Lines{"<too long>", "next"});
}

TEST_CASE("an oversize line completed by a later read is reported at its newline") {
  // 10 bytes held, then 10 more and the newline in one read: over the limit.
  CHECK(frame_in_pieces(16, {"0123456789", "0123456789\nok\n"}) == Lines{"<too long>", "ok"});
}

TEST_CASE("the sink can stop framing") {
  LineFramer framer(100);
  std::vector<std::string> seen;
  framer.feed("a\nb\nc\n", [&](const Frame& f) {
    seen.emplace_back(f.text);
    return f.text != "b";
  });
  CHECK(seen == Lines{"a", "b"});
}

TEST_CASE("feed says how much it used when the sink stops it, so the rest can be fed later") {
  chat::LineFramer framer(64);
  std::vector<std::string> lines;
  const std::string bytes = "one\ntwo\nthree\npart";
  auto take_two = [&](const chat::Frame& f) {
    lines.emplace_back(f.text);
    return lines.size() < 2;
  };
  const std::size_t used = framer.feed(bytes, take_two);
  CHECK(used == 8);  // "one\ntwo\n"
  CHECK(lines == std::vector<std::string>{"one", "two"});
  CHECK(framer.feed(std::string_view(bytes).substr(used), [&](const chat::Frame& f) {
    lines.emplace_back(f.text);
    return true;
  }) == bytes.size() - used);
  CHECK(lines.back() == "three");
  CHECK(framer.buffered() == 4);  // "part" waits for its "\n"
}
