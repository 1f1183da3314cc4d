#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "web/websocket.h"
#include "web/ws_decoder.h"

using chat::web::WsDecoder;
using chat::web::WsEvent;

namespace {

// A client frame: masked with `key`.
std::string client_frame(std::uint8_t first_byte, std::string_view payload, std::uint32_t key = 0x37fa213d) {
  std::string f;
  f.push_back(static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int s = 56; s >= 0; s -= 8) f.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> s) & 0xFF));
  }
  const unsigned char mask[4] = {static_cast<unsigned char>(key >> 24), static_cast<unsigned char>(key >> 16),
                                 static_cast<unsigned char>(key >> 8), static_cast<unsigned char>(key)};
  f.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i & 3]));
  return f;
}

struct Seen {
  WsEvent::Kind kind;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> decode(WsDecoder& d, std::string_view bytes, std::size_t chunk = 0) {
  std::vector<Seen> seen;
  auto sink = [&](const WsEvent& e) {
    seen.push_back({e.kind, std::string(e.payload), e.code});
    return true;
  };
  if (chunk == 0) {
    CHECK(d.feed(bytes, sink) == bytes.size());
  } else {
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
      const auto part = bytes.substr(at, chunk);
      CHECK(d.feed(part, sink) == part.size());
    }
  }
  return seen;
}

}  // namespace

TEST_CASE("ws decoder: a masked text frame is one message") {
  WsDecoder d(4096);
  const auto seen = decode(d, client_frame(0x81, "Hello"));
  REQUIRE(seen == std::vector<Seen>{{WsEvent::Kind::text, "Hello", 0}});
}

TEST_CASE("ws decoder: bytes one at a time give the same messages") {
  WsDecoder d(100000);
  const std::string big(70000, 'x');
  const std::string stream = client_frame(0x81, "a") + client_frame(0x81, std::string(300, 'y')) + client_frame(0x81, big);
  const auto seen = decode(d, stream, 1);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].payload == "a");
  CHECK(seen[1].payload == std::string(300, 'y'));
  CHECK(seen[2].payload == big);
  CHECK(d.buffered() == 0);
}

TEST_CASE("ws decoder: fragments are reassembled and control frames may come between") {
  WsDecoder d(4096);
  const std::string stream = client_frame(0x01, "Hel") + client_frame(0x89, "p1") + client_frame(0x00, "lo ") +
                             client_frame(0x8A, "") + client_frame(0x80, "world");
  const auto seen = decode(d, stream, 3);
  REQUIRE(seen == std::vector<Seen>{{WsEvent::Kind::ping, "p1", 0},
                                    {WsEvent::Kind::pong, "", 0},
                                    {WsEvent::Kind::text, "Hello world", 0}});
}

TEST_CASE("ws decoder: an unmasked client frame fails with 1002") {
  WsDecoder d(4096);
  const std::string frame = "\x81\x02hi";
  const auto seen = decode(d, frame);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].kind == WsEvent::Kind::fail);
  CHECK(seen[0].code == 1002);
  CHECK(d.finished());
}

TEST_CASE("ws decoder: a binary message fails with 1003") {
  WsDecoder d(4096);
  const auto seen = decode(d, client_frame(0x82, "\x01\x02"));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].code == 1003);
}

TEST_CASE("ws decoder: text that is not UTF-8 fails with 1007 even when split across fragments") {
  WsDecoder d(4096);
  const auto seen = decode(d, client_frame(0x01, "caf\xc3") + client_frame(0x80, "("));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].code == 1007);
  WsDecoder ok(4096);
  CHECK(decode(ok, client_frame(0x01, "caf\xc3") + client_frame(0x80, "\xa9")) ==
        std::vector<Seen>{{WsEvent::Kind::text, "caf\xc3\xa9", 0}});
}

