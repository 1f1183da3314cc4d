// --store: history and rooms survive a restart (SIGTERM and SIGKILL),
// --export-history prints a room, and a store that cannot be used is one
// line and exit 1.
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "chat_fixtures.h"

using namespace chat::test;

namespace {

// A fresh directory for one test's database, removed afterwards.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chatd-store-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  [[nodiscard]] std::string db() const { return (path / "history.db").string(); }
};

// The stored lines of `room` without their "HH:MM " prefix, read by a
// second chatd while the first may still be running (WAL allows it).
std::vector<std::string> exported(const std::string& db, const std::string& room) {
  const RunResult r = run_program(CHATD_PATH, {"--store", db, "--export-history", room});
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < r.out.size()) {
    const std::size_t end = r.out.find('\n', at);
    REQUIRE(end != std::string::npos);
    const std::string line = r.out.substr(at, end - at);
    REQUIRE(line.size() > 6);
    CHECK(line[2] == ':');
    CHECK(line[5] == ' ');
    lines.push_back(line.substr(6));
    at = end + 1;
  }
  return lines;
}

// Waits (bounded) until the store holds `count` lines of `room`.
bool await_stored(const std::string& db, const std::string& room, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exported(db, room).size() >= count) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// Two users say two lines in #side; returns the lines as sent.
std::vector<std::string> talk_in_side(const ChatdProcess& server) {
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("/nick ann");
  a.expect_line("> You are now known as ann");
  b.expect_line("> " + a.address_name() + " is now known as ann");
  a.send_line("/join #Side");
  a.expect_line("> You are now in #Side (1 user here)");
  b.expect_line("< ann left for #Side (1 user here)");
  b.send_line("/join #side");
  b.expect_line("> You are now in #Side (2 users here)");
  a.expect_line("> " + b.address_name() + " joined #Side (2 users here)");
  a.send_line("kept one");
  b.expect_line("[ann] kept one");
  a.send_line("/me kept two");
  b.expect_line("* ann kept two");
  return {"[ann] kept one", "* ann kept two"};
}

// A newcomer after the restart: #Side still exists (listed with 0 users)
// and replays its lines.
void expect_replayed(const ChatdProcess& server, const std::vector<std::string>& lines) {
  TestClient c(server.port());
  c.expect_line("> Connected to the chat server (1 user online)");
  c.send_line("/rooms");
  c.expect_line("> Rooms (2): #lobby (1), #Side (0)");
  c.send_line("/join #SIDE");
  c.expect_line("> You are now in #Side (1 user here)");
  c.expect_line("> Recent messages (" + std::to_string(lines.size()) + "):");
  for (const std::string& line : lines) {
    const auto got = c.read_line();
    REQUIRE(got);
    CHECK(got->substr(6) == line);
  }
  c.expect_line("> End of recent messages");
}

}  // namespace

TEST_CASE("history and rooms survive a SIGTERM restart with --store", "[store]") {
  TempDir dir;
  std::vector<std::string> said;
  {
    ChatdProcess server({"--store", dir.db()});
    said = talk_in_side(server);
    server.signal(SIGTERM);
    REQUIRE(server.wait_exit() == 0);
  }
  CHECK(exported(dir.db(), "#side") == said);
  ChatdProcess again({"--store", dir.db()});
  expect_replayed(again, said);
}

TEST_CASE("every committed line survives a SIGKILL with --store", "[store]") {
  TempDir dir;
  std::vector<std::string> said;
  {
    ChatdProcess server({"--store", dir.db()});
    said = talk_in_side(server);
    // What the writer has committed survives the kill; wait for that.
    REQUIRE(await_stored(dir.db(), "#side", said.size()));
    server.signal(SIGKILL);
    REQUIRE(server.wait_exit() == 128 + SIGKILL);
  }
  ChatdProcess again({"--store", dir.db()});
  expect_replayed(again, said);
}

