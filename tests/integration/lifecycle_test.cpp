// chatd as a process: command line, startup errors, the stdout log, shutdown
// on SIGTERM, restart on the same port, and IPv6.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <csignal>

#include "chat_fixtures.h"
#include "unique_fd.h"

using namespace chat::test;

namespace {

// A listening socket on 127.0.0.1 with an ephemeral port, to occupy it.
struct Occupied {
  chat::UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  std::uint16_t port = 0;
  Occupied() {
    REQUIRE(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd.get(), 1) == 0);
    socklen_t length = sizeof addr;
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &length) == 0);
    port = ntohs(addr.sin_port);
  }
};

bool can_bind_ipv6_loopback() {
  chat::UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

void check_single_error_line(const RunResult& result) {
  INFO("stdout: \"" << result.out << "\"\nstderr: \"" << result.err << "\"");
  CHECK(result.exit_code == 2);
  CHECK(result.err.starts_with("chatd: "));
  CHECK(result.err.ends_with("\n"));
  CHECK(count_lines(result.err) == 1);
}

}  // namespace

TEST_CASE("chatd --help and --version exit 0", "[lifecycle][args]") {
  const RunResult help = run_program(CHATD_PATH, {"--help"});
  INFO("--help stdout: \"" << help.out << "\" stderr: \"" << help.err << "\"");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--port") != std::string::npos);
  const RunResult version = run_program(CHATD_PATH, {"--version"});
  INFO("--version stdout: \"" << version.out << "\" stderr: \"" << version.err << "\"");
  CHECK(version.exit_code == 0);
  CHECK_FALSE(version.out.empty());
}

TEST_CASE("chatd rejects bad arguments with one line and exit code 2", "[lifecycle][args]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--no-such-flag"}, {"--port", "abc"}, {"--port", "70000"},
        {"--engine", "nosuch"}, {"--port"}, {"127.0.0.1", "abc"}}) {
    std::string joined;
    for (const auto& arg : args) joined += arg + " ";
    INFO("chatd " << joined);
    check_single_error_line(run_program(CHATD_PATH, args));
  }
}

TEST_CASE("a port in use is reported on one line with exit code 1", "[lifecycle][args]") {
  Occupied taken;
  const std::string port = std::to_string(taken.port);
  const RunResult result =
      run_program(CHATD_PATH, {"--host", "127.0.0.1", "--port", port, "--engine", engine_under_test()});
  INFO("stderr: \"" << result.err << "\"");
  CHECK(result.exit_code == 1);
  CHECK(result.err == "chatd: cannot listen on 127.0.0.1:" + port + ": Address already in use\n");
}

TEST_CASE("SIGTERM tells every client, closes, logs and exits 0", "[lifecycle][shutdown]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  const std::string name_a = a.address_name(), name_b = b.address_name();
  a.send_line("Hello");
  b.expect_line("[" + name_a + "] Hello");
  b.send_line("/nick bob");
  b.expect_line("> You are now known as bob");
  a.expect_line("> " + name_b + " is now known as bob");
  b.send_line("/me waves");
  a.expect_line("* bob waves");
  b.send_line("/msg " + name_a + " private words");
  a.expect_line("[bob -> you] private words");
  b.expect_line("[You -> " + name_a + "] private words");

  server.signal(SIGTERM);
  a.expect_line("> Server shutting down");
  b.expect_line("> Server shutting down");
  REQUIRE(a.wait_closed());
  REQUIRE(b.wait_closed());
  REQUIRE(server.wait_exit() == 0);

  const std::string out = server.stdout_text();
  INFO("chatd stdout:\n" << out);
  CHECK(out.starts_with("Chat Server started on port " + std::to_string(server.port()) + ".\n"));
  CHECK(out.find("> New user " + name_a + " entered (1 user online)\n") != std::string::npos);
  CHECK(out.find("> New user " + name_b + " entered (2 users online)\n") != std::string::npos);
  CHECK(out.find("[" + name_a + "] Hello\n") != std::string::npos);
  CHECK(out.find("> " + name_b + " is now known as bob\n") != std::string::npos);
  CHECK(out.find("* bob waves\n") != std::string::npos);
  CHECK(out.find("private words") == std::string::npos);  // private messages are never logged
  CHECK(out.ends_with("\nexit\n"));
}

TEST_CASE("SIGHUP is logged and chatd keeps serving", "[lifecycle][signal]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("chatd: SIGHUP received: nothing to reload\n"));
  TestClient b = join(server, {&a});
  b.send_line("still here");
  a.expect_line("[" + b.address_name() + "] still here");
  server.signal(SIGTERM);
  a.expect_line("> Server shutting down");
  REQUIRE(server.wait_exit() == 0);
}

TEST_CASE("the stdout log records leave lines", "[lifecycle][log]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  {
    TestClient b = join(server, {&a});
    b.send_line("/quit");
    REQUIRE(b.wait_closed());
    a.expect_line("< The user " + b.address_name() + " left (1 user online)");
    a.send_line("/quit");
    REQUIRE(a.wait_closed());
    server.signal(SIGTERM);
    REQUIRE(server.wait_exit() == 0);
    const std::string out = server.stdout_text();
    INFO("chatd stdout:\n" << out);
    CHECK(out.find("< The user " + b.address_name() + " left (1 user online)\n") !=
          std::string::npos);
    CHECK(out.find("< The user " + a.address_name() + " left (0 user online)\n") !=
          std::string::npos);
    CHECK(out.ends_with("\nexit\n"));
  }
}

