// --store: history and rooms survive a restart (SIGTERM and SIGKILL),
// --export-history prints a room, and a store that cannot be used is one
// line and exit 1. The store's bounds (docs/SECURITY.md, "History store"):
// a damaged or shared file is refused, each room keeps --history lines on
// disk, an outage is retried without losing lines, files are 0600, and
// --export-history never creates a store.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "chat_fixtures.h"
#include "store_dir.h"

using namespace chat::test;

namespace {

using TempDir = StoreDir;

// The stored lines of `room` without their "HH:MM " prefix, read by a
// second chatd while the first may still be running (WAL allows it). None
// while the room has no line stored yet (then export says so and exits 1).
std::vector<std::string> exported(const std::string& db, const std::string& room) {
  // 60 s: one test exports 68 lines of 1 MB, slow under a sanitizer on a
  // loaded machine (10 s, the default, timed out there).
  const RunResult r = run_program(CHATD_PATH, {"--store", db, "--export-history", room}, {}, 60s);
  if (r.exit_code == 1 && r.err == "chatd: no history for " + room + " in " + db + "\n") return {};
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

namespace {

// A connection of the test's own to a store chatd has open, closed at
// scope exit. Never waits for a lock (busy_timeout 0).
struct SqliteDb {
  sqlite3* db = nullptr;
  SqliteDb(const std::string& path, int flags) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, flags, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db, 0);
  }
  ~SqliteDb() { sqlite3_close_v2(db); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  bool exec(const char* sql) const { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
};

// The rows and lines (entries "SECONDS LINE\n") `room` has on disk,
// read as any other program would, read-only, while chatd runs.
struct OnDisk {
  std::size_t rows = 0, lines = 0;
};
OnDisk on_disk(const std::string& db, const std::string& room) {
  SqliteDb reader(db, SQLITE_OPEN_READONLY);
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(reader.db, "SELECT lines FROM chunks WHERE room = ?1", -1, &raw, nullptr) ==
          SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> s(raw, sqlite3_finalize);
  sqlite3_bind_text(s.get(), 1, room.c_str(), -1, SQLITE_TRANSIENT);
  OnDisk found;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    ++found.rows;
    found.lines += static_cast<std::size_t>(std::count(text, text + sqlite3_column_bytes(s.get(), 0), '\n'));
  }
  REQUIRE(rc == SQLITE_DONE);
  return found;
}

// Waits (bounded) until the store's newest line of `room` is `line`.
bool await_newest(const std::string& db, const std::string& room, const std::string& line) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto lines = exported(db, room);
    if (!lines.empty() && lines.back() == line) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// ann and a second user in #lobby; ann's lines reach the other one (so
// they are history).
struct Lobby {
  TestClient a, b;
  explicit Lobby(const ChatdProcess& server) : a(join(server, {})), b(join(server, {&a})) {
    a.send_line("/nick ann");
    a.expect_line("> You are now known as ann");
    b.expect_line("> " + a.address_name() + " is now known as ann");
  }
  // Says "line FROM" .. "line TO-1"; returns them as heard.
  std::vector<std::string> say(int from, int to) {
    std::vector<std::string> said;
    for (int i = from; i < to; ++i) {
      a.send_line("line " + std::to_string(i));
      said.push_back("[ann] line " + std::to_string(i));
      b.expect_line(said.back());
    }
    return said;
  }
};

// A newcomer to #lobby is replayed exactly `lines`.
void expect_lobby_replay(const ChatdProcess& server, const std::vector<std::string>& lines) {
  TestClient c(server.port());
  c.expect_line("> Connected to the chat server (1 user online)");
  c.expect_line("> Recent messages (" + std::to_string(lines.size()) + "):");
  for (const std::string& line : lines) {
    const auto got = c.read_line();
    REQUIRE(got);
    CHECK(got->substr(6) == line);
  }
  c.expect_line("> End of recent messages");
}

std::string stderr_line(const std::string& text) { return "chatd: " + text + "\n"; }

}  // namespace

TEST_CASE("a damaged store is one line and exit 1", "[store]") {
  TempDir dir;
  {
    ChatdProcess first({"--store", dir.db()});
    talk_in_side(first);
    first.signal(SIGTERM);
    REQUIRE(first.wait_exit() == 0);
  }
  // Page 2 (the chunks table's root) overwritten with junk. The page size
  // is in the header (bytes 16-17, big-endian; 1 means 65536).
  {
    std::fstream file(dir.db(), std::ios::in | std::ios::out | std::ios::binary);
    unsigned char header[18] = {};
    file.read(reinterpret_cast<char*>(header), sizeof header);
    REQUIRE(file);
    std::size_t page = (std::size_t{header[16]} << 8) | header[17];
    if (page == 1) page = 65536;
    file.seekp(static_cast<std::streamoff>(page));
    const std::string junk(4096, '\x55');
    file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    REQUIRE(file);
  }
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = run_program(CHATD_PATH, {"--port", "0", "--engine", engine_under_test(), "--store", dir.db()},
                                  {}, 1500ms);
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());  // nothing started
  const std::string prefix = "chatd: --store " + dir.db() + ": damaged: ";
  CHECK(r.err.starts_with(prefix));
  CHECK(r.err.size() > prefix.size() + 1);
  CHECK(r.err.find('\n') == r.err.size() - 1);

