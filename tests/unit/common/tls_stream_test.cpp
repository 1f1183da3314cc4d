// tls::Stream and make_server_context over a socketpair, with certificates
// generated for the test (tests/support/tls_certs.h): no server process.
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "tls_certs.h"
#include "tls_context.h"
#include "tls_stream.h"
#include "unique_fd.h"

using namespace chat;
using chat::test::tls_certs;

namespace {

struct Pair {
  UniqueFd server_fd, client_fd;
  tls::ContextPtr server_ctx, client_ctx;
  tls::Stream server, client;

  // `client_groups`: the key-exchange groups the client offers (OpenSSL's
  // defaults when empty); `client_max`: its highest TLS version.
  explicit Pair(const char* client_groups = nullptr, int client_max = 0) {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    server_fd.reset(fds[0]);
    client_fd.reset(fds[1]);
    auto made = tls::make_server_context(tls_certs().server.cert, tls_certs().server.key);
    REQUIRE(std::holds_alternative<tls::ContextPtr>(made));
    server_ctx = std::move(std::get<tls::ContextPtr>(made));
    client_ctx.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_load_verify_locations(client_ctx.get(), tls_certs().ca_cert.c_str(), nullptr);
    SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_mode(client_ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (client_groups != nullptr) REQUIRE(SSL_CTX_set1_groups_list(client_ctx.get(), client_groups) == 1);
    if (client_max != 0) REQUIRE(SSL_CTX_set_max_proto_version(client_ctx.get(), client_max) == 1);
    server = std::get<tls::Stream>(tls::Stream::open(server_ctx.get(), server_fd.get(), tls::Stream::Role::server));
    client = std::get<tls::Stream>(
        tls::Stream::open(client_ctx.get(), client_fd.get(), tls::Stream::Role::client, "localhost"));
  }

  // Steps both sides until both finished; returns the server's last result.
  tls::Result handshake() {
    tls::Result s, c;
    for (int i = 0; i < 20; ++i) {
      c = client.handshake();
      s = server.handshake();
      if (s.status == tls::Status::error || c.status == tls::Status::error) break;
      if (s.status == tls::Status::done && c.status == tls::Status::done) break;
    }
    return s;
  }
};

std::string read_all(tls::Stream& stream) {
  std::string out;
  char buf[4096];
  while (true) {
    const tls::Result r = stream.read(buf);
    if (r.status != tls::Status::done) return out;
    out.append(buf, r.bytes);
  }
}

}  // namespace

TEST_CASE("tls stream: a handshake over a socketpair, then lines both ways", "[tls]") {
  Pair p;
  CHECK_FALSE(p.server.handshake_done());
  const tls::Result r = p.handshake();
  REQUIRE(r.status == tls::Status::done);
  CHECK(p.server.handshake_done());
  CHECK(p.server.description().starts_with("TLSv1.3 "));
  CHECK_FALSE(p.server.ktls_send());  // no kernel TLS on a unix socket

  char buf[64];
  CHECK(p.server.read(buf).status == tls::Status::want_read);  // nothing yet, no blocking
  REQUIRE(p.client.write(std::string_view("hello\n")).status == tls::Status::done);
  const tls::Result got = p.server.read(buf);
  REQUIRE(got.status == tls::Status::done);
  CHECK(std::string(buf, got.bytes) == "hello\n");

  const tls::Result sent = p.server.write(std::string_view("welcome\n"));
  CHECK(sent.status == tls::Status::done);
  CHECK(sent.bytes == 8);
  CHECK(read_all(p.client) == "welcome\n");
}

TEST_CASE("tls stream: a full socket gives want_write and the same bytes go out on retry", "[tls]") {
  Pair p;
  REQUIRE(p.handshake().status == tls::Status::done);
  const std::string chunk(16384, 'x');
  std::size_t written = 0;
  tls::Result r;
  for (int i = 0; i < 10000; ++i) {
    r = p.server.write(chunk);
    if (r.status != tls::Status::done) break;
    written += r.bytes;
  }
  REQUIRE(r.status == tls::Status::want_write);
  std::string received = read_all(p.client);
  // Retried with the same bytes from another buffer (a moving buffer).
  const std::string copy = chunk;
  while (true) {
    r = p.server.write(copy);
    if (r.status == tls::Status::done) break;
    REQUIRE(r.status == tls::Status::want_write);
    received += read_all(p.client);
  }
  written += r.bytes;
  for (int i = 0; i < 100 && received.size() < written; ++i) received += read_all(p.client);
  CHECK(received.size() == written);
  CHECK(received.find_first_not_of('x') == std::string::npos);
}

TEST_CASE("tls stream: pending() counts decrypted bytes a short read left", "[tls]") {
  Pair p;
  REQUIRE(p.handshake().status == tls::Status::done);
  REQUIRE(p.client.write(std::string_view("0123456789")).status == tls::Status::done);
  char buf[4];
  REQUIRE(p.server.read(buf).bytes == 4);
  CHECK(p.server.pending() == 6);
}

TEST_CASE("tls stream: close_notify and a bare EOF both read as closed", "[tls]") {
  Pair p;
  REQUIRE(p.handshake().status == tls::Status::done);
  char buf[64];
  SECTION("close_notify") {
    p.client.shutdown();
    CHECK(p.server.read(buf).status == tls::Status::closed);
  }
  SECTION("EOF without close_notify") {
    p.client_fd.reset();
    CHECK(p.server.read(buf).status == tls::Status::closed);
  }
}

TEST_CASE("tls stream: plain text instead of a ClientHello is an error with a reason", "[tls]") {
  Pair p;
  const std::string text = "hello, is this the chat?\n";
  REQUIRE(::write(p.client_fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  const tls::Result r = p.server.handshake();
  REQUIRE(r.status == tls::Status::error);
  CHECK_FALSE(r.error.empty());
  CHECK(r.error.find('\n') == std::string::npos);
  INFO(r.error);
  CHECK(r.error.find("wrong version number") != std::string::npos);
  // The error queue was emptied: the next stream starts clean.
  CHECK(tls::take_error_line("empty") == "empty");
}

TEST_CASE("tls stream: EOF in the middle of a handshake is an error", "[tls]") {
  Pair p;
  p.client.handshake();  // the ClientHello goes out
  p.client_fd.reset();
  tls::Result r = p.server.handshake();
  for (int i = 0; i < 3 && r.status == tls::Status::want_write; ++i) r = p.server.handshake();
  CHECK(r.status == tls::Status::error);
}

// A finite-field group costs chatd 120-154 ms of CPU per handshake on its
// only thread (ffdhe8192), paid by a client that replays a canned
// ClientHello: only the cheap elliptic-curve groups are offered.
TEST_CASE("tls context: a client offering only ffdhe groups is refused with an alert, TLS 1.3 and 1.2", "[tls]") {
  for (const int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    for (const char* groups : {"ffdhe8192", "ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"}) {
      CAPTURE(version, groups);
      Pair p(groups, version);
      CHECK(p.handshake().status == tls::Status::error);
      CHECK_FALSE(p.server.handshake_done());
    }
  }
}

TEST_CASE("tls context: X25519 is preferred, P-256 accepted, a finite-field group never chosen", "[tls]") {
  struct Case {
    const char* offered;
    int version;
    const char* chosen;
  };
  for (const Case c : {Case{nullptr, 0, "X25519"}, Case{"ffdhe8192:P-256", 0, "prime256v1"},
                       Case{nullptr, TLS1_2_VERSION, "X25519"}, Case{"P-256", TLS1_2_VERSION, "prime256v1"}}) {
    CAPTURE(c.offered ? c.offered : "(defaults)", c.version);
    Pair p(c.offered, c.version);
    const tls::Result r = p.handshake();
    CAPTURE(r.error);
    REQUIRE(r.status == tls::Status::done);
    const int nid = SSL_get_negotiated_group(p.server.native());
    CHECK(std::string(OBJ_nid2sn(nid)) == c.chosen);
  }
}

TEST_CASE("tls context: one line naming the file and why", "[tls]") {
  const auto& c = tls_certs();
  auto error_of = [](const std::string& cert, const std::string& key) {
    auto made = tls::make_server_context(cert, key);
    return std::holds_alternative<std::string>(made) ? std::get<std::string>(made) : std::string();
  };
  CHECK(error_of(c.server.cert, c.server.key).empty());
  CHECK(error_of(c.dir + "/missing.crt", c.server.key) ==
        "cannot read --tls-cert " + c.dir + "/missing.crt: No such file or directory");
  CHECK(error_of(c.server.cert, c.dir + "/missing.key") ==
        "cannot read --tls-key " + c.dir + "/missing.key: No such file or directory");
  CHECK(error_of(c.garbage, c.server.key).starts_with("cannot use --tls-cert " + c.garbage + ": "));
  CHECK(error_of(c.server.cert, c.garbage).starts_with("cannot use --tls-key " + c.garbage + ": "));
  const std::string mismatch = error_of(c.server.cert, c.reloaded.key);
  CHECK(mismatch.starts_with("--tls-key " + c.reloaded.key + " does not match --tls-cert " + c.server.cert));
  CHECK(mismatch.find('\n') == std::string::npos);
}
