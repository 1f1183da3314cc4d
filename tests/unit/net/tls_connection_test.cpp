// Connection over TLS on a socketpair, driven by hand as the reactor drives
// it: what no integration test can arrange reliably.
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "net/connection.h"
#include "tls_certs.h"
#include "tls_context.h"

using namespace chat;
using chat::test::tls_certs;

TEST_CASE("tls connection: bytes OpenSSL decrypted but did not return count as a backlog", "[tls]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
  UniqueFd server_fd(fds[0]), client_fd(fds[1]);
  const int big = 4 << 20;  // room for everything the client sends below
  ::setsockopt(client_fd.get(), SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  ::setsockopt(server_fd.get(), SOL_SOCKET, SO_RCVBUF, &big, sizeof big);

  auto made = tls::make_server_context(tls_certs().server.cert, tls_certs().server.key);
  REQUIRE(std::holds_alternative<tls::ContextPtr>(made));
  const tls::ContextPtr server_ctx = std::move(std::get<tls::ContextPtr>(made));
  const tls::ContextPtr client_ctx(SSL_CTX_new(TLS_client_method()));
  tls::Stream client = std::get<tls::Stream>(tls::Stream::open(client_ctx.get(), client_fd.get(), tls::Stream::Role::client));

  ServerLimits options;
  options.max_line = 10000;
  options.rate_limit = {};
  LoopContext loop;
  const int raw_server_fd = server_fd.get();
  Connection conn(std::move(server_fd), PeerAddress{}, options, loop,
                  std::get<tls::Stream>(tls::Stream::open(server_ctx.get(), raw_server_fd, tls::Stream::Role::server)));
  REQUIRE(conn.handshaking);
  for (int i = 0; i < 20 && conn.handshaking; ++i) {
    client.handshake();
    const tls::Result r = conn.handshake();
    REQUIRE(r.status != tls::Status::error);
  }
  REQUIRE_FALSE(conn.handshaking);
  REQUIRE(client.handshake().status == tls::Status::done);

  // 100 lines of 8,000 bytes in records of 10,000 bytes, all in the socket
  // before the server reads: four 64 KiB reads end inside a record.
  std::string all;
  for (int i = 0; i < 100; ++i) all += std::to_string(i) + std::string(7999 - std::to_string(i).size(), 'p') + "\n";
  for (std::size_t at = 0; at < all.size(); at += 10000) {
    const tls::Result r = client.write(std::string_view(all).substr(at, 10000));
    REQUIRE(r.status == tls::Status::done);
    REQUIRE(r.bytes == std::min<std::size_t>(10000, all.size() - at));
  }

  std::vector<char> scratch(64 * 1024);
  int lines = 0;
  auto count = [&](const Frame& f) {
    CHECK(f.text.starts_with(std::to_string(lines)));
    ++lines;
    return Connection::FrameCost::counted;
  };
  REQUIRE(conn.read_lines(scratch, 1000, count) == Connection::IoStatus::ok);
  CHECK(lines == 32);  // 4 x 64 KiB of 8,000-byte lines
  // 26 records and 2,144 bytes of the 27th were returned: the rest of that
  // record is decrypted inside OpenSSL. The socket will say nothing of it
  // (it is read), so the connection must.
  CHECK(conn.has_backlog());
  while (conn.has_backlog() || lines < 100) {
    const int before = lines;
    REQUIRE(conn.read_lines(scratch, 1000, count) == Connection::IoStatus::ok);
    REQUIRE(lines > before);
  }
  CHECK(lines == 100);
  CHECK_FALSE(conn.has_backlog());
}
