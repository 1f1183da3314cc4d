// chat --tls end to end: the real chat binary against real TLS peers, with
// certificates generated at test time (tests/support/tls_certs). The peer
// here is `openssl s_server -rev` (it answers each line reversed), so the
// client's verification is tested against a TLS stack that is not ours.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <charconv>
#include <string>
#include <vector>

#include "chat_process.h"
#include "chatd_process.h"
#include "process_util.h"
#include "test_client.h"
#include "tls_certs.h"

namespace {

using namespace chat::test;
using namespace std::chrono_literals;

// openssl s_server on 127.0.0.1, an ephemeral port, with `pair`; stopped by
// PID when the test ends.
class SServer {
 public:
  explicit SServer(const CertPair& pair) {
    Pipe out = make_pipe();
    pid_ = spawn_process("/usr/bin/openssl",
                         {"s_server", "-accept", "127.0.0.1:0", "-cert", pair.cert, "-key", pair.key, "-rev"}, -1,
                         out.write.get(), out.write.get());
    out.write.reset();
    // "ACCEPT 127.0.0.1:40961" once it listens.
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out.read.get(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = ::read(out.read.get(), buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
      const auto at = text.find("ACCEPT 127.0.0.1:");
      const auto eol = at == std::string::npos ? at : text.find('\n', at);
      if (eol != std::string::npos) {
        const char* begin = text.data() + at + 17;
        std::from_chars(begin, text.data() + eol, port_);
      }
    }
    output_ = std::move(out.read);  // kept open: s_server must not die of SIGPIPE
    if (port_ == 0) throw std::runtime_error("openssl s_server did not start: " + text);
  }
  ~SServer() {
    ::kill(pid_, SIGTERM);
    (void)await_exit(pid_, -1, std::chrono::steady_clock::now() + 5s);
  }
  SServer(const SServer&) = delete;
  SServer& operator=(const SServer&) = delete;

  [[nodiscard]] std::string port() const { return std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  chat::UniqueFd output_;
};

}  // namespace

TEST_CASE("chat --tls --ca talks to a TLS server that CA signed", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.server);
  ChatProcess chat({"--tls", "--ca", certs.ca_cert, "localhost", server.port()});
  chat.send_line("hello over tls");
  CHECK(chat.wait_stdout("slt revo olleh"));  // s_server -rev
  chat.close_stdin();
  CHECK(chat.wait_exit() == 0);
  CHECK(chat.stderr_text().empty());
}

TEST_CASE("chat --tls checks an IP address as an address", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.server);  // SAN IP:127.0.0.1
  ChatProcess chat({"--tls", "--ca", certs.ca_cert, "127.0.0.1", server.port()});
  chat.send_line("by address");
  CHECK(chat.wait_stdout("sserdda yb"));
  chat.close_stdin();
  CHECK(chat.wait_exit() == 0);
}

TEST_CASE("chat --tls refuses a certificate from a CA it does not trust: one line, exit 1", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.server);
  // The system store does not know the test CA.
  ChatProcess chat({"--tls", "localhost", server.port()});
  CHECK(chat.wait_exit() == 1);
  CHECK(chat.stderr_text() == "chat: TLS: certificate verify failed for localhost:" + server.port() +
                                  ": unable to get local issuer certificate\n");
  CHECK(chat.stdout_text().empty());
}

TEST_CASE("chat --tls refuses a certificate for another name, and for another address", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.wrong_host);  // wrong.example only
  {
    ChatProcess chat({"--tls", "--ca", certs.ca_cert, "localhost", server.port()});
    CHECK(chat.wait_exit() == 1);
    CHECK(chat.stderr_text() ==
          "chat: TLS: certificate verify failed for localhost:" + server.port() + ": hostname mismatch\n");
  }
  {
    ChatProcess chat({"--tls", "--ca", certs.ca_cert, "127.0.0.1:" + server.port()});
    CHECK(chat.wait_exit() == 1);
    CHECK(chat.stderr_text() ==
          "chat: TLS: certificate verify failed for 127.0.0.1:" + server.port() + ": IP address mismatch\n");
  }
}

