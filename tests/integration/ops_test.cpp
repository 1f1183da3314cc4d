// chatd as operators run it: --config and SIGHUP, SIGUSR1/SIGUSR2, socket
// activation through systemd-socket-activate and the NOTIFY_SOCKET
// protocol (READY=1, STOPPING=1, WATCHDOG=1), against the real binary.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chat_fixtures.h"
#include "chatd_process.h"
#include "metrics_http.h"
#include "moderation_helpers.h"
#include "test_client.h"
#include "tls_certs.h"
#include "tls_test_client.h"

using namespace chat::test;

namespace {

constexpr const char* kSocketActivate = "/usr/bin/systemd-socket-activate";

// A file in a fresh directory of its own, removed with it.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() / ("chat-ops-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = (path / name).string();
    std::ofstream(file, std::ios::trunc) << text;
    return file;
  }
};

// A port nobody listens on right now (bound, read, closed).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

// The service manager's end of NOTIFY_SOCKET: a datagram socket bound in a
// temporary directory.
struct NotifyReceiver {
  TempDir dir{"notify"};
  std::string path = (dir.path / "notify.sock").string();
  chat::UniqueFd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  NotifyReceiver() {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  // The next datagram, or "" after `timeout`.
  std::string next(std::chrono::milliseconds timeout = 5s) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return "";
    char buffer[4096];
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
  }
};

// systemd-socket-activate, like systemd, starts chatd when the first
// client connects: this client connects (retrying until the socket is
// bound) on a thread of its own while the test starts chatd.
class FirstClient {
 public:
  explicit FirstClient(std::uint16_t port)
      : thread_([this, port] {
          for (int i = 0; i < 100 && !client_; ++i) {
            try {
              client_.emplace(port);
            } catch (const std::exception&) {
              std::this_thread::sleep_for(50ms);
            }
          }
        }) {}
  ~FirstClient() {
    if (thread_.joinable()) thread_.join();
  }
  TestClient& get() {
    if (thread_.joinable()) thread_.join();
    REQUIRE(client_.has_value());
    return *client_;
  }

 private:
  std::optional<TestClient> client_;
  std::thread thread_;
};

bool connects(std::uint16_t port) {
  try {
    TestClient probe(port);
    return probe.read_line(2s).has_value();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

TEST_CASE("config file: the file sets options, flags override it", "[ops][config]") {
  TempDir dir("config");
  // port = 1 would fail to bind: the harness's --port 0 must win.
  const auto conf = dir.write("chatd.conf", "# a comment\n\nport = 1\ndefault-room = #ops\nmax-line = 64\n");
  ChatdProcess server({"--config", conf});
  TestClient user(server.port());
  user.expect_line("> Connected to the chat server (1 user online)");
  user.send_line("/rooms");
  user.expect_line("> Rooms (1): #ops (1)");
  user.send_line(std::string(100, 'x'));
  user.expect_line("! line too long (max 64 bytes)");
}

TEST_CASE("config file: a bad line is one line naming file, line and range, exit 2", "[ops][config]") {
  TempDir dir("badconfig");
  const auto conf = dir.write("chatd.conf", "port = 0\nmax-line = 10\n");
  RunResult r = run_program(CHATD_PATH, {"--config", conf});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "chatd: " + conf + ":2: invalid max-line '10': expected a size from 16 bytes to 16M\n");
  const auto unknown = dir.write("unknown.conf", "prot = 8888\n");
  r = run_program(CHATD_PATH, {"--config", unknown});
  CHECK(r.exit_code == 2);
  CHECK(r.err.starts_with("chatd: " + unknown + ":1: unknown option 'prot'"));
  const auto good = dir.write("good.conf", "port = 0\nquiet = yes\n");
  r = run_program(CHATD_PATH, {"--config", good, "--check-config"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "chatd: " + good + ": configuration OK\n");
}

TEST_CASE("SIGHUP re-reads --config: TLS files change live, the rest is named as needing a restart",
          "[ops][config][reload]") {
  TempDir dir("reload");
  const TlsCerts& certs = tls_certs();
  const auto conf = dir.write("chatd.conf", "max-line = 100\ntls-cert = " + certs.server.cert +
                                                "\ntls-key = " + certs.server.key + "\n");
  ChatdProcess server({"--config", conf, "--tls-port", "0"});
  TlsClientOptions verified;
  verified.ca_file = certs.ca_cert;
  {
    TlsTestClient before(server.tls_port(), verified);
    CHECK(before.peer_serial() == certs.server.serial);
  }
  dir.write("chatd.conf", "max-line = 200\ntls-cert = " + certs.reloaded.cert + "\ntls-key = " +
                              certs.reloaded.key + "\n");
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf +
                             ": changed now: tls-cert, tls-key; needs a restart: max-line; reloaded the TLS "
                             "certificate from " + certs.reloaded.cert + " and its key from " + certs.reloaded.key + "\n"));
  TlsTestClient after(server.tls_port(), verified);
  CHECK(after.peer_serial() == certs.reloaded.serial);

  // A broken file keeps everything running as it was, and says where.
  dir.write("chatd.conf", "rate-limit = fast\n");
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf + ": " + conf + ":1: invalid rate-limit 'fast'"));
  REQUIRE(server.wait_stderr("(keeping the running configuration); reloaded the TLS certificate from " +
                             certs.reloaded.cert));
  TestClient plain(server.port());
  plain.expect_line("> Connected to the chat server (2 users online)");
}