TEST_CASE("quiet mode (--quiet) leaves messages out of the log but keeps joins and leaves", "[lifecycle][log]") {
  ChatdProcess server({"--quiet"});
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("secret chatter");
  b.expect_line("[" + a.address_name() + "] secret chatter");
  a.send_line("/me hums");
  b.expect_line("* " + a.address_name() + " hums");
  b.shutdown_write();
  a.expect_line("< The user " + b.address_name() + " left (1 user online)");

  server.signal(SIGTERM);
  REQUIRE(server.wait_exit() == 0);
  const std::string out = server.stdout_text();
  INFO("chatd stdout:\n" << out);
  CHECK(out.find("secret chatter") == std::string::npos);
  CHECK(out.find("hums") == std::string::npos);
  CHECK(out.find("> New user " + a.address_name() + " entered (1 user online)\n") !=
        std::string::npos);
  CHECK(out.find("> New user " + b.address_name() + " entered (2 users online)\n") !=
        std::string::npos);
  CHECK(out.find("< The user " + b.address_name() + " left (1 user online)\n") !=
        std::string::npos);
  CHECK(out.ends_with("\nexit\n"));
}

TEST_CASE("SIGINT shuts down like SIGTERM", "[lifecycle][shutdown]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  server.signal(SIGINT);
  a.expect_line("> Server shutting down");
  REQUIRE(a.wait_closed());
  REQUIRE(server.wait_exit() == 0);
  CHECK(server.stdout_text().ends_with("\nexit\n"));
}

TEST_CASE("a restart right after SIGTERM binds the same port at once", "[lifecycle][shutdown]") {
  std::uint16_t port = 0;
  {
    ChatdProcess first;
    port = first.port();
    TestClient a = join(first, {});
    first.signal(SIGTERM);
    a.expect_line("> Server shutting down");
    REQUIRE(first.wait_exit() == 0);
    // `a` is still open here: chatd closed first, leaving TIME_WAIT behind.
    ChatdProcess second("127.0.0.1", port);
    CHECK(second.port() == port);
    TestClient b = join(second, {});
    expect_who(b, {b.address_name()});
  }
}

TEST_CASE("an IPv6 client is named [ADDR]:PORT", "[lifecycle][ipv6]") {
  if (!can_bind_ipv6_loopback()) {
    WARN("skipped: cannot bind [::1] on this machine (no IPv6 loopback)");
    return;
  }
  ChatdProcess server("::1", 0);
  TestClient a = join(server, {}, "::1");
  REQUIRE(a.address_name().starts_with("[::1]:"));
  TestClient b = join(server, {&a}, "::1");  // join() checks "> New user [::1]:PORT entered"
  a.send_line("over six");
  b.expect_line("[" + a.address_name() + "] over six");
  expect_who(b, {a.address_name(), b.address_name()});
}

TEST_CASE("two chatd with --reuse-port share one port and the users spread over both", "[lifecycle][reuse-port]") {
  ChatdProcess first({"--reuse-port"});
  ChatdProcess second("127.0.0.1", first.port(), {"--reuse-port"});
  REQUIRE(second.port() == first.port());

  // The kernel picks a listener per connection (a hash of its addresses):
  // 32 users land on both, each welcomed by the one that took it.
  constexpr int kUsers = 32;
  std::vector<TestClient> users;
  int on_first = 0, on_second = 0;
  for (int i = 0; i < kUsers; ++i) {
    users.emplace_back(first.port());
    const auto welcome = users.back().read_line();
    REQUIRE(welcome);
    CHECK(welcome->starts_with("> Connected to the chat server ("));
    const std::string logged = "> New user " + users.back().address_name() + " entered";
    bool found = false;
    for (int round = 0; round < 100 && !found; ++round) {
      if (first.wait_stdout(logged, 20ms)) {
        ++on_first;
        found = true;
      } else if (second.wait_stdout(logged, 20ms)) {
        ++on_second;
        found = true;
      }
    }
    REQUIRE(found);
  }
  INFO(on_first << " users on the first chatd, " << on_second << " on the second");
  CHECK(on_first + on_second == kUsers);
  CHECK(on_first > 0);
  CHECK(on_second > 0);
}

TEST_CASE("without --reuse-port on both, a second chatd on the port fails as before", "[lifecycle][reuse-port]") {
  ChatdProcess first({"--reuse-port"});
  const std::string port = std::to_string(first.port());
  const RunResult without =
      run_program(CHATD_PATH, {"--host", "127.0.0.1", "--port", port, "--engine", engine_under_test()});
  INFO("stderr: \"" << without.err << "\"");
  CHECK(without.exit_code == 1);
  CHECK(without.err == "chatd: cannot listen on 127.0.0.1:" + port + ": Address already in use\n");

  ChatdProcess plain;  // no --reuse-port: a later --reuse-port cannot join it
  const std::string plain_port = std::to_string(plain.port());
  const RunResult with = run_program(
      CHATD_PATH, {"--host", "127.0.0.1", "--port", plain_port, "--engine", engine_under_test(), "--reuse-port"});
  INFO("stderr: \"" << with.err << "\"");
  CHECK(with.exit_code == 1);
  CHECK(with.err == "chatd: cannot listen on 127.0.0.1:" + plain_port + ": Address already in use\n");
}
