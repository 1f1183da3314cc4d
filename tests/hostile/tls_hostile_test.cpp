// Hostile peers on chatd's TLS port, on every engine: garbage instead of a
// handshake, a handshake trickled byte by byte and never finished, a
// truncated handshake then silence, a TLS 1.2 renegotiation attempt, a TLS
// user who never reads, and a crowd of half-open handshakes. In each, a plain
// user and a TLS user in the same chatd keep chatting with bounded round
// trips, and chatd logs one line per cause (rate-limited).
#include <catch2/catch.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "chat_fixtures.h"
#include "hostile_util.h"
#include "proc_stats.h"
#include "tls_certs.h"
#include "tls_test_client.h"

using namespace chat::test;
namespace tls = chat::tls;

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> tls_args(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--tls-cert", tls_certs().server.cert, "--tls-key", tls_certs().server.key,
                                   "--tls-port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TlsClientOptions verified() { return {tls_certs().ca_cert, "localhost"}; }

// A plain user and a TLS user, both in the room and seen by each other.
struct GoodUsers {
  TestClient plain;
  TlsTestClient secure;
  explicit GoodUsers(const ChatdProcess& server)
      : plain(server.port()), secure(server.tls_port(), verified()) {
    plain.expect_line("> Connected to the chat server (1 user online)");
    secure.expect_line("> Connected to the chat server (2 users online)");
    plain.expect_line("> New user " + secure.address_name() + " entered (2 users online)");
  }
  // A line each way, each within `bound`; others arriving or leaving
  // meanwhile is no failure.
  void chat(const std::string& tag, std::chrono::milliseconds bound = 2s) {
    plain.send_line("plain " + tag);
    expect_among_arrivals(secure, "[" + plain.address_name() + "] plain " + tag, bound);
    secure.send_line("secure " + tag);
    expect_among_arrivals(plain, "[" + secure.address_name() + "] secure " + tag, bound);
  }

 private:
  template <class Client>
  static void expect_among_arrivals(Client& client, const std::string& expected, std::chrono::milliseconds bound) {
    const auto deadline = Clock::now() + bound;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      const auto line = client.read_line(std::max(left, 1ms));
      INFO("waiting for \"" << expected << "\"");
      REQUIRE(line.has_value());
      if (*line == expected) return;
      INFO("got \"" << *line << "\"");
      REQUIRE((line->starts_with("> New user ") || line->starts_with("< The user ")));
    }
  }
};

// The bytes a real client's first flight holds (its ClientHello), made with
// memory BIOs so nothing is sent.
std::string client_hello(int max_version = 0) {
  tls::ContextPtr ctx(SSL_CTX_new(TLS_client_method()));
  REQUIRE(ctx);
  if (max_version != 0) SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  tls::SslPtr ssl(SSL_new(ctx.get()));
  REQUIRE(ssl);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // owned by ssl from here
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  SSL_set_connect_state(ssl.get());
  (void)SSL_do_handshake(ssl.get());  // wants to read the ServerHello
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  REQUIRE(size > 100);
  return std::string(data, static_cast<std::size_t>(size));
}

// Whether the server closed `fd` (EOF or reset), without blocking.
bool closed_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char buf[4096];
  const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("tls hostile: garbage instead of a handshake is dropped, one log line per second, others chat on",
          "[hostile][tls][garbage]") {
  ChatdProcess server(tls_args());
  GoodUsers good(server);
  std::mt19937 rng(seed_from_env("CHAT_TLS_GARBAGE_SEED", 20261201));
  INFO("seed " << seed_from_env("CHAT_TLS_GARBAGE_SEED", 20261201));
  std::vector<TestClient> attackers;
  for (int i = 0; i < 20; ++i) {
    attackers.emplace_back(server.tls_port());
    // Half of them start like a TLS record (handshake type, version) to get
    // past the first byte's check.
    std::string bytes = i % 2 == 0 ? std::string("\x16\x03\x01\x00\x80", 5) : std::string();
    bytes += random_garbage(rng, 2000);
    attackers.back().send_raw(bytes);
  }
  for (TestClient& a : attackers) REQUIRE(a.wait_closed(3s));
  good.chat("after garbage");
  REQUIRE(server.wait_stderr("chatd: TLS handshake failed: "));
  // 20 failures in well under a second: one line, the rest counted.
  CHECK(count_of(server.stderr_text(), "TLS handshake failed: ") <= 2);
}