TEST_CASE("SIGHUP applies the rate limit and the client cap live, to users already connected",
          "[ops][config][reload]") {
  TempDir dir("reload-limits");
  const auto conf = dir.write("chatd.conf", "rate-limit = 0\nmax-clients = 10\nmax-line = 100\n");
  ChatdProcess server({"--config", conf});
  TestClient sender = join(server, {});
  TestClient receiver = join(server, {&sender});
  dir.write("chatd.conf", "rate-limit = 1:2\nmax-clients = 2\nmax-line = 200\n");
  server.signal(SIGHUP);
  if (engine_under_test() == "threads") {  // its connections take their limits at start
    REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf +
                               ": needs a restart: max-clients, max-line, rate-limit\n"));
    return;
  }
  REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf +
                             ": changed now: max-clients, rate-limit; needs a restart: max-line\n"));
  // The sender was connected before: the new rate limit holds for it.
  sender.send_raw("one\ntwo\nthree\nfour\nfive\n");
  const std::string from = "[" + sender.address_name() + "] ";
  receiver.expect_line(from + "one");
  receiver.expect_line(from + "two");
  sender.expect_line("! slow down: 3 messages dropped");
  // Two users are the new cap: a third is refused.
  TestClient third(server.port());
  third.expect_line("! server full");
  // And max-line kept its running value (100), as said.
  receiver.send_line(std::string(150, 'x'));
  receiver.expect_line("! line too long (max 100 bytes)");
}

TEST_CASE("SIGHUP changes the admins live, for accounts already logged in", "[ops][config][reload][moderation]") {
  TempDir dir("reload-admins");
  const std::string db = (dir.path / "chat.db").string();
  const auto conf = dir.write("chatd.conf", "store = " + db + "\n");
  ChatdProcess server({"--config", conf});
  TestClient root = moderation_user(server.port(), "root", true);
  root.send_line("/topic welcome");
  await_line(root, "! you are not an operator of #lobby");
  dir.write("chatd.conf", "store = " + db + "\nadmin = root\n");
  server.signal(SIGHUP);
  if (engine_under_test() == "threads") {  // its chat is under that engine's lock: a restart
    REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf + ": needs a restart: admin\n"));
    return;
  }
  REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf + ": changed now: admin\n"));
  root.send_line("/topic welcome");
  await_line(root, "> root set the topic: welcome");
  // Taken away as live; a name that is not a nickname changes nothing.
  dir.write("chatd.conf", "store = " + db + "\nadmin = root,no way\n");
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf +
                             ": invalid admin 'no way': expected nicknames separated by commas (keeping the running "
                             "configuration)\n"));
  // (rate-limit too, so that this line is not the first one again)
  dir.write("chatd.conf", "store = " + db + "\nrate-limit = 0\n");
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("chatd: SIGHUP: re-read " + conf + ": changed now: rate-limit, admin\n"));
  root.send_line("/topic mine");
  await_line(root, "! you are not an operator of #lobby");
}

TEST_CASE("SIGUSR1 logs the counters, SIGUSR2 is ignored: neither ends chatd", "[ops][signal]") {
  ChatdProcess server;
  TestClient user(server.port());
  user.expect_line("> Connected to the chat server (1 user online)");
  server.signal(SIGUSR1);
  if (engine_under_test() == "threads") {
    REQUIRE(server.wait_stderr("chatd: SIGUSR1: open fds "));
  } else {
    REQUIRE(server.wait_stderr("chatd: SIGUSR1: users online 1, rooms 1, open fds "));
  }
  server.signal(SIGUSR2);
  server.signal(SIGUSR1);
  user.send_line("/who");
  user.expect_line("> Online (1): " + user.address_name());
  server.signal(SIGTERM);
  user.expect_line("> Server shutting down");
  CHECK(server.wait_exit() == 0);
}

TEST_CASE("socket activation: chatd serves the socket systemd-socket-activate passes", "[ops][systemd]") {
  if (::access(kSocketActivate, X_OK) != 0) {
    WARN("no systemd-socket-activate (Debian package systemd)");
    return;
  }
  const std::uint16_t port = free_port();
  ChatdLaunch launch;
  launch.wrapper = {kSocketActivate, "-l", "127.0.0.1:" + std::to_string(port), "--fdname=plain"};
  FirstClient first(port);
  // --port 0 from the harness is ignored: the passed socket is the plain port.
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  CHECK(server.port() == port);
  TestClient& user = first.get();
  user.expect_line("> Connected to the chat server (1 user online)");
  user.send_line("hello");
  CHECK(server.wait_stdout("[" + user.address_name() + "] hello\n"));
}

