#include "payload.h"

#include <catch2/catch.hpp>
#include <string>

using flood::decode_line;
using flood::encode_payload;
using flood::Kind;
using flood::LineKind;
using flood::Payload;

namespace {
std::string make(std::size_t size, const Payload& p) {
  std::string s(size, '\0');
  encode_payload(s, p);
  return s;
}
}  // namespace

TEST_CASE("a payload round-trips behind any prefix") {
  const Payload p{Kind::message, 0xabcdef, 0xfffffffe, 0x0123456789abcdefull};
  for (const std::size_t size : {flood::kMinPayloadSize, std::size_t{64}, std::size_t{1000}, std::size_t{70000}}) {
    const std::string payload = make(size, p);
    REQUIRE(payload.size() == size);
    REQUIRE(payload.find_first_of("\n\r") == std::string::npos);
    for (const std::string prefix : {"", "[127.0.0.1:40000] ", "<user3> ", ":fl1!~fl1@localhost PRIVMSG #flood :"}) {
      const auto d = decode_line(prefix + payload, size);
      REQUIRE(d.kind == LineKind::payload);
      CHECK(d.payload.kind == Kind::message);
      CHECK(d.payload.sender == p.sender);
      CHECK(d.payload.seq == p.seq);
      CHECK(d.payload.sent_ns == p.sent_ns);
    }
  }
}

TEST_CASE("probes decode as probes") {
  const auto d = decode_line("[x] " + make(40, Payload{Kind::probe, 1, 7, 99}), 40);
  REQUIRE(d.kind == LineKind::payload);
  CHECK(d.payload.kind == Kind::probe);
  CHECK(d.payload.sender == 1);
  CHECK(d.payload.seq == 7);
}

TEST_CASE("lines without the marker are someone else's") {
  CHECK(decode_line("> Connected to the chat server (1 user online)", 64).kind == LineKind::other);
  CHECK(decode_line("", 64).kind == LineKind::other);
  CHECK(decode_line(":irc.local 001 fl0 :Welcome", 40).kind == LineKind::other);
}

TEST_CASE("every kind of damage is garbled") {
  const std::string good = make(64, Payload{Kind::message, 3, 42, 123456789});
  REQUIRE(decode_line(good, 64).kind == LineKind::payload);

  SECTION("truncated") { CHECK(decode_line(good.substr(0, 63), 64).kind == LineKind::garbled); }
  SECTION("lengthened at the end") { CHECK(decode_line(good + "a", 64).kind == LineKind::garbled); }
  SECTION("two payloads run together") {
    CHECK(decode_line(good.substr(0, 30) + good, 64).kind == LineKind::payload);  // prefix is free-form...
    CHECK(decode_line(good + good.substr(0, 30), 64).kind == LineKind::garbled);  // ...a broken tail is not
  }
  SECTION("a flipped byte anywhere after the marker") {
    for (std::size_t i = 4; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] = bad[i] == 'b' ? 'c' : 'b';
      INFO("byte " << i);
      CHECK(decode_line(bad, 64).kind == LineKind::garbled);
    }
  }
  SECTION("uppercase hex is not accepted") {
    std::string bad = make(64, Payload{Kind::message, 0xa, 1, 1});
    bad[10] = 'A';
    CHECK(decode_line(bad, 64).kind == LineKind::garbled);
  }
  SECTION("a replacement character in the padding") {
    std::string bad = good;
    bad.replace(50, 3, "\xEF\xBF\xBD");
    CHECK(decode_line(bad, 64).kind == LineKind::garbled);
  }
}

TEST_CASE("padding depends on the sequence number") {
  const std::string a = make(64, Payload{Kind::message, 1, 1, 5});
  const std::string b = make(64, Payload{Kind::message, 1, 2, 5});
  CHECK(a.substr(flood::kHeaderSize) != b.substr(flood::kHeaderSize));
  // b's padding under a's header must not pass.
  std::string mixed = a.substr(0, flood::kHeaderSize) + b.substr(flood::kHeaderSize);
  CHECK(decode_line(mixed, 64).kind == LineKind::garbled);
}

TEST_CASE("every hex digit position and value decodes, every non-hex byte is refused") {
  // Exercises the eight-at-a-time digit decoder against single digits.
  for (std::size_t pos = 0; pos < 16; ++pos) {
    for (std::uint64_t digit = 0; digit < 16; ++digit) {
      const Payload p{Kind::message, 5, static_cast<std::uint32_t>(digit << (4 * (pos % 8))),
                      digit << (4 * pos)};
      const auto d = decode_line(make(48, p), 48);
      REQUIRE(d.kind == LineKind::payload);
      CHECK(d.payload.seq == p.seq);
      CHECK(d.payload.sent_ns == p.sent_ns);
    }
  }
  const std::string good = make(48, Payload{Kind::message, 5, 0x12345678, 0x1122334455667788ull});
  for (std::size_t at = 11; at < 35; ++at) {  // the sequence and time digits
    for (int byte = 0; byte < 256; ++byte) {
      const char c = static_cast<char>(byte);
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) continue;
      std::string bad = good;
      bad[at] = c;
      INFO("at " << at << " byte " << byte);
      REQUIRE(decode_line(bad, 48).kind == LineKind::garbled);
    }
  }
}
