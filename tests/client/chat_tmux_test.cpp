// `chat` as a person uses it: inside tmux, keys typed with send-keys, the
// screen read back with capture-pane, against a live chatd with a
// TestClient as the other person in the room. Skipped (with a warning) when
// tmux is not installed.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "chatd_process.h"
#include "test_client.h"
#include "tls_certs.h"
#include "tmux_pane.h"

using namespace chat::test;

namespace {

const std::string kChat = CHAT_PATH;
constexpr std::string_view kPrompt = "\xC2\xBB";  // "»", as the empty input row reads once trimmed

#define SKIP_WITHOUT_TMUX()                                                              \
  do {                                                                                   \
    if (TmuxPane::find_tmux().empty()) {                                                 \
      WARN("tmux is not installed: terminal tests of chat not run (apt-get install tmux)"); \
      return;                                                                            \
    }                                                                                    \
  } while (false)

std::string quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The wrapper chat runs under: it records the terminal mode before and
// after, prints chat's exit code and whether the mode came back, then idles
// so the screen stays readable.
constexpr const char* kWrapper =
    "stty -g > \"$D/before\"\n"
    "\"$@\"\n"
    "code=$?\n"
    "stty -g > \"$D/after\"\n"
    "echo \"chat exited $code\"\n"
    "if cmp -s \"$D/before\" \"$D/after\"; then echo TTY-RESTORED; else echo TTY-CHANGED; fi\n"
    "echo \"MODE: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' ')\"\n"
    "exec sleep 600\n";

// The same with job control, as an interactive shell has it: Ctrl-Z stops
// chat, the wrapper checks the mode while it is stopped, then resumes it
// with fg.
constexpr const char* kJobControlWrapper =
    "set -m\n"
    "stty -g > \"$D/before\"\n"
    "\"$@\"\n"
    "code=$?\n"
    "stty -g > \"$D/stopped\"\n"
    "if cmp -s \"$D/before\" \"$D/stopped\"; then echo \"STOPPED $code TTY-RESTORED\"; else echo \"STOPPED $code TTY-CHANGED\"; fi\n"
    "fg > /dev/null\n"
    "code=$?\n"
    "stty -g > \"$D/after\"\n"
    "echo \"chat exited $code\"\n"
    "if cmp -s \"$D/before\" \"$D/after\"; then echo TTY-RESTORED; else echo TTY-CHANGED; fi\n"
    "exec sleep 600\n";

// Runs chat (with HOME in a private directory) in a pane under a wrapper.
class ChatPane {
 public:
  ChatPane(std::uint16_t port, const std::vector<std::string>& args, const std::string& env = "",
           int width = 100, int height = 30, const char* wrapper = kWrapper) {
    pane_ = std::make_unique<TmuxPane>("exec sleep 600", width, height);  // a placeholder to get a dir
    const std::string& dir = pane_->dir();
    {
      std::ofstream script(dir + "/wrap.sh");
      script << wrapper;
    }
    std::string command = "exec env -u NO_COLOR LC_ALL=C.UTF-8 HOME=" + quote(dir) + " D=" + quote(dir) + " " +
                           env + " sh " + quote(dir + "/wrap.sh") + " " + quote(kChat);
    for (const std::string& arg : args) command += " " + quote(arg);
    command += " 127.0.0.1 " + std::to_string(port);
    pane_->respawn(command);
  }
  TmuxPane& operator*() { return *pane_; }
  TmuxPane* operator->() { return pane_.get(); }

