// What a newcomer expects (issue 24): IRC's words (/join without "#",
// /part, /list, /names, /whois), every line kept with --store, and chatd's
// log naming rooms and times.
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <regex>
#include <string>
#include <vector>

#include "chat_fixtures.h"
#include "moderation_helpers.h"

using namespace chat::test;

TEST_CASE("IRC habits: /join without # and /part back to the default room", "[newcomer][irc]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});

  alice.send_line("/join ops");
  alice.expect_line("> You are now in #ops (1 user here)");
  bob.expect_line("< " + alice.address_name() + " left for #ops (1 user here)");
  bob.send_line("/JOIN Ops");  // the same room, as #Ops would be
  bob.expect_line("> You are now in #ops (2 users here)");
  alice.expect_line("> " + bob.address_name() + " joined #ops (2 users here)");

  alice.send_line("/part");
  alice.expect_line("> You are now in #lobby (1 user here)");
  bob.expect_line("< " + alice.address_name() + " left for #lobby (1 user here)");
  alice.send_line("/part");  // already there: just the confirmation
  alice.expect_line("> You are now in #lobby (1 user here)");
  alice.send_line("/join bad/name");
  alice.expect_line("! invalid room name: #bad/name");
}

TEST_CASE("IRC habits: /list and /names answer like /rooms and /who", "[newcomer][irc]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("/list");
  alice.expect_line("> Rooms (1): #lobby (2)");
  alice.send_line("/names");
  alice.expect_line("> Online (2): " + alice.address_name() + ", " + bob.address_name());
  bob.send_line("/join #dev");
  bob.expect_line("> You are now in #dev (1 user here)");
  alice.expect_line("< " + bob.address_name() + " left for #dev (1 user here)");
  bob.send_line("/names");
  bob.expect_line("> In #dev (1): " + bob.address_name());
  bob.send_line("/names *");
  bob.expect_line("> Online (2): " + alice.address_name() + ", " + bob.address_name());
}

TEST_CASE("IRC habits: /whois says where a user is, since when and idle how long", "[newcomer][irc]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> " + bob.address_name() + " is now known as bob");
  bob.send_line("/join dev");
  bob.expect_line("> You are now in #dev (1 user here)");
  alice.expect_line("< bob left for #dev (1 user here)");

  alice.send_line("/whois BOB");
  const auto got = alice.read_line();
  REQUIRE(got);
  INFO(*got);
  CHECK(std::regex_match(*got, std::regex(R"(> bob is in #dev, connected since \d{4}-\d\d-\d\d \d\d:\d\d UTC, idle \d+ s)")));
  alice.send_line("/whois " + alice.address_name());
  const auto self = alice.read_line();
  REQUIRE(self);
  CHECK(self->starts_with("> " + alice.address_name() + " is in #lobby, connected since "));
  alice.send_line("/whois nobody");
  alice.expect_line("! no such user: nobody");
  alice.send_line("/whois");
  alice.expect_line("! usage: /whois NAME");
}

TEST_CASE("/help lists IRC's words", "[newcomer][irc]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  alice.send_line("/help");
  alice.expect_line("> Commands:");
  alice.expect_line(">   /nick NAME       change your nickname");
  alice.expect_line(">   /who             list who is in your room (/who * for everyone)");
  alice.expect_line(">   /join #ROOM      move to another room (created if needed; the # may be left out)");
  alice.expect_line(">   /part            go back to the default room");
  alice.expect_line(">   /rooms, /list    list the rooms");
  alice.expect_line(">   /names           the same as /who");
  alice.expect_line(">   /whois NAME      where NAME is, since when, idle how long");
}

namespace {

using TempDir = StoreDir;

// Alice, alone in #notes, leaves a note there; then Bob joins #notes.
// Returns Bob's line after "> You are now in #notes (2 users here)".
std::string note_then_join(const ChatdProcess& server) {
  TestClient bob = join(server, {});
  TestClient alice = join(server, {&bob});
  alice.send_line("/nick alice");
  alice.expect_line("> You are now known as alice");
  bob.expect_line("> " + alice.address_name() + " is now known as alice");
  alice.send_line("/join #notes");
  alice.expect_line("> You are now in #notes (1 user here)");
  bob.expect_line("< alice left for #notes (1 user here)");
  alice.send_line("deploy at 9, keys in the vault");
  alice.send_line("/join #notes");  // a barrier: the note was handled
  alice.expect_line("> You are now in #notes (1 user here)");
  bob.send_line("/join #notes");
  bob.expect_line("> You are now in #notes (2 users here)");
  bob.send_line("/rooms");  // the next line: history, or this reply
  const auto got = bob.read_line();
  REQUIRE(got);
  return *got;
}

}  // namespace

