// The session loop against a socketpair standing in for the server, with
// pipes for the user's input and the screen: no chatd needed.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>

#include "session/chat_session.h"
#include "unique_fd.h"

using namespace std::chrono_literals;
using chat::UniqueFd;
using chat::client::SessionConfig;

namespace {

struct FdPair {
  UniqueFd a, b;
};

FdPair make_pipe() {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void set_nonblocking(int fd) { REQUIRE(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) == 0); }

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    REQUIRE(n > 0);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads from `fd` until `needle` has arrived (true) or `timeout` passes or
// EOF (false). Everything read is appended to `seen`.
bool read_until(int fd, std::string& seen, std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (seen.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Reads `fd` to EOF (bounded), for the screen pipe after the session ended.
std::string read_rest(int fd) {
  std::string seen;
  read_until(fd, seen, std::string_view("\0never\0", 7), 2s);
  return seen;
}

// One session on a thread, wired to pipes and a socketpair.
class SessionRig {
 public:
  explicit SessionRig(std::optional<std::string> nick = {}, bool screen_to_dev_null = false,
                      std::chrono::milliseconds greeting_wait = 5s) {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    server_.reset(sv[0]);
    UniqueFd client(sv[1]);
    set_nonblocking(client.get());

    FdPair input = make_pipe();
    input_ = std::move(input.b);
    FdPair signal = make_pipe();
    signal_ = std::move(signal.b);
    FdPair screen = make_pipe();
    screen_ = std::move(screen.a);
    if (screen_to_dev_null) screen.b.reset(::open("/dev/null", O_WRONLY));

    SessionConfig config;
    config.input_fd = input.a.get();
    config.output_fd = screen.b.get();
    config.signal_fd = signal.a.get();
    config.nick = std::move(nick);
    config.greeting_wait = greeting_wait;
    result_ = std::async(std::launch::async,
                         [config, sock = std::move(client), in = std::move(input.a),
                          sig = std::move(signal.a), out = std::move(screen.b)]() mutable {
                           return chat::client::run_session(chat::client::ServerStream(std::move(sock)), config);
                         });
  }
  ~SessionRig() {
    // Never leave the thread running: a signal ends any session.
    if (result_.valid() && result_.wait_for(0s) != std::future_status::ready) {
      (void)!::write(signal_.get(), "x", 1);
      result_.wait();
    }
  }

  // The exit code, or nullopt if the session did not end within `timeout`.
  std::optional<int> exit_code(std::chrono::milliseconds timeout = 5s) {
    if (result_.wait_for(timeout) != std::future_status::ready) return std::nullopt;
    return result_.get();
  }

  int server() const { return server_.get(); }
  UniqueFd& input() { return input_; }
  int screen() const { return screen_.get(); }
  void send_signal() { write_all(signal_.get(), "x"); }

 private:
  UniqueFd server_, input_, signal_, screen_;
  std::future<int> result_;
};

}  // namespace

TEST_CASE("session: piped input is sent, half-closed, and the server's close exits 0", "[session]") {
  SessionRig rig;
  write_all(rig.server(), "> Connected to the chat server (1 user online)\n");
  write_all(rig.input().get(), "Hello\r\n  \n/me waves\nlast line without newline");
  rig.input().reset();  // end of input

  std::string got;
  REQUIRE(read_until(rig.server(), got, "last line without newline\n", 5s));
  CHECK(got == "Hello\n/me waves\nlast line without newline\n");
  // Then the half-close: EOF on the server side.
  char byte;
  pollfd p{rig.server(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);
  CHECK(::read(rig.server(), &byte, 1) == 0);

  write_all(rig.server(), "< bye\n");
  ::shutdown(rig.server(), SHUT_WR);
  CHECK(rig.exit_code() == 0);
  CHECK(read_rest(rig.screen()) ==
        "> Connected to the chat server (1 user online)\n"
        "[You] Hello\n"
        "* You waves\n"
        "[You] last line without newline\n"
        "< bye\n");
}

TEST_CASE("session: input waits for the server's first line", "[session]") {
  SessionRig rig;
  write_all(rig.input().get(), "early\n");
  // Nothing is sent while the server has said nothing (greeting_wait is 5 s).
  pollfd p{rig.server(), POLLIN, 0};
  CHECK(::poll(&p, 1, 200) == 0);
  write_all(rig.server(), "> Connected to the chat server (1 user online)\n");
  std::string got;
  REQUIRE(read_until(rig.server(), got, "early\n", 5s));
  CHECK(got == "early\n");
  std::string screen;
  REQUIRE(read_until(rig.screen(), screen, "[You] early\n", 5s));
  CHECK(screen == "> Connected to the chat server (1 user online)\n[You] early\n");
}

TEST_CASE("session: a server that never greets does not stall input", "[session]") {
  SessionRig rig({}, false, 100ms);
  write_all(rig.input().get(), "anyone?\n");
  std::string got;
  REQUIRE(read_until(rig.server(), got, "anyone?\n", 5s));
  CHECK(got == "anyone?\n");
}

TEST_CASE("session: --nick goes out first", "[session]") {
  SessionRig rig("alice");
  write_all(rig.server(), "> Connected to the chat server (1 user online)\n");
  write_all(rig.input().get(), "hi\n");
  std::string got;
  REQUIRE(read_until(rig.server(), got, "hi\n", 5s));
  CHECK(got == "/nick alice\nhi\n");
}

TEST_CASE("session: the server closing while input is open is a disconnect, exit 1", "[session]") {
  SessionRig rig;
  write_all(rig.server(), "> Server shutting down\npartial");
  ::shutdown(rig.server(), SHUT_RDWR);
  CHECK(rig.exit_code() == 1);
  CHECK(read_rest(rig.screen()) == "> Server shutting down\npartial\n! disconnected from server\n");
}

TEST_CASE("session: server lines are sanitized before they reach the screen", "[session]") {
  SessionRig rig;
  write_all(rig.server(), "[evil] \x1b]0;pwned\x07red\x1b[31m \xC2\x9B" "2J\xff ok\r\n");
  std::string screen;
  REQUIRE(read_until(rig.screen(), screen, "ok\n", 5s));
  CHECK(screen == "[evil] ]0;pwnedred[31m 2J\xEF\xBF\xBD ok\n");
}

TEST_CASE("session: lines are printed whole even when split across reads", "[session]") {
  SessionRig rig;
  write_all(rig.server(), "[bob] hel");
  write_all(rig.server(), "lo\n[bob] again\n");
  std::string screen;
  REQUIRE(read_until(rig.screen(), screen, "again\n", 5s));
  CHECK(screen == "[bob] hello\n[bob] again\n");
}

TEST_CASE("session: a signal prints exit and ends with 0", "[session]") {
  SessionRig rig;
  rig.send_signal();
  CHECK(rig.exit_code() == 0);
  CHECK(read_rest(rig.screen()) == "exit\n");
}

TEST_CASE("session: /quit stops reading input, and the server's close then exits 0", "[session]") {
  SessionRig rig;
  write_all(rig.server(), "> Connected to the chat server (1 user online)\n");
  write_all(rig.input().get(), "/quit\nnot sent\n");
  std::string got;
  REQUIRE(read_until(rig.server(), got, "/quit\n", 5s));
  ::shutdown(rig.server(), SHUT_RDWR);
  CHECK(rig.exit_code() == 0);
  CHECK(got == "/quit\n");
  CHECK(read_rest(rig.screen()) == "> Connected to the chat server (1 user online)\n");
}

TEST_CASE("session: a server that reads nothing never blocks the loop", "[session]") {
  SessionRig rig({}, /*screen_to_dev_null=*/true);
  write_all(rig.server(), "> Connected to the chat server (1 user online)\n");
  // Feed input until it stops being consumed: the socket buffer is full and
  // the session has paused reading input instead of buffering without bound.
  set_nonblocking(rig.input().get());
  const std::string line(1000, 'x');
  const std::string chunk = [&] {
    std::string s;
    for (int i = 0; i < 64; ++i) s += line + "\n";
    return s;
  }();
  std::size_t accepted = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    const ssize_t n = ::write(rig.input().get(), chunk.data(), chunk.size());
    if (n > 0) {
      accepted += static_cast<std::size_t>(n);
      REQUIRE(accepted < 64u * 1024 * 1024);  // bounded: it must stall long before this
      continue;
    }
    REQUIRE(errno == EAGAIN);
    // Pipe full: stalled for good once it stays full for a while.
    pollfd p{rig.input().get(), POLLOUT, 0};
    if (::poll(&p, 1, 300) == 0) break;
  }
  // The loop is still responsive while its socket is full.
  const auto before = std::chrono::steady_clock::now();
  rig.send_signal();
  CHECK(rig.exit_code(2s) == 0);
  CHECK(std::chrono::steady_clock::now() - before < 2s);
}
