// The real `chat` binary against a real chatd on an ephemeral 127.0.0.1 (or
// ::1) port, with a TestClient as the other user in the room.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "chat_process.h"
#include "chatd_process.h"
#include "process_util.h"
#include "test_client.h"

using namespace chat::test;

namespace {

const std::string kChat = CHAT_PATH;

// Reads the "> New user 127.0.0.1:PORT entered (N users online)" line a peer
// gets when chat joins and returns chat's name (its address), which the rest
// of the test needs because chat's local port is ephemeral.
std::string chat_name_from_join(TestClient& peer, const std::string& host_prefix = "127.0.0.1:") {
  const auto line = peer.read_line();
  REQUIRE(line.has_value());
  const std::string prefix = "> New user " + host_prefix;
  const std::string suffix = " entered (2 users online)";
  REQUIRE(line->starts_with(prefix));
  REQUIRE(line->ends_with(suffix));
  return line->substr(std::string("> New user ").size(),
                      line->size() - std::string("> New user ").size() - suffix.size());
}

// A listening-free TCP socket bound to an ephemeral 127.0.0.1 port: as long
// as it lives, connecting to that port is refused.
struct RefusingPort {
  chat::UniqueFd fd{::socket(AF_INET, SOCK_STREAM, 0)};
  std::uint16_t port = 0;
  RefusingPort() {
    REQUIRE(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }
};

// A pseudo-terminal: the test types on `master`, chat gets `slave` as its
// stdin and stdout, so it sees real terminals (echo, line editing, Ctrl-D).
struct Pty {
  chat::UniqueFd master, slave;
  Pty() {
    master.reset(::posix_openpt(O_RDWR | O_NOCTTY));
    REQUIRE(master);
    REQUIRE(::grantpt(master.get()) == 0);
    REQUIRE(::unlockpt(master.get()) == 0);
    const char* name = ::ptsname(master.get());
    REQUIRE(name != nullptr);
    slave.reset(::open(name, O_RDWR | O_NOCTTY));
    REQUIRE(slave);
  }
  void type(std::string_view keys) const {
    REQUIRE(::write(master.get(), keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
  }
  // Reads the screen until it contains `needle`; false on timeout or once
  // chat has exited (EIO/EOF on the master).
  bool wait_screen(std::string& screen, std::string_view needle,
                   std::chrono::milliseconds timeout = 5s) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (screen.find(needle) == std::string::npos) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{master.get(), POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::read(master.get(), buf, sizeof buf);
      if (n <= 0) return false;
      screen.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
};

// chat on the pty's terminal against `server`, never left behind: killed
// and reaped at scope exit unless the test reaped it.
struct ChatOnPty {
  pid_t pid;
  chat::UniqueFd pidfd;
  bool reaped = false;
  ChatOnPty(const ChatdProcess& server, const Pty& pty) {
    Pipe err = make_pipe();
    pid = spawn_process(kChat, {"--no-history", "127.0.0.1", std::to_string(server.port())}, pty.slave.get(),
                        pty.slave.get(), err.write.get());
    pidfd = open_pidfd(pid);
  }
  ChatOnPty(const ChatOnPty&) = delete;
  ChatOnPty& operator=(const ChatOnPty&) = delete;
  ~ChatOnPty() {
    if (!reaped) {
      ::kill(pid, SIGKILL);
      (void)await_exit(pid, pidfd.get(), std::chrono::steady_clock::now() + 5s);
    }
  }
};

bool have_ipv6_loopback() {
  chat::UniqueFd fd(::socket(AF_INET6, SOCK_STREAM, 0));
  if (!fd) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

}  // namespace

TEST_CASE("chat in a pipe sends its input, prints what arrives, and exits 0", "[chat][pipe]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");

  const RunResult r = run_program(kChat, {"127.0.0.1", std::to_string(server.port())}, "Hello\n");
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  // The welcome comes first: input waits for the server's first line.
  CHECK(r.out == "> Connected to the chat server (2 users online)\n[You] Hello\n");

  const std::string name = chat_name_from_join(peer);
  peer.expect_line("[" + name + "] Hello");
  peer.expect_line("< The user " + name + " left (1 user online)");
}

TEST_CASE("chat in a pipe prints lines arriving after its input ended", "[chat][pipe]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  ChatProcess chat({"127.0.0.1", std::to_string(server.port())});
  const std::string name = chat_name_from_join(peer);

  chat.send_line("/who");
  REQUIRE(chat.wait_stdout("> Online (2): " + peer.address_name() + ", " + name + "\n"));
  peer.send_line("before the end");
  REQUIRE(chat.wait_stdout("[" + peer.address_name() + "] before the end\n"));
  chat.close_stdin();
  // The server removes chat on its EOF and closes; chat then exits 0.
  peer.expect_line("< The user " + name + " left (1 user online)");
  CHECK(chat.wait_exit() == 0);
  CHECK(chat.stdout_text().find("disconnected") == std::string::npos);
}

TEST_CASE("chat --nick renames the user once connected", "[chat][nick]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  ChatProcess chat({"--nick", "alice", "127.0.0.1", std::to_string(server.port())});

  const std::string name = chat_name_from_join(peer);
  peer.expect_line("> " + name + " is now known as alice");
  REQUIRE(chat.wait_stdout("> You are now known as alice\n"));

  chat.send_line("hi from alice");
  peer.expect_line("[alice] hi from alice");
  REQUIRE(chat.wait_stdout("[You] hi from alice\n"));
  // /nick prints nothing itself: only the server's reply shows.
  chat.send_line("/nick alice2");
  REQUIRE(chat.wait_stdout("> You are now known as alice2\n"));
  peer.expect_line("> alice is now known as alice2");
  CHECK(chat.stdout_text().find("/nick") == std::string::npos);

  chat.close_stdin();
  peer.expect_line("< The user alice2 left (1 user online)");
  CHECK(chat.wait_exit() == 0);
}

TEST_CASE("chat --room joins the room once connected and a pipe prints history as received",
          "[chat][rooms]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  TestClient other(server.port());
  other.expect_line("> Connected to the chat server (2 users online)");
  peer.expect_line("> New user " + other.address_name() + " entered (2 users online)");
  peer.send_line("/join #random");
  peer.expect_line("> You are now in #random (1 user here)");
  other.expect_line("< " + peer.address_name() + " left for #random (1 user here)");
  other.send_line("/join #random");
  other.expect_line("> You are now in #random (2 users here)");
  peer.expect_line("> " + other.address_name() + " joined #random (2 users here)");
  peer.send_line("earlier");
  other.expect_line("[" + peer.address_name() + "] earlier");

  ChatProcess chat({"--room", "random", "127.0.0.1", std::to_string(server.port())});
  REQUIRE(chat.wait_stdout("> End of recent messages\n"));
  const std::string out = chat.stdout_text();
  const auto at = out.find("> You are now in #random (3 users here)\n> Recent messages (1):\n");
  REQUIRE(at != std::string::npos);
  const std::string stamped = out.substr(out.find("):\n", at) + 3);
  CHECK(stamped.size() > 6);
  CHECK(stamped.substr(2, 1) == ":");
  CHECK(stamped.substr(5).starts_with(" [" + peer.address_name() + "] earlier\n> End of recent messages\n"));
  const auto joined = peer.read_line();
  REQUIRE(joined);
  const std::string suffix = " joined #random (3 users here)";
  REQUIRE(joined->ends_with(suffix));
  const std::string name = joined->substr(2, joined->size() - 2 - suffix.size());
  chat.send_line("hello room");
  peer.expect_line("[" + name + "] hello room");
  chat.close_stdin();
  peer.expect_line("< The user " + name + " left (2 users online)");
  CHECK(chat.wait_exit() == 0);
}

TEST_CASE("chat --room shows only the history of the room it joins, not the default room's first",
          "[chat][rooms]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  TestClient other(server.port());
  other.expect_line("> Connected to the chat server (2 users online)");
  peer.expect_line("> New user " + other.address_name() + " entered (2 users online)");
  peer.send_line("said in the lobby");
  other.expect_line("[" + peer.address_name() + "] said in the lobby");
  peer.send_line("/join #random");
  peer.expect_line("> You are now in #random (1 user here)");
  other.expect_line("< " + peer.address_name() + " left for #random (1 user here)");
  other.send_line("/join #random");
  other.expect_line("> You are now in #random (2 users here)");
  peer.expect_line("> " + other.address_name() + " joined #random (2 users here)");
  peer.send_line("said in random");
  other.expect_line("[" + peer.address_name() + "] said in random");

  ChatProcess chat({"--room", "random", "127.0.0.1", std::to_string(server.port())});
  REQUIRE(chat.wait_stdout("> End of recent messages\n"));
  const auto joined = peer.read_line();  // chat's /join is done: nothing more to replay
  REQUIRE(joined);
  chat.close_stdin();
  CHECK(chat.wait_exit() == 0);
  const std::string out = chat.stdout_text();
  INFO(out);
  CHECK(out.find("said in the lobby") == std::string::npos);
  CHECK(out.find("said in random") != std::string::npos);
  CHECK(out.find("> Recent messages (1):") == out.rfind("> Recent messages (1):"));
  CHECK(out.starts_with("> Connected to the chat server (3 users online)\n> You are now in #random (3 users here)\n"));
}

TEST_CASE("chat shows the user's own /msg (as the server confirms it), /me and // lines", "[chat][commands]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  peer.send_line("/nick bob");
  peer.expect_line("> You are now known as bob");
  ChatProcess chat({"127.0.0.1", std::to_string(server.port())});
  const std::string name = chat_name_from_join(peer);

  chat.send_line("/msg bob psst");
  peer.expect_line("[" + name + " -> you] psst");
  REQUIRE(chat.wait_stdout("[You -> bob] psst\n"));

  chat.send_line("/me waves");
  peer.expect_line("* " + name + " waves");
  REQUIRE(chat.wait_stdout("* You waves\n"));

  chat.send_line("//slash");
  peer.expect_line("[" + name + "] /slash");
  REQUIRE(chat.wait_stdout("[You] /slash\n"));

  // Blank lines go nowhere; the /who reply right after proves it.
  chat.send_line("   ");
  chat.send_line("/who");
  REQUIRE(chat.wait_stdout("> Online (2): bob, " + name + "\n"));
  CHECK(peer.no_line_within(100ms));

  // A /msg to nobody: the server's error, and no line claiming it went out.
  chat.send_line("/msg nobody hello?");
  REQUIRE(chat.wait_stdout("! no such user: nobody\n"));
  CHECK(chat.stdout_text().find("[You -> nobody]") == std::string::npos);

  chat.send_line("/quit");
  peer.expect_line("< The user " + name + " left (1 user online)");
  CHECK(chat.wait_exit() == 0);
}

TEST_CASE("chat reports the server going away and exits 1", "[chat][disconnect]") {
  auto server = std::make_unique<ChatdProcess>();
  ChatProcess chat({"127.0.0.1", std::to_string(server->port())});
  REQUIRE(chat.wait_stdout("> Connected to the chat server (1 user online)\n"));

  server->signal(SIGTERM);  // chat's stdin is still open
  CHECK(server->wait_exit() == 0);
  REQUIRE(chat.wait_exit() == 1);
  const std::string& out = chat.stdout_text();
  const auto shutting = out.find("> Server shutting down\n");
  const auto gone = out.find("! disconnected from server\n");
  REQUIRE(shutting != std::string::npos);
  REQUIRE(gone != std::string::npos);
  CHECK(shutting < gone);
  CHECK(out.ends_with("! disconnected from server\n"));
}

TEST_CASE("chat prints exit on SIGINT and SIGTERM and exits 0", "[chat][signals]") {
  const int signo = GENERATE(SIGINT, SIGTERM);
  INFO("signal " << signo);
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  ChatProcess chat({"127.0.0.1", std::to_string(server.port())});
  const std::string name = chat_name_from_join(peer);
  REQUIRE(chat.wait_stdout("> Connected to the chat server (2 users online)\n"));

  chat.signal(signo);
  CHECK(chat.wait_exit() == 0);
  CHECK(chat.stdout_text().ends_with("\nexit\n"));
  CHECK(chat.stderr_text().empty());
  peer.expect_line("< The user " + name + " left (1 user online)");
}

TEST_CASE("chat on a terminal edits the line itself, then restores the terminal on Ctrl-D",
          "[chat][terminal]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");

  Pty pty;
  termios before{};
  REQUIRE(::tcgetattr(pty.slave.get(), &before) == 0);
  REQUIRE((before.c_lflag & ICANON) != 0);
  ChatOnPty chat(server, pty);
  const pid_t pid = chat.pid;
  const int pidfd = chat.pidfd.get();

  std::string screen;
  REQUIRE(pty.wait_screen(screen, "> Connected to the chat server (2 users online)"));
  const std::string name = chat_name_from_join(peer);
  // The terminal is raw while chat runs: chat reads keys and draws the line.
  termios during{};
  REQUIRE(::tcgetattr(pty.slave.get(), &during) == 0);
  CHECK((during.c_lflag & (ICANON | ECHO)) == 0);

  // Typed with a mistake fixed by Backspace; Enter is a carriage return in raw mode.
  pty.type("hi therx\x7f" "e\r");
  REQUIRE(pty.wait_screen(screen, "[You] hi there"));
  peer.expect_line("[" + name + "] hi there");

  pty.type("\x04");  // Ctrl-D on an empty line: end of input, leave like /quit
  peer.expect_line("< The user " + name + " left (1 user online)");
  const auto code = await_exit(pid, pidfd, std::chrono::steady_clock::now() + 5s);
  chat.reaped = code.has_value();
  CHECK(code == 0);
  termios after{};
  REQUIRE(::tcgetattr(pty.slave.get(), &after) == 0);
  CHECK(after.c_lflag == before.c_lflag);
  CHECK(after.c_iflag == before.c_iflag);
  CHECK(after.c_oflag == before.c_oflag);
  CHECK(screen.find("disconnected") == std::string::npos);
}

TEST_CASE("chat sanitizes what a hostile server sends", "[chat][sanitize]") {
  // Not chatd: a bare listener that writes terminal escapes and closes.
  chat::UniqueFd listener(::socket(AF_INET, SOCK_STREAM, 0));
  REQUIRE(listener);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener.get(), 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);