TEST_CASE("with --store a line said alone in a room is kept for the next one in", "[newcomer][store]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  const std::string first = note_then_join(server);
  CHECK(first == "> Recent messages (1):");
}

TEST_CASE("without --store a line said alone is heard by nobody, as in the classic server", "[newcomer][store]") {
  ChatdProcess server;
  CHECK(note_then_join(server).starts_with("> Rooms ("));
}

TEST_CASE("chatd's log names the room of a line said outside the default room", "[newcomer][log]") {
  ChatdProcess server;
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("in the lobby");
  bob.expect_line("[" + alice.address_name() + "] in the lobby");
  alice.send_line("/join dev");
  alice.expect_line("> You are now in #dev (1 user here)");
  bob.expect_line("< " + alice.address_name() + " left for #dev (1 user here)");
  bob.send_line("/join #dev");
  bob.expect_line("> You are now in #dev (2 users here)");
  alice.expect_line("> " + bob.address_name() + " joined #dev (2 users here)");
  alice.send_line("/me builds");
  bob.expect_line("* " + alice.address_name() + " builds");
  alice.send_line("in dev");
  bob.expect_line("[" + alice.address_name() + "] in dev");
  REQUIRE(server.wait_stdout("#dev [" + alice.address_name() + "] in dev\n"));
  const std::string log = server.stdout_text();
  CHECK(log.find("\n[" + alice.address_name() + "] in the lobby\n") != std::string::npos);
  CHECK(log.find("\n#dev * " + alice.address_name() + " builds\n") != std::string::npos);
}

TEST_CASE("chatd --log-time starts every stdout log line with its RFC 3339 time", "[newcomer][log]") {
  ChatdProcess server({"--log-time"});
  {
    TestClient alice = join(server, {});
    TestClient bob = join(server, {&alice});
    alice.send_line("hello");
    bob.expect_line("[" + alice.address_name() + "] hello");
  }
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit() == 0);
  const std::string log = server.stdout_text();
  const std::regex stamped(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (.*))");
  std::size_t lines = 0;
  std::size_t at = 0;
  std::vector<std::string> rest;
  for (std::size_t end; (end = log.find('\n', at)) != std::string::npos; at = end + 1) {
    const std::string line = log.substr(at, end - at);
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, stamped));
    rest.push_back(m[1]);
    ++lines;
  }
  REQUIRE(lines >= 5);
  CHECK(rest.front().starts_with("Chat Server started on port "));
  CHECK(rest[1].starts_with("> New user 127.0.0.1:"));
  CHECK(std::count_if(rest.begin(), rest.end(), [](const std::string& l) { return l.ends_with("] hello"); }) == 1);
  CHECK(rest.back() == "exit");
}

TEST_CASE("chatd --guest-names shows guest-N for users without a nickname and logs their address", "[newcomer][guests]") {
  ChatdProcess server({"--guest-names"});
  TestClient alice(server.port());
  alice.expect_line("> Connected to the chat server (1 user online)");
  TestClient bob(server.port());
  bob.expect_line("> Connected to the chat server (2 users online)");
  alice.expect_line("> New user guest-2 entered (2 users online)");
  alice.send_line("hi");
  bob.expect_line("[guest-1] hi");
  bob.send_line("/who");
  bob.expect_line("> Online (2): guest-1, guest-2");
  bob.send_line("/msg guest-1 psst");
  bob.expect_line("[You -> guest-1] psst");
  alice.expect_line("[guest-2 -> you] psst");
  // Only chatd hands out guest names, and look-alikes of them are taken.
  bob.send_line("/nick guest-7");
  bob.expect_line("! invalid nickname: guest-7 (reserved)");
  bob.send_line("/nick GUEST-1");
  bob.expect_line("! invalid nickname: GUEST-1 (reserved)");
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> guest-2 is now known as bob");
  {
    // guest-2 is free again: the smallest number free is given.
    TestClient carol(server.port());
    carol.expect_line("> Connected to the chat server (3 users online)");
    alice.expect_line("> New user guest-2 entered (3 users online)");
    bob.expect_line("> New user guest-2 entered (3 users online)");
  }
  alice.expect_line("< The user guest-2 left (2 users online)");
  // Nobody sees an address; the log has each one, with its guest name.
  REQUIRE(server.wait_stdout("< The user guest-2 left (2 users online)\n"));
  const std::string log = server.stdout_text();
  CHECK(log.find("> New user " + alice.address_name() + " entered as guest-1 (1 user online)\n") != std::string::npos);
  CHECK(log.find("> New user " + bob.address_name() + " entered as guest-2 (2 users online)\n") != std::string::npos);
  CHECK(log.find("[guest-1] hi\n") != std::string::npos);
}