 private:
  std::unique_ptr<TmuxPane> pane_;
};

std::string input_row(std::string_view text) {
  return text.empty() ? std::string(kPrompt) : std::string(kPrompt) + " " + std::string(text);
}

// The input row once chat knows its name is alice: the prompt is "alice » ".
constexpr int kAlicePrompt = 8;
std::string alice_row(std::string_view text) { return "alice " + input_row(text); }

// Peer joins first and names itself bob.
void name_peer_bob(TestClient& peer) {
  peer.expect_line("> Connected to the chat server (1 user online)");
  peer.send_line("/nick bob");
  peer.expect_line("> You are now known as bob");
}

// The peer sees chat arrive and take the name alice.
void expect_alice_joined(TestClient& peer) {
  const auto joined = peer.read_line();
  REQUIRE(joined.has_value());
  CHECK(joined->starts_with("> New user 127.0.0.1:"));
  const auto named = peer.read_line();
  REQUIRE(named.has_value());
  CHECK(named->ends_with(" is now known as alice"));
}

// The setup most cases share: a chatd, bob on a TestClient, and chat as
// alice in a pane, both seen to have arrived.
class AliceWithBob {
 public:
  explicit AliceWithBob(const std::vector<std::string>& extra_args = {},
                        const std::vector<std::string>& server_args = {})
      : server(server_args), peer(server.port()) {
    name_peer_bob(peer);
    std::vector<std::string> args{"--nick", "alice", "--no-history"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pane_ = std::make_unique<ChatPane>(server.port(), args);
    REQUIRE((*pane_)->wait_for("> Online (2): bob, alice"));
    expect_alice_joined(peer);
  }
  ChatPane& pane() { return *pane_; }

  ChatdProcess server;
  TestClient peer;

 private:
  std::unique_ptr<ChatPane> pane_;
};

}  // namespace

TEST_CASE("a message arriving while the user types leaves the typed text intact", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  AliceWithBob session;
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;

  pane->type("hello wor");
  REQUIRE(pane->wait_cursor_row(alice_row("hello wor")));
  const auto before = pane->cursor();
  CHECK(before.x == kAlicePrompt + 9);

  peer.send_line("incoming while you type");
  REQUIRE(pane->wait_for("[bob] incoming while you type"));
  REQUIRE(pane->wait_cursor_row(alice_row("hello wor")));
  auto rows = pane->rows();
  const auto after = pane->cursor();
  CHECK(after.x == before.x);
  CHECK(after.y == before.y + 1);
  REQUIRE(after.y >= 1);
  CHECK(rows[static_cast<std::size_t>(after.y) - 1] == "[bob] incoming while you type");
  CHECK(rows.back() == alice_row("hello wor"));

  // The cursor in the middle of the line, then a burst of lines.
  pane->press({"Left", "Left", "Left"});
  for (int i = 0; i < 20; ++i) peer.send_line("burst " + std::to_string(i));
  REQUIRE(pane->wait_for("[bob] burst 19"));
  REQUIRE(pane->wait_cursor_row(alice_row("hello wor")));
  CHECK(pane->cursor().x == kAlicePrompt + 6);
  rows = pane->rows();
  CHECK(rows.back() == alice_row("hello wor"));
  for (int i = 0; i < 20; ++i) {
    const std::string line = "[bob] burst " + std::to_string(i);
    CHECK(std::count(rows.begin(), rows.end(), line) == 1);
  }

  pane->press({"End"});
  pane->type("ld");
  pane->press({"Enter"});
  peer.expect_line("[alice] hello world");
  REQUIRE(pane->wait_for("[You] hello world"));
  CHECK(pane->wait_cursor_row(alice_row("")));
  CHECK(pane->cursor().x == kAlicePrompt);
}

TEST_CASE("Korean input is edited by character, two columns each", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  AliceWithBob session;
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;

  pane->type("안녕 세계");
  REQUIRE(pane->wait_cursor_row(alice_row("안녕 세계")));
  CHECK(pane->cursor().x == kAlicePrompt + 9);
  pane->press({"Left", "BSpace"});  // deletes 세
  REQUIRE(pane->wait_cursor_row(alice_row("안녕 계")));
  CHECK(pane->cursor().x == kAlicePrompt + 5);
  pane->press({"Home", "Right", "Delete"});  // deletes 녕
  REQUIRE(pane->wait_cursor_row(alice_row("안 계")));
  CHECK(pane->cursor().x == kAlicePrompt + 2);
  pane->type("녕하세요");
  REQUIRE(pane->wait_cursor_row(alice_row("안녕하세요 계")));
  CHECK(pane->cursor().x == kAlicePrompt + 10);
  pane->press({"End", "BSpace", "BSpace"});
  REQUIRE(pane->wait_cursor_row(alice_row("안녕하세요")));
  CHECK(pane->cursor().x == kAlicePrompt + 10);
  pane->press({"Enter"});
  peer.expect_line("[alice] 안녕하세요");
  REQUIRE(pane->wait_for("[You] 안녕하세요"));

  // A combining accent adds no column and goes with its letter.
  pane->type("cafe\xCC\x81");
  REQUIRE(pane->wait_for(alice_row("cafe\xCC\x81")));
  CHECK(pane->cursor().x == kAlicePrompt + 4);
  pane->press({"BSpace"});
  REQUIRE(pane->wait_cursor_row(alice_row("caf")));
  CHECK(pane->cursor().x == kAlicePrompt + 3);
  pane->press({"C-u"});
  REQUIRE(pane->wait_cursor_row(alice_row("")));
}

TEST_CASE("Ctrl-A/E/K/W, Up/Down history and Tab completion", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  AliceWithBob session;
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;

  pane->type("one two three");
  pane->press({"C-w"});
  REQUIRE(pane->wait_cursor_row(alice_row("one two")));
  pane->press({"C-a", "Right", "C-k"});
  REQUIRE(pane->wait_cursor_row(alice_row("o")));
  pane->press({"C-e"});
  pane->type("k");
  pane->press({"Enter"});
  peer.expect_line("[alice] ok");
  pane->type("second");
  pane->press({"Enter"});
  peer.expect_line("[alice] second");

  pane->type("draft");
  pane->press({"Up"});
  REQUIRE(pane->wait_cursor_row(alice_row("second")));
  pane->press({"Up"});
  REQUIRE(pane->wait_cursor_row(alice_row("ok")));
  pane->press({"Down", "Down"});
  REQUIRE(pane->wait_cursor_row(alice_row("draft")));
  pane->press({"C-u"});

  pane->type("/ms");
  pane->press({"Tab"});
  REQUIRE(pane->wait_cursor_row(alice_row("/msg")));  // "/msg " trimmed
  CHECK(pane->cursor().x == kAlicePrompt + 5);
  pane->type("b");
  pane->press({"Tab"});
  REQUIRE(pane->wait_for(alice_row("/msg bob")));
  CHECK(pane->cursor().x == kAlicePrompt + 9);
  pane->type("psst");
  pane->press({"Enter"});
  peer.expect_line("[alice -> you] psst");
}

TEST_CASE("colours by default, none under NO_COLOR or --no-color", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  struct Variant {
    const char* what;
    std::string env;
    std::vector<std::string> args;
    bool colour;
  };
  const Variant v = GENERATE(Variant{"default", "", {}, true}, Variant{"NO_COLOR=1", "NO_COLOR=1", {}, false},
                             Variant{"--no-color", "", {"--no-color"}, false});
  INFO(v.what);
  ChatdProcess server;
  TestClient peer(server.port());
  name_peer_bob(peer);
  std::vector<std::string> args{"--nick", "alice", "--no-history"};
  args.insert(args.end(), v.args.begin(), v.args.end());
  ChatPane pane(server.port(), args, v.env);
  REQUIRE(pane->wait_for("> Online (2): bob, alice"));
  expect_alice_joined(peer);
  peer.send_line("hi there");
  REQUIRE(pane->wait_for("] hi there"));
  pane->type("hello");
  pane->press({"Enter"});
  peer.expect_line("[alice] hello");
  REQUIRE(pane->wait_for("[You] hello"));

  const std::string screen = pane->capture(true);
  if (v.colour) {
    CHECK(screen.find("bob\x1b[39m] hi there") != std::string::npos);  // bob in a colour, then default
    CHECK(screen.find("\x1b[1m[You] hello") != std::string::npos);    // own line bold
    CHECK(screen.find("\x1b[2m> Connected") != std::string::npos);   // notices dim
  } else {
    CHECK(screen.find('\x1b') == std::string::npos);
  }
}

TEST_CASE("the terminal is restored after every way of leaving", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  const std::string how = GENERATE("Enter on /quit", "Ctrl-D", "Ctrl-C", "SIGTERM", "server closing");
  INFO(how);
  auto server = std::make_unique<ChatdProcess>();
  ChatPane pane(server->port(), {"--no-history"});
  REQUIRE(pane->wait_for("> Online (1): "));
  REQUIRE(pane->wait_cursor_row(input_row("")));

  int expected_code = 0;
  bool prints_exit = false;
  if (how == "Enter on /quit") {
    pane->type("/quit");
    pane->press({"Enter"});
  } else if (how == "Ctrl-D") {
    pane->press({"C-d"});
  } else {
    pane->type("half typed");  // leaving mid-line must clear it too
    REQUIRE(pane->wait_cursor_row(input_row("half typed")));
    if (how == "Ctrl-C") {
      pane->press({"C-c"});
      prints_exit = true;
    } else if (how == "SIGTERM") {
      const auto chat = wait_child_of(pane->pane_pid());
      REQUIRE(chat.has_value());
      REQUIRE(::kill(*chat, SIGTERM) == 0);
      prints_exit = true;
    } else {
      server->signal(SIGTERM);
      expected_code = 1;
    }
  }

  REQUIRE(pane->wait_for("MODE: "));
  const auto rows = pane->rows();
  const auto exited = std::find(rows.begin(), rows.end(), "chat exited " + std::to_string(expected_code));
  REQUIRE(exited != rows.end());
  CHECK(std::next(exited) != rows.end());
  CHECK(*std::next(exited) == "TTY-RESTORED");
  CHECK(rows.back() == "MODE: icanon echo");
  if (prints_exit) {
    REQUIRE(exited != rows.begin());
    CHECK(*std::prev(exited) == "exit");
  }
  if (expected_code == 1) {
    CHECK(std::find(rows.begin(), rows.end(), "! disconnected from server") != rows.end());
  }
  // The input row is gone: no prompt is left on the screen.
  for (const std::string& row : rows) CHECK_FALSE(row.starts_with(kPrompt));
}

TEST_CASE("with --reconnect chat retries with a notice and reclaims the nickname", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  auto server = std::make_unique<ChatdProcess>();
  const std::uint16_t port = server->port();
  ChatPane pane(port, {"--reconnect", "--nick", "alice", "--no-history"});
  REQUIRE(pane->wait_for("> Online (1): alice"));

  server->signal(SIGTERM);
  REQUIRE(server->wait_exit() == 0);
  REQUIRE(pane->wait_for("! disconnected from server; retrying in 1 s (Ctrl-C quits, /reconnect now)"));
  pane->type("still here");  // typing goes on while disconnected
  REQUIRE(pane->wait_cursor_row("alice (reconnecting) " + input_row("still here")));

  server = std::make_unique<ChatdProcess>("127.0.0.1", port);
  REQUIRE(pane->wait_for("> reconnected to 127.0.0.1:" + std::to_string(port), 10s));
  REQUIRE(pane->wait_for("> Online (1): alice"));  // the name came back
  const std::string screen = pane->capture();
  std::size_t claims = 0;
  for (auto at = screen.find("> You are now known as alice"); at != std::string::npos;
       at = screen.find("> You are now known as alice", at + 1)) {
    ++claims;
  }
  CHECK(claims == 2);
  CHECK(pane->wait_cursor_row(alice_row("still here")));

  TestClient peer(port);
  peer.expect_line("> Connected to the chat server (2 users online)");
  pane->press({"Enter"});
  peer.expect_line("[alice] still here");
}

TEST_CASE("with --tls --reconnect chat reconnects over TLS, verified again", "[chat][tmux][tls]") {
  SKIP_WITHOUT_TMUX();
  const TlsCerts& certs = tls_certs();
  const auto start = [&](std::uint16_t tls_port, const CertPair& pair) {
    return std::make_unique<ChatdProcess>(
        "127.0.0.1", 0,
        std::vector<std::string>{"--tls-cert", pair.cert, "--tls-key", pair.key, "--tls-port", std::to_string(tls_port)});
  };
  auto server = start(0, certs.server);
  const std::uint16_t port = server->tls_port();
  ChatPane pane(port, {"--tls", "--ca", certs.ca_cert, "--reconnect", "--nick", "alice", "--no-history"});
  REQUIRE(pane->wait_for("> Online (1): alice"));

  server->signal(SIGTERM);
  REQUIRE(server->wait_exit() == 0);
  REQUIRE(pane->wait_for("! disconnected from server; retrying in 1 s (Ctrl-C quits, /reconnect now)"));
  server = start(port, certs.server);
  REQUIRE(pane->wait_for("> reconnected to 127.0.0.1:" + std::to_string(port), 10s));
  REQUIRE(pane->wait_for("> Online (1): alice"));
  TestClient peer(server->port());
  peer.expect_line("> Connected to the chat server (2 users online)");
  pane->type("back over tls");
  pane->press({"Enter"});
  peer.expect_line("[alice] back over tls");

  // The server comes back with a certificate for another name: never
  // accepted, not retried; one line and exit 1.
  server->signal(SIGTERM);
  REQUIRE(server->wait_exit() == 0);
  server = start(port, certs.wrong_host);
  REQUIRE(pane->wait_for("! TLS: certificate verify failed for 127.0.0.1:" + std::to_string(port) +
                             ": IP address mismatch",
                         10s));
  REQUIRE(pane->wait_for("chat exited 1"));
}

TEST_CASE("with --timestamps each line starts with the local HH:MM", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  ChatPane pane(server.port(), {"--timestamps", "--no-history"});
  REQUIRE(pane->wait_for("> Online (1): "));
  const auto rows = pane->rows();
  REQUIRE(rows.size() >= 2);
  const std::regex stamped(R"(\d\d:\d\d > Connected to the chat server \(1 user online\))");
  CHECK(std::regex_match(rows.front(), stamped));
}

TEST_CASE("after a resize the input row is drawn again, cursor in view", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  ChatPane pane(server.port(), {"--no-history"});
  REQUIRE(pane->wait_for("> Online (1): "));
  std::string text;
  for (int i = 0; text.size() < 90; ++i) text += std::to_string(i % 10) + "abcdefgh ";
  text.resize(89);  // ends in a letter: capture-pane trims trailing spaces
  pane->type(text);
  REQUIRE(pane->wait_cursor_row(input_row(text)));

  pane->resize(50, 30);
  // 50 columns: one spare, two for the prompt, 46 characters and the cursor.
  REQUIRE(pane->wait_cursor_row(input_row(text.substr(text.size() - 46))));
  CHECK(pane->cursor().x == 48);
  const auto rows = pane->rows();
  CHECK(rows.back() == input_row(text.substr(text.size() - 46)));
  for (const std::string& row : rows) {
    if (&row != &rows.back()) CHECK(row.find("abcdefgh") == std::string::npos);
  }
}

TEST_CASE("Ctrl-Z gives the shell its terminal back, and fg resumes the typed line", "[chat][tmux]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  ChatPane pane(server.port(), {"--no-history"}, "", 100, 30, kJobControlWrapper);
  REQUIRE(pane->wait_for("> Online (1): "));
  pane->type("half typed");
  REQUIRE(pane->wait_cursor_row(input_row("half typed")));

  pane->press({"C-z"});
  // Stopped by SIGTSTP (exit status 128 + 20), with the terminal as it was.
  REQUIRE(pane->wait_for("STOPPED "));
  CHECK(pane->wait_for("STOPPED 148 TTY-RESTORED"));

  // fg: the editor is back with the line as it was, and keeps working.
  REQUIRE(pane->wait_cursor_row(input_row("half typed")));
  pane->press({"BSpace", "BSpace"});
  REQUIRE(pane->wait_cursor_row(input_row("half typ")));
  pane->press({"C-u", "C-d"});
  REQUIRE(pane->wait_for("chat exited 0"));
  CHECK(pane->wait_for("chat exited 0\nTTY-RESTORED"));
}

TEST_CASE("chat --room joins a room shown in the prompt with history coloured, and Tab completes rooms",
          "[chat][tmux][rooms]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  TestClient peer(server.port());
  name_peer_bob(peer);
  TestClient other(server.port());
  other.expect_line("> Connected to the chat server (2 users online)");
  peer.expect_line("> New user " + other.address_name() + " entered (2 users online)");
  peer.send_line("/join #random");
  peer.expect_line("> You are now in #random (1 user here)");
  other.expect_line("< bob left for #random (1 user here)");
  other.send_line("/join #random");
  other.expect_line("> You are now in #random (2 users here)");
  peer.expect_line("> " + other.address_name() + " joined #random (2 users here)");
  peer.send_line("said before alice came");
  other.expect_line("[bob] said before alice came");

  ChatPane pane(server.port(), {"--nick", "alice", "--room", "random", "--no-history"});
  REQUIRE(pane->wait_for("> You are now in #random (3 users here)"));
  REQUIRE(pane->wait_for("] said before alice came"));
  REQUIRE(pane->wait_cursor_row("alice #random " + std::string(kPrompt)));
  // The replayed line carries its time, dim, and bob's name in its colour
  // as in a live line (tmux merges the dim runs of adjacent lines, so the
  // dim's start may be lines above; its end follows the time).
  const std::string screen = pane->capture(true);
  INFO(screen);
  CHECK(std::regex_search(
      screen, std::regex("\n[0-9]{2}:[0-9]{2}\x1b\\[0m[^\n]* \\[\x1b\\[[0-9;]+mbob\x1b\\[39m\\] said before alice came\n")));

  pane->type("/join #lob");
  pane->press({"Tab"});  // no known room matches: asks the server (/rooms)
  REQUIRE(pane->wait_for("> Rooms (2): #random (3), #lobby (0)"));
  pane->press({"Tab"});
  REQUIRE(pane->wait_cursor_row("alice #random " + std::string(kPrompt) + " /join #lobby"));
  pane->press({"Enter"});
  REQUIRE(pane->wait_for("> You are now in #lobby (1 user here)"));
  REQUIRE(pane->wait_cursor_row("alice #lobby " + std::string(kPrompt)));
}

// --- issue 12: a newcomer's first ten minutes ---------------------------------

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Bounded wait for `path` to contain `needle`.
bool wait_file_contains(const std::string& path, std::string_view needle, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (read_file(path).find(needle) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace

TEST_CASE("the prompt shows the nick, and the state when not connected", "[chat][tmux][prompt]") {
  SKIP_WITHOUT_TMUX();
  auto server = std::make_unique<ChatdProcess>();
  const std::uint16_t port = server->port();
  ChatPane pane(port, {"--reconnect", "--no-history"});
  REQUIRE(pane->wait_for("> Online (1): "));
  REQUIRE(pane->wait_cursor_row(input_row("")));  // no name yet: just the arrow
  pane->type("/nick bob");
  pane->press({"Enter"});
  REQUIRE(pane->wait_for("> You are now known as bob"));
  REQUIRE(pane->wait_cursor_row("bob \xC2\xBB"));
  CHECK(pane->cursor().x == 6);

  server->signal(SIGTERM);
  REQUIRE(server->wait_exit() == 0);
  REQUIRE(pane->wait_cursor_row("bob (reconnecting) \xC2\xBB"));
  server = std::make_unique<ChatdProcess>("127.0.0.1", port);
  REQUIRE(pane->wait_for("> reconnected to", 10s));
  CHECK(pane->wait_cursor_row("bob \xC2\xBB"));
}

TEST_CASE("a --nick that is taken falls back to NAME_ and says so", "[chat][tmux][nick]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  TestClient peer(server.port());
  peer.expect_line("> Connected to the chat server (1 user online)");
  peer.send_line("/nick alice");
  peer.expect_line("> You are now known as alice");
  ChatPane pane(server.port(), {"--nick", "alice", "--no-history"});
  REQUIRE(pane->wait_for("> alice is taken; trying alice_"));
  REQUIRE(pane->wait_for("> You are now known as alice_"));
  CHECK(pane->wait_cursor_row("alice_ \xC2\xBB"));
  pane->type("/me waves");
  pane->press({"Enter"});
  REQUIRE(pane->wait_for("* alice_ waves"));  // own /me with the name, not "* You"
  CHECK(pane->capture().find("* You waves") == std::string::npos);
}

TEST_CASE("a mention is highlighted and rings the bell, private messages look different", "[chat][tmux][attention]") {
  SKIP_WITHOUT_TMUX();
  const bool bell = GENERATE(true, false);
  INFO((bell ? "default" : "--no-bell"));
  AliceWithBob session(bell ? std::vector<std::string>{} : std::vector<std::string>{"--no-bell"});
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;
  const std::string raw = pane->dir() + "/raw-output";
  pane->record_output(raw);

  peer.send_line("nothing for you");
  REQUIRE(pane->wait_for("[bob] nothing for you"));
  peer.send_line("are you there, Alice?");
  REQUIRE(pane->wait_for("\x1b[1m\x1b[33mare you there, Alice?", 5s, true));  // bold yellow, as tmux writes it
  peer.send_line("/msg alice psst");
  REQUIRE(pane->wait_for("7m\x1b[39m\x1b[49m[bob -> you]", 5s, true));  // reverse video, as tmux writes it
  peer.expect_line("[You -> alice] psst");
  peer.send_line("sync");
  REQUIRE(wait_file_contains(raw, "sync"));
  const std::string bytes = read_file(raw);
  const auto bells = std::count(bytes.begin(), bytes.end(), '\a');
  CHECK(bells == (bell ? 2 : 0));  // the mention and the private message
  CHECK(pane->capture(true).find("\x1b[1;33mnothing") == std::string::npos);
}

TEST_CASE("/msg is shown as sent only once the server confirms it", "[chat][tmux][msg]") {
  SKIP_WITHOUT_TMUX();
  AliceWithBob session;
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;
  pane->type("/msg nobody hi");
  pane->press({"Enter"});
  REQUIRE(pane->wait_for("! no such user: nobody"));
  CHECK(pane->capture().find("[You -> nobody]") == std::string::npos);
  pane->type("/msg BOB hi");
  pane->press({"Enter"});
  peer.expect_line("[alice -> you] hi");
  REQUIRE(pane->wait_for("[You -> bob] hi"));
}

TEST_CASE("an over-long line is split so that every line shown was delivered", "[chat][tmux][long]") {
  SKIP_WITHOUT_TMUX();
  SECTION("the default limit: 4096 bytes") {
    AliceWithBob session;
    ChatPane& pane = session.pane();
    TestClient& peer = session.peer;
    std::string text;
    for (int i = 0; text.size() < 4500; ++i) text += "word" + std::to_string(i) + " ";
    text.pop_back();
    pane->paste(text);
    REQUIRE(pane->wait_for(text.substr(text.size() - 60), 10s));
    pane->press({"Enter"});
    const auto first = peer.read_line();
    const auto second = peer.read_line();
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(first->starts_with("[alice] word0 word1"));
    CHECK(second->ends_with(text.substr(text.size() - 20)));
    CHECK(first->size() + second->size() - 2 * std::string("[alice] ").size() + 1 == text.size());
    CHECK(pane->wait_for("[You] " + second->substr(8, 40)));
    CHECK(pane->capture().find("! line too long") == std::string::npos);
  }
  SECTION("a server with a smaller limit: its refusal is explained, then lines are split at it") {
    AliceWithBob session({}, {"--max-line", "64"});
    ChatPane& pane = session.pane();
    TestClient& peer = session.peer;
    const std::string text = "this line is longer than sixty-four bytes, so chatd refuses it whole";
    pane->type(text);
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("! line too long (max 64 bytes)"));
    REQUIRE(pane->wait_for("! that line was not delivered; longer lines are now split at 64 bytes"));
    pane->press({"Up", "Enter"});
    peer.expect_line("[alice] this line is longer than sixty-four bytes, so chatd refuses it");
    peer.expect_line("[alice] whole");
  }
}

TEST_CASE("a multi-line paste asks first (Esc cancels, Enter sends) and TAB in a paste is text", "[chat][tmux][paste]") {
  SKIP_WITHOUT_TMUX();
  AliceWithBob session;
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;

  pane->paste("one\ntwo\nthree\nfour");
  REQUIRE(pane->wait_for("Paste 4 lines? Enter sends, Esc cancels"));
  CHECK(peer.no_line_within(200ms));
  pane->press({"Escape"});
  REQUIRE(pane->wait_for("> paste cancelled"));
  CHECK(peer.no_line_within(200ms));

  pane->paste("one\ntwo\nthree\nfour\n");
  REQUIRE(pane->wait_for("Paste 4 lines? Enter sends, Esc cancels\n", 5s));
  pane->press({"Enter"});
  for (const char* line : {"one", "two", "three", "four"}) peer.expect_line(std::string("[alice] ") + line);
  REQUIRE(pane->wait_for("[You] four"));

  pane->paste("b\tb");  // no completion of "b" to bob, no list
  REQUIRE(pane->wait_cursor_row(alice_row("b b")));
  pane->press({"Enter"});
  peer.expect_line("[alice] b b");
}

TEST_CASE("the typed line survives the server going away", "[chat][tmux][draft]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  ChatPane pane(server.port(), {});  // with history, in the pane's private HOME
  REQUIRE(pane->wait_for("> Online (1): "));
  pane->type("an unsent draft");
  REQUIRE(pane->wait_cursor_row(input_row("an unsent draft")));
  server.signal(SIGTERM);
  REQUIRE(pane->wait_for("chat exited 1"));
  CHECK(pane->capture().find("! your unsent line is kept in the history (Up recalls it next time)") !=
        std::string::npos);
  CHECK(read_file(pane->dir() + "/.chat_history").find("an unsent draft\n") != std::string::npos);
}

TEST_CASE("with --reconnect the first connection is retried too, /reconnect retries now, notices fit the row",
          "[chat][tmux][reconnect]") {
  SKIP_WITHOUT_TMUX();
  std::uint16_t port = 0;
  {
    ChatdProcess probe;  // a port that was free a moment ago
    port = probe.port();
  }
  ChatPane pane(port, {"--reconnect", "--no-history"}, "", 40, 20);
  REQUIRE(pane->wait_for("retrying in 1 s"));
  REQUIRE(pane->wait_for("retrying in 4 s", 10s));
  CHECK(pane->wait_cursor_row("(reconnecting) \xC2\xBB"));
  for (const std::string& row : pane->rows()) CHECK(row.size() < 40);  // one row each, nothing wrapped

  ChatdProcess server("127.0.0.1", port);
  pane->type("/reconnect");
  pane->press({"Enter"});
  // Well before the 4 s retry would have come.
  REQUIRE(pane->wait_for("> Online (1): ", 2500ms));
  CHECK(pane->capture().find("> connected to 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("Tab cycles through matching nicks and adds ': ' at the start of the line", "[chat][tmux][tab]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  TestClient bob(server.port());
  name_peer_bob(bob);
  TestClient bobby(server.port());
  bobby.expect_line("> Connected to the chat server (2 users online)");
  bobby.send_line("/nick bobby");
  bobby.expect_line("> You are now known as bobby");
  ChatPane pane(server.port(), {"--nick", "alice", "--no-history"});
  REQUIRE(pane->wait_for("> Online (3): bob, bobby, alice"));

  pane->type("bo");
  pane->press({"Tab"});
  REQUIRE(pane->wait_for("bob  bobby"));  // both listed, the common part completed
  REQUIRE(pane->wait_cursor_row(alice_row("bob")));
  pane->press({"Tab"});
  REQUIRE(pane->wait_cursor_row(alice_row("bob:")));
  CHECK(pane->cursor().x == kAlicePrompt + 5);
  pane->press({"Tab"});
  REQUIRE(pane->wait_cursor_row(alice_row("bobby:")));
  pane->press({"Tab"});
  REQUIRE(pane->wait_cursor_row(alice_row("bob:")));
  pane->type("hi");
  pane->press({"Enter"});
  for (;;) {  // past the lines about bobby and alice arriving
    const auto line = bob.read_line();
    REQUIRE(line.has_value());
    if (*line == "[alice] bob: hi") break;
  }

  pane->type("hello bobb");  // not at the start: a space after the nick
  pane->press({"Tab"});
  REQUIRE(pane->wait_cursor_row(alice_row("hello bobby")));
  CHECK(pane->cursor().x == kAlicePrompt + 12);
}

TEST_CASE("resizing 80 -> 30 -> 80 leaves one input row, scrolled back to its start", "[chat][tmux][resize]") {
  SKIP_WITHOUT_TMUX();
  ChatdProcess server;
  ChatPane pane(server.port(), {"--no-history"}, "", 80, 20);
  REQUIRE(pane->wait_for("> Online (1): "));
  const std::string text = "the quick brown fox jumps over the lazy dog again";
  pane->type(text);
  REQUIRE(pane->wait_cursor_row(input_row(text)));
  // Dragged, as a person resizes a window: every width on the way.
  for (int w = 79; w >= 30; w -= 7) pane->resize(w, 20);
  pane->resize(30, 20);
  // 30 columns: 29 usable, 2 for the prompt, 26 characters and the cursor.
  REQUIRE(pane->wait_cursor_row(input_row(text.substr(text.size() - 26))));
  for (int w = 31; w < 80; w += 7) pane->resize(w, 20);
  pane->resize(80, 20);
  REQUIRE(pane->wait_cursor_row(input_row(text)));
  const auto rows = pane->rows();
  CHECK(rows.back() == input_row(text));
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) CHECK(rows[i].find("lazy dog") == std::string::npos);
}

TEST_CASE("editing moves by grapheme cluster: 👍🏽 is one character", "[chat][tmux][grapheme]") {
  SKIP_WITHOUT_TMUX();
  AliceWithBob session;
  ChatPane& pane = session.pane();
  TestClient& peer = session.peer;
  pane->type("a\U0001F44D\U0001F3FD\U0001F1F0\U0001F1F7b");  // a👍🏽🇰🇷b
  REQUIRE(pane->wait_for("a\U0001F44D"));
  pane->press({"Left", "Left", "BSpace"});  // past b and the flag, then the thumb goes whole
  REQUIRE(pane->wait_cursor_row(alice_row("a\U0001F1F0\U0001F1F7b")));
  pane->press({"Delete"});  // the flag, both halves
  REQUIRE(pane->wait_cursor_row(alice_row("ab")));
  pane->press({"Enter"});
  peer.expect_line("[alice] ab");
}

TEST_CASE("/register and /login ask for the password with echo off and keep it out of the history",
          "[chat][tmux][accounts]") {
  SKIP_WITHOUT_TMUX();
  char dir_template[] = "/tmp/chat-tmux-accounts-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string db = std::string(dir_template) + "/chat.db";
  {
    ChatdProcess server({"--store", db});
    TestClient peer(server.port());
    name_peer_bob(peer);
    ChatPane pane(server.port(), {"--nick", "alice"});
    REQUIRE(pane->wait_for("> Online (2): bob, alice"));
    constexpr std::string_view kSecret = "hunter2-secret";
    pane->type("/register");
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("Password:"));
    pane->type(kSecret);
    CHECK_FALSE(pane->wait_for(kSecret, 300ms));  // not echoed
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("Password again:"));
    pane->type(kSecret);
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("> Nickname alice is registered to you: next time, /login alice PASSWORD", 30s));
    pane->type("/logout");
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("> You are logged out"));
    pane->type("/login alice");
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("Password:"));
    pane->type(kSecret);
    pane->press({"Enter"});
    REQUIRE(pane->wait_for("> You are logged in as alice", 30s));
    for (const std::string& row : pane->rows()) CHECK(row.find(kSecret) == std::string::npos);
    std::ifstream history(pane->dir() + "/.chat_history");
    const std::string kept((std::istreambuf_iterator<char>(history)), std::istreambuf_iterator<char>());
    CHECK(kept.find(kSecret) == std::string::npos);
    CHECK(kept.find("/logout") != std::string::npos);  // other lines are kept as usual
  }
  std::filesystem::remove_all(dir_template);
}
