// The IRC port over TCP (docs/IRC.md): an IRC client and line-protocol
// users in the same rooms, byte for byte on both sides; registration,
// several channels, PART, QUIT, and the line port's limits. Runs on every
// reactor engine; --engine threads refuses --irc-port.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "chat_fixtures.h"

using namespace chat::test;

namespace {

constexpr const char* kServer = "irc.test";

std::uint16_t irc_port(const ChatdProcess& server) {
  const std::string marker = "IRC server started on port ";
  REQUIRE(server.wait_stdout(marker));
  const std::string out = server.stdout_text();
  const auto at = out.find(marker) + marker.size();
  return static_cast<std::uint16_t>(std::stoul(out.substr(at)));
}

// An IRC client: lines end in CRLF both ways.
struct Irc {
  explicit Irc(std::uint16_t port) : client(port) {}
  TestClient client;

  void send(std::string_view line) { client.send_raw(std::string(line) + "\r\n"); }
  void expect(std::string_view line) { client.expect_line(std::string(line) + "\r"); }
  // The next line that starts with `prefix` (others skipped), without its CR.
  std::string until(std::string_view prefix) {
    for (int i = 0; i < 100; ++i) {
      const auto line = client.read_line();
      REQUIRE(line.has_value());
      if (line->starts_with(prefix)) return line->substr(0, line->size() - 1);
    }
    FAIL("no line starting with " << prefix);
    return {};
  }
  // NICK and USER, then the burst up to the end of the MOTD.
  void register_as(std::string_view nick) {
    send("NICK " + std::string(nick));
    send("USER " + std::string(nick) + " 0 * :Real Name");
    expect(":" + std::string(kServer) + " 001 " + std::string(nick) +
           " :Welcome to the chat IRC Network " + std::string(nick) + "!" + std::string(nick) + "@chat");
    until(":" + std::string(kServer) + " 376 ");
  }
};

// The threads engine refuses --irc-port (the last case checks how).
bool threads_engine() { return engine_under_test() == "threads"; }

std::vector<std::string> irc_args(std::vector<std::string> more = {}) {
  std::vector<std::string> args{"--irc-port", "0", "--server-name", kServer};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace

TEST_CASE("irc: an IRC user and a line user in one room see each other byte for byte", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args());
  TestClient bob = join(server, {});
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  bob.send_line("/join #room");
  bob.expect_line("> You are now in #room (1 user here)");

  Irc alice(irc_port(server));
  alice.register_as("alice");
  alice.send("JOIN #room");
  alice.expect(":alice!alice@chat JOIN #room");
  alice.expect(":irc.test 353 alice = #room :bob alice");
  alice.expect(":irc.test 366 alice #room :End of /NAMES list");
  bob.expect_line("> alice joined #room (2 users here)");

  bob.send_line("hi");
  alice.expect(":bob!bob@chat PRIVMSG #room :hi");
  alice.send("PRIVMSG #room :hello bob");
  bob.expect_line("[alice] hello bob");
  alice.send("PRIVMSG #room :\x01" "ACTION waves\x01");
  bob.expect_line("* alice waves");
  alice.send("NOTICE #room :a notice");  // a text line here
  bob.expect_line("[alice] a notice");
  bob.send_line("/me waves back");
  alice.expect(":bob!bob@chat PRIVMSG #room :\x01" "ACTION waves back\x01");

  // Private messages both ways.
  alice.send("PRIVMSG bob :psst");
  bob.expect_line("[alice -> you] psst");
  bob.send_line("/msg alice hey");
  bob.expect_line("[You -> alice] hey");
  alice.expect(":bob!bob@chat PRIVMSG alice :hey");

  // A nick change, then QUIT: the line user sees its classic lines.
  alice.send("NICK alicia");
  alice.expect(":alice!alice@chat NICK alicia");
  bob.expect_line("> alice is now known as alicia");
  alice.send("QUIT :bye");
  alice.expect("ERROR :Closing link: quit");
  CHECK(alice.client.wait_closed());
  bob.expect_line("< The user alicia left " + online(1));
}

TEST_CASE("irc: a line user still named by its address has a valid IRC nick", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args());
  TestClient line = join(server, {});
  line.send_line("/join #room");
  line.expect_line("> You are now in #room (1 user here)");
  std::string nick = "u" + line.address_name();
  for (char& c : nick) c = c == '.' ? '-' : c == ':' ? '|' : c;

  Irc alice(irc_port(server));
  alice.register_as("alice");
  alice.send("JOIN #room");
  alice.expect(":alice!alice@chat JOIN #room");
  alice.expect(":irc.test 353 alice = #room :" + nick + " alice");
  alice.until(":irc.test 366 ");
  line.expect_line("> alice joined #room (2 users here)");
  line.send_line("hi");
  alice.expect(":" + nick + "!" + nick + "@chat PRIVMSG #room :hi");
  alice.send("PRIVMSG " + nick + " :to you");
  line.expect_line("[alice -> you] to you");
}