namespace {

// The stored lines of `room` (an export's count), read by a second chatd.
std::size_t stored_lines(const std::string& db, const std::string& room) {
  const RunResult r = run_program(CHATD_PATH, {"--store", db, "--export-history", room});
  if (r.exit_code != 0) return 0;
  return static_cast<std::size_t>(std::count(r.out.begin(), r.out.end(), '\n'));
}

// Reads a replay's framing and lines; returns the lines without their time.
std::vector<std::string> read_page(TestClient& c, std::size_t count) {
  c.expect_line("> Recent messages (" + std::to_string(count) + "):");
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i) {
    const auto got = c.read_line();
    REQUIRE(got);
    REQUIRE(got->size() > 6);
    lines.push_back(got->substr(6));
  }
  c.expect_line("> End of recent messages");
  return lines;
}

std::vector<std::string> said_lines(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back("[ann] line " + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("/history pages back through the room's older lines, from memory then the store", "[newcomer][history]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db(), "--history", "3", "--rate-limit", "0"});
  TestClient ann = join(server, {});
  ann.send_line("/nick ann");
  ann.expect_line("> You are now known as ann");
  for (int i = 1; i <= 10; ++i) ann.send_line("line " + std::to_string(i));  // alone: kept with --store
  ann.send_line("/nick ann");  // a barrier
  ann.expect_line("> You are now known as ann");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (stored_lines(dir.db(), "#lobby") < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE(stored_lines(dir.db(), "#lobby") == 10);

  TestClient bob(server.port());
  bob.expect_line("> Connected to the chat server (2 users online)");
  CHECK(read_page(bob, 3) == said_lines(8, 10));  // the replay: --history 3
  ann.expect_line("> New user " + bob.address_name() + " entered (2 users online)");
  ann.send_line("said since");  // newer lines do not shift the pages
  bob.expect_line("[ann] said since");

  bob.send_line("/history 4");
  CHECK(read_page(bob, 4) == said_lines(4, 7));  // from the store
  bob.send_line("/HISTORY");
  CHECK(read_page(bob, 3) == said_lines(1, 3));
  bob.send_line("/history");
  bob.expect_line("> No older messages in #lobby");
  bob.send_line("/history many");
  bob.expect_line("! usage: /history [N]");
  bob.send_line("/history 0");
  bob.expect_line("! usage: /history [N]");
}

TEST_CASE("/history without --store pages back through the room's memory", "[newcomer][history]") {
  // Lines of ~1,000 bytes: the 8 KiB replay holds the newest 7 of 12.
  ChatdProcess server({"--rate-limit", "0"});
  TestClient ann = join(server, {});
  TestClient bob = join(server, {&ann});
  ann.send_line("/nick ann");
  ann.expect_line("> You are now known as ann");
  bob.expect_line("> " + ann.address_name() + " is now known as ann");
  const std::string pad(1000, 'x');
  std::vector<std::string> said;
  for (int i = 1; i <= 12; ++i) {
    ann.send_line("line " + std::to_string(i) + " " + pad);
    said.push_back("[ann] line " + std::to_string(i) + " " + pad);
    bob.expect_line(said.back());
  }
  TestClient carol(server.port());
  carol.expect_line("> Connected to the chat server (3 users online)");
  const std::vector<std::string> replay = read_page(carol, 7);
  CHECK(replay == std::vector<std::string>(said.begin() + 5, said.end()));
  carol.send_line("/history 2");
  CHECK(read_page(carol, 2) == std::vector<std::string>(said.begin() + 3, said.begin() + 5));
  carol.send_line("/history 500");
  CHECK(read_page(carol, 3) == std::vector<std::string>(said.begin(), said.begin() + 3));
  carol.send_line("/history");
  carol.expect_line("> No older messages in #lobby");
}

TEST_CASE("chatd --guest-names shows a guest's address to an admin's /whois only", "[newcomer][guests][moderation]") {
  StoreDir dir;
  ChatdProcess server({"--guest-names", "--store", dir.db(), "--admin", "root"});
  TestClient root = moderation_user(server.port(), "root", true);
  TestClient guest(server.port());
  guest.expect_line("> Connected to the chat server (2 users online)");
  await_line(root, "> New user guest-1 entered (2 users online)");
  root.send_line("/whois guest-1");
  const auto whois = root.read_line();
  REQUIRE(whois);
  CHECK(whois->starts_with("> guest-1 is in #lobby, connected since "));
  root.expect_line("> guest-1 connects from " + guest.address_name());
  // Anyone else, a guest or a user who is not an admin, gets no address.
  TestClient other = moderation_user(server.port(), "plain", true);
  other.send_line("/whois guest-1");
  const auto plain = other.read_line();
  REQUIRE(plain);
  CHECK(plain->starts_with("> guest-1 is in #lobby, connected since "));
  other.send_line("/whois plain");
  const auto next = other.read_line();
  REQUIRE(next);
  CHECK(next->starts_with("> plain is in #lobby, connected since "));
}
