#include <catch2/catch.hpp>

#include <string>

#include "web/http_request.h"
#include "web/http_response.h"
#include "web/web_policy.h"

using chat::web::HeadResult;
using chat::web::parse_request_head;
using chat::web::Route;

namespace {

const std::string kUpgrade =
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    "Origin: http://127.0.0.1:8080\r\n\r\n";

Route route_of(const std::string& head, const chat::web::WebPolicy& policy = {}) {
  const HeadResult r = parse_request_head(head);
  REQUIRE(r.status == HeadResult::Status::complete);
  return chat::web::route(r.request, policy, [](const std::string& p) { return p == "/index.html"; });
}

chat::web::WebPolicy policy_tls() {
  chat::web::WebPolicy p;
  p.tls = true;
  return p;
}

}  // namespace

TEST_CASE("http: a request head is complete at its blank line, not before") {
  for (std::size_t n = 0; n < kUpgrade.size(); ++n) {
    CHECK(parse_request_head(std::string_view(kUpgrade).substr(0, n)).status == HeadResult::Status::incomplete);
  }
  const HeadResult r = parse_request_head(kUpgrade + "\x81\x85");
  REQUIRE(r.status == HeadResult::Status::complete);
  CHECK(r.used == kUpgrade.size());
  CHECK(r.request.method == "GET");
  CHECK(r.request.path() == "/ws");
  CHECK(r.request.host == "127.0.0.1:8080");
  CHECK(r.request.ws_key == "dGhlIHNhbXBsZSBub25jZQ==");
}

TEST_CASE("http: a head over 8 KiB is too large however it is split") {
  std::string head = "GET / HTTP/1.1\r\nX-Pad: " + std::string(9000, 'a');
  CHECK(parse_request_head(head).status == HeadResult::Status::too_large);
  std::string many = "GET / HTTP/1.1\r\n";
  while (many.size() < chat::web::kMaxRequestHead) many += "X-A: b\r\n";
  CHECK(parse_request_head(many).status == HeadResult::Status::too_large);
}

TEST_CASE("http: malformed heads are bad requests") {
  for (const char* head : {"GET\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "GET noslash HTTP/1.1\r\n\r\n",
                           "GET / HTTP/1.1\r\nNo colon\r\n\r\n", "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
                           "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET / HTTP/1.1\r\nX: a\x01\r\n\r\n"}) {
    INFO(head);
    CHECK(parse_request_head(head).status == HeadResult::Status::bad);
  }
}

TEST_CASE("http: routes: page, upgrade, 404, 405, 426, 403") {
  CHECK(route_of("GET /?nick=ann HTTP/1.1\r\nHost: h\r\n\r\n").path == "/index.html");
  CHECK(route_of("GET /nope HTTP/1.1\r\nHost: h\r\n\r\n").status == 404);
  CHECK(route_of("POST / HTTP/1.1\r\nHost: h\r\n\r\n").status == 405);
  CHECK(route_of("GET / HTTP/1.1\r\n\r\n").status == 400);
  CHECK(route_of("GET /ws HTTP/1.1\r\nHost: h\r\n\r\n").status == 426);
  CHECK(route_of(kUpgrade).kind == Route::Kind::upgrade);
  std::string evil = kUpgrade;
  evil.replace(evil.find("Origin: http://127.0.0.1:8080"), 29, "Origin: http://evil.example");
  CHECK(route_of(evil).status == 403);
  chat::web::WebPolicy allow;
  allow.extra_origins = {"http://evil.example"};
  CHECK(route_of(evil, allow).kind == Route::Kind::upgrade);
  // On the TLS port the page's origin is https://
  chat::web::WebPolicy tls;
  tls.tls = true;
  CHECK(route_of(kUpgrade, tls).status == 403);
}

TEST_CASE("http: subprotocols: chat.lines or none and IRC refused with why") {
  CHECK(chat::web::choose_subprotocol("") == "");
  CHECK(chat::web::choose_subprotocol("foo, chat.lines") == "chat.lines");
  CHECK(chat::web::choose_subprotocol("text.ircv3.net").find("not served yet") != std::string::npos);
  std::string irc = kUpgrade;
  irc.insert(irc.size() - 2, "Sec-WebSocket-Protocol: text.ircv3.net\r\n");
  CHECK(route_of(irc).status == 400);
}

TEST_CASE("http: every response carries the security headers and HSTS only over TLS") {
  const std::string plain = chat::web::file_response("text/html", "<p>", {});
  CHECK(plain.find("Content-Security-Policy: default-src 'self'; frame-ancestors 'none'") != std::string::npos);
  CHECK(plain.find("X-Content-Type-Options: nosniff") != std::string::npos);
  CHECK(plain.find("Strict-Transport-Security") == std::string::npos);
  const std::string tls = chat::web::file_response("text/html", "<p>", policy_tls());
  CHECK(tls.find("Strict-Transport-Security: max-age=") != std::string::npos);
  const std::string up = chat::web::upgrade_response("dGhlIHNhbXBsZSBub25jZQ==", "chat.lines");
  CHECK(up.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
  CHECK(up.find("Sec-WebSocket-Protocol: chat.lines\r\n") != std::string::npos);
}

TEST_CASE("http: --web-origin takes origins, not URLs") {
  std::vector<std::string> out;
  CHECK(chat::web::parse_origins("https://a.example, http://b.example:8080", out).empty());
  CHECK(out == std::vector<std::string>{"https://a.example", "http://b.example:8080"});
  CHECK_FALSE(chat::web::parse_origins("https://a.example/path", out).empty());
  CHECK_FALSE(chat::web::parse_origins("a.example", out).empty());
}