  ChatProcess chat({"127.0.0.1", std::to_string(ntohs(addr.sin_port))});
  pollfd p{listener.get(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);
  chat::UniqueFd conn(::accept(listener.get(), nullptr, nullptr));
  REQUIRE(conn);
  const std::string evil = "\x1b[2J\x1b]0;title\x07[x] hi\xC2\x9B" "31m\r\n";
  REQUIRE(::send(conn.get(), evil.data(), evil.size(), 0) == static_cast<ssize_t>(evil.size()));
  conn.reset();

  REQUIRE(chat.wait_exit() == 1);
  CHECK(chat.stdout_text() == "[2J]0;title[x] hi31m\n! disconnected from server\n");
}

TEST_CASE("chat to a port nobody listens on: one line, exit 1", "[chat][connect]") {
  const RefusingPort refusing;
  const std::string port = std::to_string(refusing.port);
  const RunResult r = run_program(kChat, {"127.0.0.1", port});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "chat: cannot connect to 127.0.0.1:" + port + ": Connection refused\n");
}

TEST_CASE("chat works over IPv6", "[chat][ipv6]") {
  if (!have_ipv6_loopback()) {
    WARN("no ::1 on this machine; IPv6 test not run");
    return;
  }
  ChatdProcess server("::1", 0);
  TestClient peer(server.port(), "::1");
  peer.expect_line("> Connected to the chat server (1 user online)");
  const RunResult r = run_program(kChat, {"::1", std::to_string(server.port())}, "Hello six\n");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("[You] Hello six\n") != std::string::npos);
  const std::string name = chat_name_from_join(peer, "[::1]:");
  peer.expect_line("[" + name + "] Hello six");
}

TEST_CASE("chat command-line errors exit 2 with one chat: line", "[chat][args]") {
  const std::vector<std::vector<std::string>> bad = {
      {"--bogus"}, {"127.0.0.1", "notaport"}, {"127.0.0.1", "0"}, {"a", "1", "extra"},
      {"--nick"},  {"--nick", "has space"},
  };
  for (const auto& args : bad) {
    INFO("args: " << args.front() << " ...");
    const RunResult r = run_program(kChat, args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("chat: "));
    CHECK(r.err.find('\n') == r.err.size() - 1);
  }
}

TEST_CASE("chat --version and --help", "[chat][args]") {
  const RunResult version = run_program(kChat, {"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out == "chat 0.1.0\n");
  const RunResult help = run_program(kChat, {"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.starts_with("Usage: chat "));
  CHECK(help.err.empty());
}

TEST_CASE("chat that crashes on a terminal still leaves it as it was", "[chat][terminal]") {
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");

  Pty pty;
  termios before{};
  REQUIRE(::tcgetattr(pty.slave.get(), &before) == 0);
  ChatOnPty chat(server, pty);
  std::string screen;
  REQUIRE(pty.wait_screen(screen, "> Connected to the chat server (2 users online)"));
  termios during{};
  REQUIRE(::tcgetattr(pty.slave.get(), &during) == 0);
  REQUIRE((during.c_lflag & (ICANON | ECHO)) == 0);  // raw

  // A segmentation fault stands for any crash: chat dies of it, and on the
  // way out its handler puts the terminal back.
  REQUIRE(::kill(chat.pid, SIGSEGV) == 0);
  const auto code = await_exit(chat.pid, chat.pidfd.get(), std::chrono::steady_clock::now() + 5s);
  chat.reaped = code.has_value();
  REQUIRE(code.has_value());
  CHECK(*code == 128 + SIGSEGV);
  termios after{};
  REQUIRE(::tcgetattr(pty.slave.get(), &after) == 0);
  CHECK(after.c_lflag == before.c_lflag);
  CHECK(after.c_iflag == before.c_iflag);
}

namespace {

std::string readme() {
  std::ifstream in(std::string(CHAT_SOURCE_DIR) + "/README.md");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every "--option" word in `help`.
std::vector<std::string> options_in(const std::string& help) {
  std::vector<std::string> found;
  const std::regex option(R"(--[a-z][a-z-]*)");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it) {
    found.push_back(it->str());
  }
  return found;
}

}  // namespace

TEST_CASE("chat and chatd --help agree with the README", "[chat][help]") {
  const std::string doc = readme();
  REQUIRE_FALSE(doc.empty());
  for (const std::string& program : {std::string(CHAT_PATH), std::string(CHATD_PATH)}) {
    const RunResult help = run_program(program, {"--help"});
    REQUIRE(help.exit_code == 0);
    const std::string name = program.substr(program.rfind('/') + 1);
    INFO(name);
    CHECK(help.out.starts_with("Usage: " + name + " "));  // as the README's blocks start
    CHECK(doc.find("\nUsage: " + name + " ") != std::string::npos);
    for (const std::string& option : options_in(help.out)) {
      INFO(option);
      CHECK(doc.find(option) != std::string::npos);
    }
  }
}

TEST_CASE("chat takes --host/--port and HOST:PORT", "[chat][options]") {
  ChatdProcess server;
  const std::string port = std::to_string(server.port());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--host", "127.0.0.1", "--port", port}, std::vector<std::string>{"127.0.0.1:" + port},
        std::vector<std::string>{"--port=" + port}}) {
    ChatProcess chat(args);
    REQUIRE(chat.wait_stdout("> Connected to the chat server (1 user online)\n"));
    chat.close_stdin();
    CHECK(chat.wait_exit() == 0);
  }
}

TEST_CASE("chat --password-file logs in as --nick after connecting", "[chat][accounts]") {
  char dir_template[] = "/tmp/chat-password-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  const std::string db = dir + "/chat.db", password_file = dir + "/password";
  std::ofstream(password_file) << "correct-horse\n";
  {
    ChatdProcess server({"--store", db});
    TestClient owner(server.port());
    owner.expect_line("> Connected to the chat server (1 user online)");
    owner.send_line("/nick alice");
    owner.expect_line("> You are now known as alice");
    owner.send_line("/register correct-horse");
    owner.expect_line("> Nickname alice is registered to you: next time, /login alice PASSWORD", 30s);
    owner.send_line("/quit");
    CHECK(owner.wait_closed());

    ChatProcess chat({"127.0.0.1:" + std::to_string(server.port()), "--nick", "alice", "--password-file",
                      password_file});
    REQUIRE(chat.wait_stdout("> You are logged in as alice\n", 30s));
    chat.close_stdin();
    CHECK(chat.wait_exit() == 0);
    CHECK(chat.stdout_text().find("correct-horse") == std::string::npos);
    CHECK(server.wait_stdout("logged in as alice\n"));
  }
  std::filesystem::remove_all(dir);
}