TEST_CASE("a store that cannot be opened is one line and exit 1", "[store]") {
  TempDir dir;
  const std::string engine = engine_under_test();
  RunResult r = run_program(CHATD_PATH, {"--port", "0", "--engine", engine, "--store",
                                         (dir.path / "missing" / "x.db").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());  // nothing started
  CHECK(r.err.starts_with("chatd: cannot open the store "));
  CHECK(r.err.find('\n') == r.err.size() - 1);

  const std::string not_a_db = (dir.path / "junk.db").string();
  std::ofstream(not_a_db) << std::string(4096, 'x');
  r = run_program(CHATD_PATH, {"--port", "0", "--engine", engine, "--store", not_a_db});
  CHECK(r.exit_code == 1);
  CHECK(r.err.starts_with("chatd: cannot read the store "));
  CHECK(r.err.find('\n') == r.err.size() - 1);
}

TEST_CASE("a store that fails while running is logged once and history stays in memory", "[store]") {
  TempDir dir;
  {
    // The database made first, with no limit; chatd then opens it without
    // writing, so only the writer's lines meet the limit below.
    ChatdProcess first({"--store", dir.db()});
    first.signal(SIGTERM);
    REQUIRE(first.wait_exit() == 0);
  }
  // 64 KiB: the -shm index (32 KiB) fits, one WAL frame (a 64 KiB page and
  // its header) does not, so every batch fails (EFBIG, as a full disk would
  // fail with ENOSPC) and chatd must not die of SIGXFSZ.
  ChatdLaunch launch;
  launch.file_size_limit = 64 * 1024;
  ChatdProcess server("127.0.0.1", 0, {"--store", dir.db(), "--rate-limit", "0"}, launch);
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  a.send_line("/nick ann");
  a.expect_line("> You are now known as ann");
  b.expect_line("> " + a.address_name() + " is now known as ann");
  std::vector<std::string> said;
  auto say = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      a.send_line("line " + std::to_string(i));
      said.push_back("[ann] line " + std::to_string(i));
      b.expect_line(said.back());
    }
  };
  say(0, 20);
  REQUIRE(server.wait_stderr("chatd: cannot write history to the store (serving from memory): ", 10s));
  say(20, 40);  // more failing batches, which must not be logged again

  // A newcomer gets every line, those said after the failure too.
  TestClient c(server.port());
  c.expect_line("> Connected to the chat server " + online(3));
  c.expect_line("> Recent messages (40):");
  for (const std::string& line : said) {
    const auto got = c.read_line();
    REQUIRE(got);
    CHECK(got->substr(6) == line);
  }
  c.expect_line("> End of recent messages");
  a.expect_line("> New user " + c.address_name() + " entered " + online(3));
  c.send_line("still here");
  a.expect_line("[" + c.address_name() + "] still here");

  // SIGTERM writes (and fails) what is still queued, so stderr is complete.
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit() == 0);
  const std::string err = server.stderr_text();
  std::size_t reports = 0;
  for (std::size_t at = 0; (at = err.find("cannot write history to the store", at)) != std::string::npos; ++at) {
    ++reports;
  }
  CHECK(reports == 1);
  CHECK(err.find("accepts history again") == std::string::npos);
}

// Issue 18, item 4: rooms made only to be stored (one line each, then left)
// used to fill --max-rooms for good, a restart included.
TEST_CASE("with --store, rooms kept for their history give way to a newcomer's room, before and after a restart",
          "[store][rooms]") {
  TempDir dir;
  const std::vector<std::string> flags = {"--store", dir.db(), "--max-rooms", "6", "--rate-limit", "0"};
  {
    ChatdProcess server(flags);
    {
      TestClient a = join(server, {});
      TestClient b = join(server, {&a});
      for (int i = 0; i < 5; ++i) {  // #lobby and five rooms: the cap
        const std::string room = "#spam" + std::to_string(i);
        a.send_line("/join " + room);
        a.expect_line("> You are now in " + room + " (1 user here)");
        b.send_line("/join " + room);
        for (;;) {  // skip the leave line of `a` from the previous room
          const auto line = b.read_line();
          REQUIRE(line);
          if (*line == "> You are now in " + room + " (2 users here)") break;
        }
        a.expect_line("> " + b.address_name() + " joined " + room + " (2 users here)");
        a.send_line("kept " + room);
        b.expect_line("[" + a.address_name() + "] kept " + room);
      }
      a.send_line("/quit");
      b.send_line("/quit");
      REQUIRE(a.wait_closed());
      REQUIRE(b.wait_closed());
    }
    REQUIRE(await_stored(dir.db(), "#spam4", 1));
    TestClient newcomer(server.port());
    newcomer.expect_line("> Connected to the chat server (1 user online)");
    newcomer.send_line("/join #mine");
    newcomer.expect_line("> You are now in #mine (1 user here)");  // before: "! too many rooms"
    server.signal(SIGTERM);
    REQUIRE(server.wait_exit() == 0);
  }
  ChatdProcess again(flags);
  TestClient newcomer(again.port());
  newcomer.expect_line("> Connected to the chat server (1 user online)");
  newcomer.send_line("/join #fresh");
  newcomer.expect_line("> You are now in #fresh (1 user here)");  // before: "! too many rooms"
  // Still --max-rooms rooms: the idlest stored room gave its place.
  newcomer.send_line("/rooms");
  const auto rooms = newcomer.read_line();
  REQUIRE(rooms);
  CHECK(rooms->starts_with("> Rooms (6): #fresh (1), #lobby (0), #spam"));
}