TEST_CASE("tls hostile: a handshake trickled a byte at a time is dropped at --tls-handshake-timeout",
          "[hostile][tls][slowloris]") {
  ChatdProcess server(tls_args({"--tls-handshake-timeout", "1"}));
  GoodUsers good(server);
  const std::string hello = client_hello();
  TestClient slow(server.tls_port());
  const auto start = Clock::now();
  bool closed = false;
  // A byte every 50 ms: ~10 s for the whole ClientHello, always active.
  for (std::size_t i = 0; i + 1 < hello.size() && Clock::now() - start < 5s; ++i) {
    if (closed_now(slow.fd())) {
      closed = true;
      break;
    }
    (void)::send(slow.fd(), hello.data() + i, 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(50ms);  // the trickle itself: the attack's pace, not a wait for a condition
  }
  const auto took = Clock::now() - start;
  REQUIRE(closed);
  CHECK(took >= 900ms);  // not before the timeout ...
  CHECK(took < 3s);      // ... and not long after it, however busy the sender
  REQUIRE(server.wait_stderr("TLS handshake timed out: " + slow.address_name() + ": not done in 1 s"));
  good.chat("after the slowloris");
}

TEST_CASE("tls hostile: a truncated handshake then silence is dropped at the timeout", "[hostile][tls][truncated]") {
  ChatdProcess server(tls_args({"--tls-handshake-timeout", "1"}));
  GoodUsers good(server);
  const std::string hello = client_hello();
  TestClient truncated(server.tls_port());
  truncated.send_raw(hello.substr(0, hello.size() / 2));
  good.chat("while it hangs");
  REQUIRE(truncated.wait_closed(4s));
  REQUIRE(server.wait_stderr("TLS handshake timed out: " + truncated.address_name()));
  good.chat("after it went");
}

TEST_CASE("tls hostile: a TLS 1.2 client's renegotiation is refused, the others never notice",
          "[hostile][tls][renegotiation]") {
  ChatdProcess server(tls_args({"--rate-limit", "0"}));
  GoodUsers good(server);

  // A TLS 1.2 session, established and in the room.
  TestClient tcp(server.tls_port());
  tls::ContextPtr ctx(SSL_CTX_new(TLS_client_method()));
  REQUIRE(ctx);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  auto opened = tls::Stream::open(ctx.get(), tcp.fd(), tls::Stream::Role::client, "localhost");
  REQUIRE(std::holds_alternative<tls::Stream>(opened));
  tls::Stream stream = std::move(std::get<tls::Stream>(opened));
  const auto deadline = Clock::now() + 5s;
  tls::Result r;
  while ((r = stream.handshake()).status == tls::Status::want_read || r.status == tls::Status::want_write) {
    pollfd p{tcp.fd(), static_cast<short>(r.status == tls::Status::want_read ? POLLIN : POLLOUT), 0};
    REQUIRE(::poll(&p, 1, 100) >= 0);
    REQUIRE(Clock::now() < deadline);
  }
  REQUIRE(r.status == tls::Status::done);
  CHECK(stream.description().starts_with("TLSv1.2 "));

  // Its welcome, read before anything else happens on the session.
  std::string welcome;
  while (welcome.find('\n') == std::string::npos && Clock::now() < deadline) {
    char buf[256];
    const tls::Result read = stream.read(buf);
    if (read.status == tls::Status::done) welcome.append(buf, read.bytes);
    pollfd p{tcp.fd(), POLLIN, 0};
    (void)::poll(&p, 1, 50);
  }
  REQUIRE(welcome.starts_with("> Connected to the chat server (3 users online)\n"));

  // Ask for a new handshake and drive it as far as the server lets it go.
  REQUIRE(SSL_renegotiate(stream.native()) == 1);
  std::string outcome = "no answer";
  const auto until = Clock::now() + 3s;
  while (Clock::now() < until) {
    const tls::Result step = stream.handshake();
    if (step.status == tls::Status::done) {
      outcome = "renegotiated";
      break;
    }
    if (step.status == tls::Status::error || step.status == tls::Status::closed) {
      outcome = "refused: " + step.error;
      break;
    }
    pollfd p{tcp.fd(), static_cast<short>(step.status == tls::Status::want_write ? POLLOUT : POLLIN), 0};
    (void)::poll(&p, 1, 50);
  }
  INFO(outcome);
  // chatd answers with the no_renegotiation alert (OpenSSL reports it as
  // "no renegotiation"), and the handshake never completes.
  CHECK(outcome.starts_with("refused: "));
  CHECK(outcome.find("no renegotiation") != std::string::npos);
  good.chat("after the renegotiation attempt");
}

TEST_CASE("tls hostile: a TLS user who never reads while others talk is dropped as stalled",
          "[hostile][tls][stall]") {
  ChatdProcess server(tls_args({"--rate-limit", "0", "--max-queue", "65536", "--stall-timeout", "1"}));
  GoodUsers good(server);
  // Never reads, with a small receive window: chatd's writes stop at once.
  TlsTestClient sleeper(server.tls_port(), verified(), "127.0.0.1", 4096);
  good.plain.expect_line("> New user " + sleeper.address_name() + " entered (3 users online)");
  good.secure.expect_line("> New user " + sleeper.address_name() + " entered (3 users online)");
  const std::string padding(200, '.');
  std::string batch;
  constexpr int kLines = 20000;  // ~4 MB: past the kernel's buffers and the 64 KiB queue
  for (int i = 0; i < kLines; ++i) {
    batch += "bulk " + std::to_string(i) + " " + padding + "\n";
    if (batch.size() > 65536 || i == kLines - 1) {
      good.plain.send_raw(batch);
      batch.clear();
    }
  }
  // The TLS reader reading along sees the lines in order, never garbled;
  // if it falls behind the 64 KiB queue for a moment it is told how many
  // were skipped, as any reader would be.
  const std::string from = "[" + good.plain.address_name() + "] bulk ";
  // Where the burst takes over a second to relay (a sanitizer build, a
  // loaded machine), the sleeper is dropped while it lasts.
  const std::string left = "< The user " + sleeper.address_name() + " left (2 users online)";
  bool left_seen = false;
  long received = 0, skipped = 0;
  int last = -1;
  while (received + skipped < kLines) {
    const auto line = good.secure.read_line(5s);
    INFO("received " << received << ", skipped " << skipped);
    REQUIRE(line.has_value());
    if (line->starts_with("! ") && line->ends_with(" skipped (reading too slowly)")) {
      skipped += std::stol(line->substr(2));
      continue;
    }
    if (*line == left && !left_seen) {
      left_seen = true;
      continue;
    }
    INFO("got \"" << line->substr(0, 80) << "\"");
    REQUIRE(line->starts_with(from));
    const int index = std::stoi(line->substr(from.size()));
    REQUIRE(index > last);
    last = index;
    ++received;
  }
  // The others keep talking (a line each 50 ms at most) until chatd gives
  // up on the sleeper, as it does on plain: it accepted nothing for 1 s.
  const std::string dropped = "dropping " + sleeper.address_name() + ": it accepted no output for 1 s";
  const auto talk_until = Clock::now() + 4s;
  for (int n = 0; !server.wait_stderr(dropped, 50ms) && Clock::now() < talk_until; ++n) {
    good.plain.send_line("still talking " + std::to_string(n) + " " + padding);
  }
  REQUIRE(server.stderr_text().find(dropped) != std::string::npos);
  // A "still talking" line sent while chatd was dropping the sleeper may be
  // relayed after the leave line (and on threads the leave may come a moment
  // after the log line), so read until both the leave and a marker sent now.
  const std::string marker = "[" + good.plain.address_name() + "] marker after the drop";
  good.plain.send_line("marker after the drop");
  for (bool marker_seen = false; !(marker_seen && left_seen);) {
    const auto line = good.secure.read_line(5s);
    REQUIRE(line.has_value());
    if (*line == marker) {
      marker_seen = true;
      continue;
    }
    if (*line == left) {
      REQUIRE_FALSE(left_seen);  // said once
      left_seen = true;
      continue;
    }
    INFO("got \"" << line->substr(0, 80) << "\"");
    REQUIRE((line->starts_with(from) || line->starts_with("[" + good.plain.address_name() + "] still talking ") ||
             line->ends_with(" skipped (reading too slowly)")));
  }
  good.chat("after the stall");
}

TEST_CASE("tls hostile: a crowd of half-open handshakes holds seats only until the timeout",
          "[hostile][tls][half-open]") {
  ChatdProcess server(tls_args({"--tls-handshake-timeout", "1", "--max-clients", "20"}));
  GoodUsers good(server);
  const std::string hello = client_hello();
  std::vector<TestClient> crowd;
  for (int i = 0; i < 30; ++i) {
    crowd.emplace_back(server.tls_port());
    crowd.back().send_raw(hello.substr(0, 40));  // a start, never a finish
  }
  // 18 seats were left: the rest are refused at once.
  const auto full_deadline = Clock::now() + 3s;
  std::size_t refused = 0;
  while (refused < 12 && Clock::now() < full_deadline) {
    refused = 0;
    for (TestClient& c : crowd) refused += c.wait_closed(0ms) ? 1 : 0;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(refused == 12);
  // The good users' round trips stay short while the seats are held.
  const auto before = Clock::now();
  good.chat("among the crowd", 1s);
  CHECK(Clock::now() - before < 1s);
  // Once the timeout passes, every seat is free again.
  for (TestClient& c : crowd) REQUIRE(c.wait_closed(4s));
  REQUIRE(server.wait_stderr("TLS handshake timed out: "));
  CHECK(count_of(server.stderr_text(), "TLS handshake timed out: ") <= 3);  // rate-limited
  TlsTestClient late(server.tls_port(), verified());
  late.expect_line("> Connected to the chat server (3 users online)");
  good.chat("after the crowd");
}

// Issue 18, item 2: --max-per-ip bounds connections at once, not handshakes
// per second; 16 connections handshaking in a loop kept chatd's one thread
// busy. --tls-handshake-rate (default 200:200 per address, loopback
// included) closes the excess before any cryptography.
TEST_CASE("tls hostile: 16 connections handshaking in a loop get at most --tls-handshake-rate handshakes",
          "[hostile][tls][handshake-rate]") {
  // A rate far below what 16 looping clients reach even under a sanitizer
  // (~180 handshakes/s under ASan, ~500/s without), so the limit is what
  // the test sees, not the clients' speed; the default's figures are in
  // docs/SECURITY.md.
  constexpr int kRate = 20;
  ChatdProcess server(tls_args({"--quiet", "--tls-handshake-rate", std::to_string(kRate) + ":" + std::to_string(kRate)}));
  GoodUsers good(server);
  const long ticks_before = cpu_ticks(server.pid()).value_or(0);
  const auto start = Clock::now();
  constexpr auto kAttack = 3s;
  std::atomic<long> handshakes{0}, refused{0};
  std::vector<std::thread> attackers;
  for (int t = 0; t < 16; ++t) {
    attackers.emplace_back([&] {
      while (Clock::now() - start < kAttack) {
        try {
          TlsTestClient c(server.tls_port(), verified());
          ++handshakes;
        } catch (const std::exception&) {
          ++refused;
        }
      }
    });
  }
  std::chrono::milliseconds worst{0};
  for (int i = 0; Clock::now() - start < kAttack; ++i) {
    const auto sent = Clock::now();
    good.chat(std::to_string(i), 2s);
    worst = std::max(worst, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent));
    std::this_thread::sleep_for(100ms);  // pacing the pings, not awaiting anything
  }
  for (auto& t : attackers) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = static_cast<double>(cpu_ticks(server.pid()).value_or(0) - ticks_before) /
                     static_cast<double>(::sysconf(_SC_CLK_TCK)) / seconds;
  WARN(engine_under_test() << ": " << handshakes << " handshakes and " << refused << " refused in " << seconds
                           << " s; chatd at " << static_cast<int>(cpu * 100) << " % of a core; worst round trip "
                           << worst.count() << " ms");
  CHECK(handshakes <= kRate + kRate * seconds + 5);  // the burst, the rate and slack
  CHECK(refused > 0);
  REQUIRE(server.wait_stderr("TLS handshake refused: 127.0.0.1:"));
  good.chat("after");
}

// Issue 18, item 2 on the threads engine: each TLS connection got its
// reader and writer threads at accept, and the reader did the handshake,
// so 16 connections handshaking in a loop were 16 threads competing for
// the cores with the users' threads (worst round trip 202 ms where the
// reactor, one handshake at a time, kept 73 ms), and a crowd of handshakes
// never finished held two threads each until the timeout. Handshakes now
// run one step at a time in the accept thread, as the reactor's do; a
// connection gets its threads once it is someone. On a reactor engine the
// thread count is fixed anyway.
TEST_CASE("tls hostile: a TLS connection holds no thread until its handshake is done",
          "[hostile][tls][handshake-threads]") {
  ChatdProcess server(tls_args());
  GoodUsers good(server);
  const long before = thread_count(server.pid()).value_or(-1);
  REQUIRE(before > 0);
  const std::string hello = client_hello();
  std::vector<TestClient> crowd;
  for (int i = 0; i < 16; ++i) {
    crowd.emplace_back(server.tls_port());
    crowd.back().send_raw(hello.substr(0, 40));  // a start, never a finish
  }
  // A handshake that finishes after theirs began: chatd has taken all 16
  // by the time it answers (one listener, accepted in order).
  TlsTestClient late(server.tls_port(), verified());
  late.expect_line("> Connected to the chat server (3 users online)");
  const long during = thread_count(server.pid()).value_or(-1);
  INFO(engine_under_test() << ": " << before << " threads before the crowd, " << during << " with it");
  CHECK(during - before <= 2);  // the late user's reader and writer, if the engine has them
  good.chat("beside the crowd");
  for (TestClient& c : crowd) CHECK_FALSE(c.wait_closed(0ms));  // still waiting, not dropped
}