TEST_CASE("irc: a nick taken on the line port is 433, and another NICK registers", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args());
  TestClient bob = join(server, {});
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");

  Irc irc(irc_port(server));
  irc.send("CAP LS 302");
  irc.expect(":irc.test CAP * LS :echo-message message-tags multi-prefix server-time");
  irc.send("NICK BOB");
  irc.send("USER x 0 * :X");
  irc.send("CAP END");
  irc.expect(":irc.test 433 * BOB :Nickname is already in use");
  irc.send("NICK carol");
  irc.expect(":irc.test 001 carol :Welcome to the chat IRC Network carol!carol@chat");
  irc.until(":irc.test 376 ");
  irc.send("PING :token");
  irc.expect(":irc.test PONG irc.test token");
}

TEST_CASE("irc: JOIN of two channels, each room hears only its own, PART leaves one", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args());
  TestClient a = join(server, {});
  a.send_line("/nick anna");
  a.expect_line("> You are now known as anna");
  a.send_line("/join #one");
  a.expect_line("> You are now in #one (1 user here)");
  TestClient b(server.port());  // anna is in #one: she hears nothing of it
  b.expect_line("> Connected to the chat server " + online(2));
  b.send_line("/nick ben");
  b.expect_line("> You are now known as ben");
  b.send_line("/join #two");
  b.expect_line("> You are now in #two (1 user here)");

  Irc irc(irc_port(server));
  irc.register_as("ira");
  irc.send("JOIN #one,#two");
  irc.expect(":ira!ira@chat JOIN #one");
  irc.until(":irc.test 366 ira #one ");
  irc.expect(":ira!ira@chat JOIN #two");
  irc.until(":irc.test 366 ira #two ");
  a.expect_line("> ira joined #one (2 users here)");
  b.expect_line("> ira joined #two (2 users here)");

  a.send_line("in one");
  irc.expect(":anna!anna@chat PRIVMSG #one :in one");
  b.send_line("in two");
  irc.expect(":ben!ben@chat PRIVMSG #two :in two");
  irc.send("PRIVMSG #two :to two");
  b.expect_line("[ira] to two");
  irc.send("PRIVMSG #one :to one");
  a.expect_line("[ira] to one");

  irc.send("PART #one");
  irc.expect(":ira!ira@chat PART #one");
  a.expect_line("< ira left #one (1 user here)");
  irc.send("PRIVMSG #one :gone");
  irc.expect(":irc.test 442 ira #one :You're not on that channel");
  b.send_line("still here");
  irc.expect(":ben!ben@chat PRIVMSG #two :still here");
}

TEST_CASE("irc: WHO lists a room's users with their USER, real name, away flag and @ for its creator", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args());
  Irc ann(irc_port(server));
  ann.register_as("ann");
  ann.send("JOIN #new");
  ann.until(":irc.test 366 ann #new ");
  TestClient bob(server.port());  // ann is in #new, not in the lobby
  bob.expect_line("> Connected to the chat server " + online(2));
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  bob.send_line("/join #new");
  bob.expect_line("> You are now in #new (2 users here)");
  ann.expect(":bob!bob@chat JOIN #new");
  ann.send("AWAY :lunch");
  ann.expect(":irc.test 306 ann :You have been marked as being away");
  ann.send("WHO #new");
  ann.expect(":irc.test 352 ann #new ann chat irc.test ann G@ :0 Real Name");
  ann.expect(":irc.test 352 ann #new bob chat irc.test bob H :0 bob");
  ann.expect(":irc.test 315 ann #new :End of WHO list");
  ann.send("WHO B*");
  ann.expect(":irc.test 352 ann * bob chat irc.test bob H :0 bob");
  ann.expect(":irc.test 315 ann B* :End of WHO list");
}

TEST_CASE("irc: WHOIS shows an IRC user's USER name and real name, a line user's nick for both", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args());
  Irc ann(irc_port(server));
  ann.send("NICK ann");
  ann.send("USER annuser 0 * :Ann Example");
  ann.until(":irc.test 376 ");
  TestClient bob(server.port());
  bob.expect_line("> Connected to the chat server " + online(2));
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  ann.send("WHOIS ann");
  ann.expect(":irc.test 311 ann ann annuser chat * :Ann Example");
  ann.until(":irc.test 318 ann ann ");
  ann.send("WHOIS bob");
  ann.expect(":irc.test 311 ann bob bob chat * bob");
}

TEST_CASE("irc: the line port's limits: the rate limit and the idle timeout end with their lines", "[irc]") {
  if (threads_engine()) return;
  ChatdProcess server(irc_args({"--rate-limit", "1:2", "--idle-timeout", "2"}));
  Irc irc(irc_port(server));
  irc.register_as("rita");
  std::string burst;
  for (int i = 0; i < 10; ++i) burst += "PING :p" + std::to_string(i) + "\r\n";
  irc.client.send_raw(burst);
  const std::string notice = irc.until(":irc.test NOTICE rita :slow down: ");
  CHECK(notice.find("messages dropped") != std::string::npos);
  irc.until("ERROR :Closing link: idle for 2 s");
  CHECK(irc.client.wait_closed());
}

TEST_CASE("irc: --engine threads refuses --irc-port with one line", "[irc]") {
  if (!threads_engine()) return;
  const RunResult r = run_program(CHATD_PATH, {"--engine", "threads", "--irc-port", "0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--irc-port needs a reactor engine, not --engine threads") != std::string::npos);
}