// OpenSSL falls back to the subject's CN when a certificate has no
// subjectAltName unless told not to; a name is checked against the
// subjectAltName only (docs/SECURITY.md).
TEST_CASE("chat --tls refuses a certificate whose name is only in its CN", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.cn_only);  // CN=localhost, no subjectAltName
  ChatProcess chat({"--tls", "--ca", certs.ca_cert, "localhost", server.port()});
  CHECK(chat.wait_exit() == 1);
  CHECK(chat.stderr_text() ==
        "chat: TLS: certificate verify failed for localhost:" + server.port() + ": hostname mismatch\n");
}

TEST_CASE("chat --tls refuses an expired certificate", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.expired);
  ChatProcess chat({"--tls", "--ca", certs.ca_cert, "localhost", server.port()});
  CHECK(chat.wait_exit() == 1);
  CHECK(chat.stderr_text() ==
        "chat: TLS: certificate verify failed for localhost:" + server.port() + ": certificate has expired\n");
}

TEST_CASE("chat --tls --insecure connects anyway and says so once", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  SServer server(certs.wrong_host);
  ChatProcess chat({"--tls", "--insecure", "localhost", server.port()});
  chat.send_line("unverified");
  CHECK(chat.wait_stdout("deifirevnu"));
  chat.close_stdin();
  CHECK(chat.wait_exit() == 0);
  CHECK(chat.stderr_text() ==
        "chat: TLS: --insecure: the server's certificate is not verified; anyone on the path can read and change "
        "this session\n");
}

TEST_CASE("chat --tls with a CA file it cannot read: one line, exit 1", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  {
    ChatProcess chat({"--tls", "--ca", certs.dir + "/missing.pem", "localhost", "1"});
    CHECK(chat.wait_exit() == 1);
    CHECK(chat.stderr_text() ==
          "chat: TLS: cannot load CA file " + certs.dir + "/missing.pem: No such file or directory\n");
  }
  {
    ChatProcess chat({"--tls", "--ca", certs.garbage, "localhost", "1"});
    CHECK(chat.wait_exit() == 1);
    CHECK(chat.stderr_text().starts_with("chat: TLS: cannot load CA file " + certs.garbage + ": "));
    CHECK(chat.stderr_text().find('\n') == chat.stderr_text().size() - 1);
  }
}

TEST_CASE("chat --tls to a plain chatd port fails the handshake in one line", "[chat][tls]") {
  const TlsCerts& certs = tls_certs();
  ChatdProcess chatd;
  ChatProcess chat({"--tls", "--ca", certs.ca_cert, "127.0.0.1", std::to_string(chatd.port())});
  CHECK(chat.wait_exit() == 1);
  const std::string& err = chat.stderr_text();
  INFO(err);
  CHECK(err.starts_with("chat: TLS: handshake with 127.0.0.1:" + std::to_string(chatd.port()) + " failed: "));
  CHECK(err.find('\n') == err.size() - 1);
}

TEST_CASE("chat --tls with chatd: the same transcript as plain, and a clean end after input ends",
          "[chat][tls][chatd]") {
  const TlsCerts& certs = tls_certs();
  ChatdProcess chatd({"--tls-cert", certs.server.cert, "--tls-key", certs.server.key, "--tls-port", "0"});
  REQUIRE(chatd.tls_port() != 0);
  TestClient bob(chatd.port());
  bob.expect_line("> Connected to the chat server (1 user online)");
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");

  ChatProcess chat({"--tls", "--ca", certs.ca_cert, "--nick", "alice", "localhost",
                    std::to_string(chatd.tls_port())});
  CHECK(chat.wait_stdout("> Connected to the chat server (2 users online)\n> You are now known as alice\n"));
  CHECK(bob.read_line().value_or("").starts_with("> New user "));
  CHECK(bob.read_line().value_or("").ends_with(" is now known as alice"));

  chat.send_line("hello from tls");
  bob.expect_line("[alice] hello from tls");
  bob.send_line("hello from plain");
  CHECK(chat.wait_stdout("[bob] hello from plain\n"));
  chat.send_line("/msg bob private over tls");
  bob.expect_line("[alice -> you] private over tls");

  // EOF on input: close_notify and FIN; chatd says goodbye and closes.
  chat.close_stdin();
  CHECK(chat.wait_exit() == 0);
  CHECK(chat.stderr_text().empty());
  bob.expect_line("< The user alice left (1 user online)");
}