  // --export-history checks it too.
  const RunResult e = run_program(CHATD_PATH, {"--store", dir.db(), "--export-history", "#side"});
  CHECK(e.exit_code == 1);
  CHECK(e.out.empty());
  CHECK(e.err.starts_with(prefix));
}

TEST_CASE("a store another chatd has open is refused", "[store]") {
  TempDir dir;
  std::vector<std::string> said;
  {
    ChatdProcess first({"--store", dir.db()});
    const RunResult second =
        run_program(CHATD_PATH, {"--port", "0", "--engine", engine_under_test(), "--store", dir.db()});
    CHECK(second.exit_code == 1);
    CHECK(second.out.empty());
    CHECK(second.err == stderr_line("--store " + dir.db() + " is in use by another chatd"));
    // The first one is unaffected, and --export-history still reads.
    said = talk_in_side(first);
    REQUIRE(await_stored(dir.db(), "#side", said.size()));
    first.signal(SIGKILL);  // the kernel drops the lock however chatd ends
    REQUIRE(first.wait_exit() == 128 + SIGKILL);
  }
  ChatdProcess again({"--store", dir.db()});
  expect_replayed(again, said);  // once, not twice
}

TEST_CASE("the store keeps the newest --store-lines lines of each room on disk", "[store]") {
  TempDir dir;
  std::vector<std::string> said;
  {
    ChatdProcess server({"--store", dir.db(), "--history", "5", "--store-lines", "5", "--rate-limit", "0"});
    Lobby lobby(server);
    for (int i = 0; i < 10; ++i) {
      // Ten rounds of 20 lines: each awaited on disk, so pruning runs over
      // many batches, not once.
      const auto round = lobby.say(i * 20, i * 20 + 20);
      said.insert(said.end(), round.begin(), round.end());
      REQUIRE(await_newest(dir.db(), "#lobby", said.back()));
      const OnDisk stored = on_disk(dir.db(), "#lobby");
      CHECK(stored.lines == 5);
      CHECK(stored.rows <= 5);
    }
    CHECK(exported(dir.db(), "#lobby") == std::vector<std::string>(said.end() - 5, said.end()));
    server.signal(SIGTERM);
    REQUIRE(server.wait_exit() == 0);
  }
  // A smaller --store-lines (with --history no bigger) cuts the store at start.
  ChatdProcess again({"--store", dir.db(), "--history", "3", "--store-lines", "3"});
  CHECK(on_disk(dir.db(), "#lobby").lines == 3);
  const std::vector<std::string> newest(said.end() - 3, said.end());
  CHECK(exported(dir.db(), "#lobby") == newest);
  expect_lobby_replay(again, newest);
}

TEST_CASE("a locked store is retried until every line is written", "[store]") {
  TempDir dir;
  std::vector<std::string> said;
  {
    ChatdProcess server({"--store", dir.db(), "--rate-limit", "0"});
    Lobby lobby(server);
    said = lobby.say(0, 1);
    REQUIRE(await_stored(dir.db(), "#lobby", 1));
    {
      // Another process holds the write lock: every batch fails.
      SqliteDb holder(dir.db(), SQLITE_OPEN_READWRITE);
      REQUIRE(holder.exec("BEGIN EXCLUSIVE"));
      const auto more = lobby.say(1, 21);
      said.insert(said.end(), more.begin(), more.end());
      REQUIRE(server.wait_stderr("chatd: cannot write history to the store (serving from memory): ", 10s));
      REQUIRE(server.wait_stderr("chatd: --store " + dir.db() + ": writes failing (", 15s));
      CHECK(server.stderr_text().find("); 20 lines waiting\n") != std::string::npos);
      // Users keep chatting meanwhile.
      const auto during = lobby.say(21, 25);
      said.insert(said.end(), during.begin(), during.end());
      REQUIRE(holder.exec("ROLLBACK"));
    }
    REQUIRE(server.wait_stderr("chatd: the store accepts history again\n", 10s));
    REQUIRE(await_stored(dir.db(), "#lobby", said.size()));
    server.signal(SIGTERM);
    REQUIRE(server.wait_exit() == 0);
    CHECK(server.stderr_text().find("not written at exit") == std::string::npos);
    CHECK(server.stderr_text().find("not stored") == std::string::npos);
  }
  CHECK(exported(dir.db(), "#lobby") == said);
  ChatdProcess again({"--store", dir.db()});
  expect_lobby_replay(again, said);
}