TEST_CASE("ws decoder: a message over the limit is too_long then 1009, decided by its header") {
  WsDecoder d(10);
  const auto seen = decode(d, client_frame(0x01, "123456") + client_frame(0x80, "78901"));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].kind == WsEvent::Kind::too_long);
  CHECK(seen[1].kind == WsEvent::Kind::fail);
  CHECK(seen[1].code == 1009);
  WsDecoder exact(10);
  CHECK(decode(exact, client_frame(0x81, "1234567890")).at(0).kind == WsEvent::Kind::text);
  // A header announcing 2^62 bytes is refused before any of them is held.
  WsDecoder huge(4096);
  const std::string header("\x81\xff\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);
  CHECK(decode(huge, header).at(0).kind == WsEvent::Kind::too_long);
  CHECK(huge.buffered() <= 14);
}

TEST_CASE("ws decoder: framing errors fail with 1002") {
  const std::vector<std::string> bad = {
      client_frame(0x80, "x"),                 // continuation with no message
      client_frame(0x01, "a") + client_frame(0x81, "b"),  // new message inside a fragmented one
      client_frame(0xC1, "x"),                 // RSV1 without an extension
      client_frame(0x83, "x"),                 // reserved opcode
      client_frame(0x09, "x"),                 // fragmented ping
      client_frame(0x89, std::string(126, 'p')),  // control frame too long
      client_frame(0x88, "\x03"),              // close with one byte
      client_frame(0x88, "\x03\xed"),          // close code 1005 may not be sent
      client_frame(0x88, "\x03\xe8\xff"),      // close reason not UTF-8: 1007
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    INFO("case " << i);
    WsDecoder d(4096);
    const auto seen = decode(d, bad[i]);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().kind == WsEvent::Kind::fail);
    CHECK(seen.back().code == (i == bad.size() - 1 ? 1007 : 1002));
  }
}

TEST_CASE("ws decoder: a close ends decoding and carries its code") {
  WsDecoder d(4096);
  const auto seen = decode(d, client_frame(0x88, "\x03\xe8" "bye") + client_frame(0x81, "after"));
  REQUIRE(seen == std::vector<Seen>{{WsEvent::Kind::close, "bye", 1000}});
  WsDecoder empty(4096);
  CHECK(decode(empty, client_frame(0x88, "")) == std::vector<Seen>{{WsEvent::Kind::close, "", 1005}});
}

TEST_CASE("ws decoder: a sink that says stop leaves the next frame's bytes unused") {
  WsDecoder d(4096);
  const std::string one = client_frame(0x81, "one");
  const std::string stream = one + client_frame(0x81, "two");
  std::vector<std::string> got;
  const auto used = d.feed(stream, [&](const WsEvent& e) {
    got.emplace_back(e.payload);
    return false;
  });
  CHECK(used == one.size());
  CHECK(got == std::vector<std::string>{"one"});
  d.feed(std::string_view(stream).substr(used), [&](const WsEvent& e) {
    got.emplace_back(e.payload);
    return true;
  });
  CHECK(got == std::vector<std::string>{"one", "two"});
}

TEST_CASE("websocket: the accept key of RFC 6455's example") {
  CHECK(chat::web::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(chat::web::valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
  CHECK_FALSE(chat::web::valid_key("dGhlIHNhbXBsZSBub25jZQ"));
  CHECK_FALSE(chat::web::valid_key("dGhlIHNhbXBsZSBub25jZ!=="));
}

TEST_CASE("websocket: server frames use the shortest length encoding and no mask") {
  std::string out;
  chat::web::append_frame(out, chat::web::Opcode::text, "hi");
  CHECK(out == std::string("\x81\x02hi"));
  out.clear();
  chat::web::append_frame(out, chat::web::Opcode::text, std::string(126, 'a'));
  CHECK(out.substr(0, 4) == std::string("\x81\x7e\x00\x7e", 4));
  CHECK(out.size() == 4 + 126);
  out.clear();
  chat::web::append_frame(out, chat::web::Opcode::text, std::string(65536, 'a'));
  CHECK(out.substr(0, 10) == std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  out.clear();
  chat::web::append_close(out, 1009, "too big");
  CHECK(out == std::string("\x88\x09\x03\xf1too big"));
}
