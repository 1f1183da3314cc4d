// flood's WebSocket client codec, checked against RFC 6455's examples and
// against chatd's own server-side codec (server/web), which is independent
// code: what flood encodes chatd must decode, and the other way round.
#include "ws_client.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "web/websocket.h"
#include "web/ws_decoder.h"

namespace ws = flood::ws;

namespace {
// Everything chatd's decoder reports for `bytes`, as "text:..." etc.
std::vector<std::string> server_reads(std::string_view bytes, std::size_t max = 1 << 20) {
  chat::web::WsDecoder d(max);
  std::vector<std::string> seen;
  d.feed(bytes, [&](const chat::web::WsEvent& e) {
    using K = chat::web::WsEvent::Kind;
    const char* kind = e.kind == K::text ? "text" : e.kind == K::ping ? "ping" : e.kind == K::pong ? "pong"
                     : e.kind == K::close ? "close" : "fail";
    seen.push_back(std::string(kind) + ":" + std::string(e.payload));
    return true;
  });
  return seen;
}
}  // namespace

TEST_CASE("flood ws: the accept key of RFC 6455's example") {
  CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(ws::accept_key("x") == chat::web::accept_key("x"));
}

TEST_CASE("flood ws: keys are base64 of 16 bytes and differ by seed") {
  const std::string a = ws::make_key(1), b = ws::make_key(2);
  CHECK(a.size() == 24);
  CHECK(a.ends_with("=="));
  CHECK(a != b);
  CHECK(chat::web::valid_key(a));
}

TEST_CASE("flood ws: the upgrade request names the key and version 13") {
  const std::string r = ws::upgrade_request("127.0.0.1:8080", "/ws", "KEY", "chat.lines");
  CHECK(r.starts_with("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
  CHECK(r.find("\r\nSec-WebSocket-Key: KEY\r\n") != std::string::npos);
  CHECK(r.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(r.find("\r\nSec-WebSocket-Protocol: chat.lines\r\n") != std::string::npos);
  CHECK(r.find("Origin") == std::string::npos);
  CHECK(r.ends_with("\r\n\r\n"));
  CHECK(ws::upgrade_request("h", "/ws", "K", "").find("Sec-WebSocket-Protocol") == std::string::npos);
}

TEST_CASE("flood ws: a 101 is checked byte by byte as it arrives") {
  const std::string accept = ws::accept_key("k");
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept:  " + accept + "\r\n\r\n";
  const std::string bytes = head + "\x81\x02hi";
  for (std::size_t n = 0; n < head.size(); ++n) {
    CHECK(ws::check_upgrade(std::string_view(bytes).substr(0, n), accept).status == ws::Upgrade::Status::incomplete);
  }
  const auto u = ws::check_upgrade(bytes, accept);
  REQUIRE(u.status == ws::Upgrade::Status::accepted);
  CHECK(u.head_size == head.size());
}

TEST_CASE("flood ws: refusals say what the server answered") {
  const std::string accept = ws::accept_key("k");
  auto refused = [&](const std::string& bytes) { return ws::check_upgrade(bytes, accept); };
  const auto forbidden = refused("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  CHECK(forbidden.status == ws::Upgrade::Status::refused);
  CHECK(forbidden.why == "HTTP/1.1 403 Forbidden");
  CHECK(refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: wrong\r\n\r\n").status ==
        ws::Upgrade::Status::refused);
  CHECK(refused("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n").status ==
        ws::Upgrade::Status::refused);
  CHECK(refused("HTTP/1.1 200 OK\r\n" + std::string(9000, 'x')).status == ws::Upgrade::Status::refused);
  const auto line_port = refused("> Connected to the chat server (1 user online)\n> Rec");
  CHECK(line_port.status == ws::Upgrade::Status::refused);
  CHECK(line_port.why == "not an HTTP answer: > Connected to the chat server (1 user online)");
  CHECK(refused("HTT").status == ws::Upgrade::Status::incomplete);
}

TEST_CASE("flood ws: chatd's decoder reads flood's masked frames of every length class") {
  const ws::Mask mask{0x37, 0xfa, 0x21, 0x3d};
  for (const std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{125}, std::size_t{126}, std::size_t{65535},
                              std::size_t{65536}, std::size_t{200000}}) {
    const std::string text(n, 'a' + static_cast<char>(n % 26));
    std::string out;
    ws::append_client_frame(out, ws::Opcode::text, text, mask);
    REQUIRE(out.size() == ws::client_header_size(n) + n);
    const auto seen = server_reads(out);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == "text:" + text);
  }
}

TEST_CASE("flood ws: the RFC's masked Hello and a pong") {
  std::string out;
  ws::append_client_frame(out, ws::Opcode::text, "Hello", {0x37, 0xfa, 0x21, 0x3d});
  CHECK(out == std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
  out.clear();
  ws::append_client_frame(out, ws::Opcode::pong, "p1", {1, 2, 3, 4});
  ws::append_client_frame(out, ws::Opcode::text, "after", {5, 6, 7, 8});
  CHECK(server_reads(out) == std::vector<std::string>{"pong:p1", "text:after"});
}

TEST_CASE("flood ws: chatd's server frames are read back") {
  for (const std::size_t n : {std::size_t{0}, std::size_t{125}, std::size_t{126}, std::size_t{65535}, std::size_t{65536}}) {
    const std::string text(n, 'z');
    std::string out;
    chat::web::append_frame(out, chat::web::Opcode::text, text);
    const auto h = ws::parse_server_head(out);
    REQUIRE(h.status == ws::FrameHead::Status::ok);
    CHECK(h.fin);
    CHECK(h.opcode == ws::Opcode::text);
    CHECK(h.header_size == chat::web::frame_header_size(n));
    CHECK(h.length == n);
    for (std::size_t cut = 0; cut < h.header_size; ++cut) {
      CHECK(ws::parse_server_head(std::string_view(out).substr(0, cut)).status == ws::FrameHead::Status::incomplete);
    }
  }
  std::string close;
  chat::web::append_close(close, 1001, "bye");
  const auto h = ws::parse_server_head(close);
  REQUIRE(h.status == ws::FrameHead::Status::ok);
  CHECK(h.opcode == ws::Opcode::close);
  CHECK(ws::close_code(std::string_view(close).substr(h.header_size)) == 1001);
  CHECK(ws::close_code("") == 1005);
}

TEST_CASE("flood ws: server frames that break the framing are bad") {
  using S = ws::FrameHead::Status;
  CHECK(ws::parse_server_head(std::string("\x81\x80\0\0\0\0", 6)).status == S::bad);       // masked
  CHECK(ws::parse_server_head(std::string("\xc1\x00", 2)).status == S::bad);               // RSV1
  CHECK(ws::parse_server_head(std::string("\x83\x00", 2)).status == S::bad);               // opcode 3
  CHECK(ws::parse_server_head(std::string("\x09\x00", 2)).status == S::bad);               // fragmented ping
  CHECK(ws::parse_server_head(std::string("\x89\x7e\x00\x7e", 4)).status == S::bad);       // 126-byte ping
  CHECK(ws::parse_server_head(std::string("\x81\x7f\x80\0\0\0\0\0\0\0", 10)).status == S::bad);  // 2^63
  const auto frag = ws::parse_server_head(std::string("\x01\x01", 2));
  CHECK(frag.status == S::ok);
  CHECK_FALSE(frag.fin);
}