TEST_CASE("SIGTERM with the store locked exits within 3 s and counts the lines not written", "[store]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db(), "--rate-limit", "0"});
  Lobby lobby(server);
  lobby.say(0, 1);
  REQUIRE(await_stored(dir.db(), "#lobby", 1));
  SqliteDb holder(dir.db(), SQLITE_OPEN_READWRITE);
  REQUIRE(holder.exec("BEGIN EXCLUSIVE"));
  lobby.say(1, 21);
  REQUIRE(server.wait_stderr("chatd: cannot write history to the store (serving from memory): ", 10s));
  const auto start = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  const auto status = server.wait_exit(3s);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(status == 0);
  CHECK(took < 3s);
  CHECK(server.stderr_text().find(stderr_line("--store " + dir.db() +
                                              ": 20 history lines not written at exit (database is locked)")) !=
        std::string::npos);
  REQUIRE(holder.exec("ROLLBACK"));
}

// A frozen disk (fsfreeze) blocks the writer inside a write that does not
// return, rather than failing it. The store's test seam stands in for it:
// while CHATD_TEST_STORE_STALL's file exists, every write waits before it
// starts. bench/store_freeze.py measures the real thing (root only).
namespace {

// The history writer processes (`chatd --history-writer PID`) of chatd `pid`
// still alive (not zombies).
std::vector<pid_t> writer_processes_of(pid_t pid) {
  std::vector<pid_t> found;
  const std::string wanted = std::string("--history-writer") + '\0' + std::to_string(pid) + '\0';
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream cmdline(entry.path() / "cmdline");
    const std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (text.find(wanted) == std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    const std::string status((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto paren = status.rfind(')');
    if (paren == std::string::npos || status.size() <= paren + 2 || status[paren + 2] == 'Z') continue;
    found.push_back(static_cast<pid_t>(std::stol(entry.path().filename().string())));
  }
  return found;
}

}  // namespace

TEST_CASE("a store write that does not return is said as stalled within 15 s and SIGTERM exits within 3 s", "[store]") {
  TempDir dir;
  const std::string stall = (dir.path / "stall").string();
  ChatdLaunch launch;
  launch.wrapper = {"/usr/bin/env", "CHATD_TEST_STORE_STALL=" + stall};
  ChatdProcess server("127.0.0.1", 0, {"--store", dir.db(), "--rate-limit", "0"}, launch);
  Lobby lobby(server);
  const std::vector<std::string> stored = lobby.say(0, 1);
  REQUIRE(await_stored(dir.db(), "#lobby", 1));
  CHECK(writer_processes_of(server.pid()).size() == 1);
  { std::ofstream touch(stall); }
  const auto stalled_at = std::chrono::steady_clock::now();
  lobby.say(1, 21);
  const std::string prefix = "chatd: --store " + dir.db() + ": ";
  REQUIRE(server.wait_stderr(prefix + "stalled: a write has not returned for ", 15s));
  CHECK(std::chrono::steady_clock::now() - stalled_at < 15s);
  CHECK(server.stderr_text().find(" s (20 lines waiting)\n") != std::string::npos);
  // Users keep chatting meanwhile.
  lobby.say(21, 25);
  CHECK(server.stderr_text().find("not stored") == std::string::npos);

  // SIGTERM cannot cut a write in the kernel short, but it is not chatd's
  // own: chatd kills the writer process (its transaction rolls back),
  // counts what is not written, and exits within 3 s.
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = server.pid();
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit(3s) == 0);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  CHECK(server.stderr_text().find(prefix + "24 history lines not written at exit (a write did not return)\n") !=
        std::string::npos);
  CHECK(writer_processes_of(pid).empty());
  std::filesystem::remove(stall);
  // What was committed before the stall is all there, nothing twice.
  CHECK(exported(dir.db(), "#lobby") == stored);
  ChatdProcess again({"--store", dir.db()});
  expect_lobby_replay(again, stored);
}

// The writer process is chatd's to restart: killed from outside, the lines
// of its batch are retried by a new one and nothing is lost.
TEST_CASE("a history writer process that dies is started again and loses nothing", "[store]") {
  TempDir dir;
  ChatdProcess server("127.0.0.1", 0, {"--store", dir.db(), "--rate-limit", "0"});
  Lobby lobby(server);
  std::vector<std::string> said = lobby.say(0, 3);
  REQUIRE(await_stored(dir.db(), "#lobby", 3));
  const auto writers = writer_processes_of(server.pid());
  REQUIRE(writers.size() == 1);
  const pid_t writer = writers.front();
  REQUIRE(writer > 0);
  REQUIRE(::kill(writer, SIGKILL) == 0);
  const auto more = lobby.say(3, 8);
  said.insert(said.end(), more.begin(), more.end());
  REQUIRE(await_stored(dir.db(), "#lobby", said.size()));
  CHECK(exported(dir.db(), "#lobby") == said);
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit(5s) == 0);
  CHECK(server.stderr_text().find("not written at exit") == std::string::npos);
}