TEST_CASE("socket activation: a socket named metrics is the metrics port", "[ops][systemd][metrics]") {
  if (::access(kSocketActivate, X_OK) != 0) {
    WARN("no systemd-socket-activate (Debian package systemd)");
    return;
  }
  if (engine_under_test() == "threads") return;  // no metrics there: the socket is logged and closed
  const std::uint16_t port = free_port();
  ChatdLaunch launch;
  launch.wrapper = {kSocketActivate, "-l", "127.0.0.1:" + std::to_string(port), "--fdname=metrics"};
  // The first scrape starts chatd (retried until the socket is bound).
  std::string response;
  std::thread scraper([&] {
    for (int i = 0; i < 100 && response.empty(); ++i) {
      try {
        response = http_exchange(port, "GET /metrics HTTP/1.1\r\n\r\n", 10s);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(50ms);
      }
    }
  });
  // No --metrics: the passed socket alone turns it on; chatd opens its own plain port.
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  scraper.join();
  CHECK(response.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(response.find("\nchatd_users 0\n") != std::string::npos);
  CHECK(server.port() != port);
  TestClient user(server.port());
  user.expect_line("> Connected to the chat server (1 user online)");
}

TEST_CASE("socket activation: a socket named web is the web port", "[ops][systemd][web]") {
  if (::access(kSocketActivate, X_OK) != 0) {
    WARN("no systemd-socket-activate (Debian package systemd)");
    return;
  }
  if (engine_under_test() == "threads") return;  // no web port there: the socket is logged and closed
  const std::uint16_t port = free_port();
  ChatdLaunch launch;
  launch.wrapper = {kSocketActivate, "-l", "127.0.0.1:" + std::to_string(port), "--fdname=web"};
  // The first request starts chatd (retried until the socket is bound).
  std::string response;
  std::thread browser([&] {
    for (int i = 0; i < 100 && response.empty(); ++i) {
      try {
        response = http_exchange(port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 10s);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(50ms);
      }
    }
  });
  // No --web-port: the passed socket alone turns the web port on.
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  browser.join();
  CHECK(response.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(response.find("<html") != std::string::npos);
  CHECK(server.wait_stdout(":" + std::to_string(port) + "/ (WebSocket at /ws).\n"));
  CHECK(server.port() != port);
  TestClient user(server.port());
  user.expect_line("> Connected to the chat server (1 user online)");
}

TEST_CASE("socket activation: a tls socket without --tls-cert is refused, exit 2", "[ops][systemd]") {
  if (::access(kSocketActivate, X_OK) != 0) {
    WARN("no systemd-socket-activate (Debian package systemd)");
    return;
  }
  const std::uint16_t port = free_port();
  FirstClient first(port);
  const RunResult r = run_program(kSocketActivate, {"-l", "127.0.0.1:" + std::to_string(port), "--fdname=tls",
                                                     CHATD_PATH, "--engine", engine_under_test()});
  CHECK(first.get().wait_closed());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("chatd: a socket named 'tls' was passed, but there is no --tls-cert") != std::string::npos);
}

TEST_CASE("NOTIFY_SOCKET: READY=1 once the port listens, STOPPING=1 on SIGTERM", "[ops][systemd]") {
  NotifyReceiver manager;
  ChatdLaunch launch;
  launch.wrapper = {"/usr/bin/env", "NOTIFY_SOCKET=" + manager.path};
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  const std::string ready = manager.next();
  CHECK(ready == "READY=1\nSTATUS=listening on port " + std::to_string(server.port()));
  CHECK(connects(server.port()));
  server.signal(SIGTERM);
  std::string stopping;
  for (int i = 0; i < 5 && !stopping.starts_with("STOPPING=1"); ++i) stopping = manager.next();  // skip STATUS
  CHECK(stopping == "STOPPING=1\nSTATUS=shutting down");
  CHECK(server.wait_exit() == 0);
}

TEST_CASE("WATCHDOG_USEC: the loop sends WATCHDOG=1 at half the interval", "[ops][systemd]") {
  if (engine_under_test() == "threads") {
    WARN("--engine threads has no loop to ping from (documented)");
    return;
  }
  NotifyReceiver manager;
  ChatdLaunch launch;
  launch.wrapper = {"/usr/bin/env", "NOTIFY_SOCKET=" + manager.path, "WATCHDOG_USEC=300000"};
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  CHECK(manager.next().starts_with("READY=1\n"));
  int pings = 0;
  const auto start = std::chrono::steady_clock::now();
  while (pings < 3 && std::chrono::steady_clock::now() - start < 3s) {
    if (manager.next(1s).starts_with("WATCHDOG=1\nSTATUS=listening on port ")) ++pings;
  }
  CHECK(pings == 3);
  // Three pings at 150 ms apart, the first at once: well under a second.
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}