TEST_CASE("the store's files are created 0600", "[store]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  const auto said = talk_in_side(server);
  REQUIRE(await_stored(dir.db(), "#side", said.size()));
  // While chatd runs the -wal and -shm files exist too.
  for (const std::string suffix : {"", "-wal", "-shm", ".lock"}) {
    struct stat info {};
    INFO(dir.db() + suffix);
    REQUIRE(::stat((dir.db() + suffix).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
}

TEST_CASE("an export neither creates a store nor prints an unknown room", "[store]") {
  TempDir dir;
  RunResult r = run_program(CHATD_PATH, {"--store", dir.db(), "--export-history", "#release"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == stderr_line("no such store: " + dir.db()));
  CHECK(std::filesystem::is_empty(dir.path));  // nothing created

  {
    ChatdProcess server({"--store", dir.db()});
    const auto said = talk_in_side(server);
    REQUIRE(await_stored(dir.db(), "#side", said.size()));
  }
  r = run_program(CHATD_PATH, {"--store", dir.db(), "--export-history", "#release"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == stderr_line("no history for #release in " + dir.db()));
}

TEST_CASE("lines waiting for a locked store are bounded at 64 MiB and the rest counted", "[store]") {
  TempDir dir;
  // Lines of 1,000,007 bytes ("[ann] " + 1,000,000 x + "\n"), each charged
  // 128 + 6 (#lobby) + its size: 67 fit in 64 MiB, the rest are dropped.
  ChatdProcess server({"--store", dir.db(), "--rate-limit", "0", "--history", "1000", "--max-line", "2M",
                       "--max-queue", "256M"});
  Lobby lobby(server);
  const std::string text(1'000'000, 'x');
  std::vector<std::string> said = lobby.say(0, 1);
  REQUIRE(await_stored(dir.db(), "#lobby", 1));
  {
    SqliteDb holder(dir.db(), SQLITE_OPEN_READWRITE);
    REQUIRE(holder.exec("BEGIN EXCLUSIVE"));
    for (int i = 0; i < 70; ++i) {
      lobby.a.send_line(text);
      said.push_back("[ann] " + text);
      REQUIRE(lobby.b.read_line(10s) == said.back());
    }
    // A line reaches its readers before the store's queue has it (the
    // threads engine delivers first): ann's next command is answered only
    // after her last line was kept, so every line waits before the lock goes.
    lobby.a.send_line("/help");
    REQUIRE(lobby.a.read_line(10s) == "> Commands:");
    REQUIRE(server.wait_stderr("chatd: --store " + dir.db() + ": writes failing (", 15s));
    // The report comes 3 s into the outage: under a sanitizer not all 70
    // lines have arrived by then, so it counts what waited at that moment,
    // never more than the bound holds.
    std::smatch waiting;
    const std::string err = server.stderr_text();
    REQUIRE(std::regex_search(err, waiting, std::regex("\\); ([0-9]+) lines waiting\n")));
    CHECK(std::stoi(waiting[1].str()) <= 67);
    REQUIRE(holder.exec("ROLLBACK"));
  }
  // Bounds, not waits: the store retries with backoff, and a loaded
  // machine (the threads engine at load 20) took longer than 30 s.
  REQUIRE(server.wait_stderr("chatd: the store accepts history again\n", 60s));
  REQUIRE(server.wait_stderr("chatd: the store fell behind: 3 history lines not stored\n", 60s));
  const auto stored = exported(dir.db(), "#lobby");
  CHECK(stored.size() == 68);
  CHECK((stored == std::vector<std::string>(said.begin(), said.begin() + 68)));
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
