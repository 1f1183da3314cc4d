// Exhaustion: too few file descriptors, many connections from one place, and
// a storm of connections that open and vanish at once. chatd must keep
// serving the users it has, refuse newcomers cleanly, recover, and never spin.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "async_peer.h"
#include "chat_fixtures.h"
#include "hostile_util.h"
#include "proc_stats.h"

using namespace chat::test;

namespace {

using Clock = std::chrono::steady_clock;

// CPU ticks chatd spends over `window` of wall time.
long cpu_ticks_over(pid_t pid, std::chrono::milliseconds window) {
  const auto before = cpu_ticks(pid);
  REQUIRE(before.has_value());
  std::this_thread::sleep_for(window);  // measuring a rate needs a time window
  const auto after = cpu_ticks(pid);
  REQUIRE(after.has_value());
  return *after - *before;
}

// A line from `from` reaches `to`, skipping join and leave notices that a
// storm of other connections interleaves; returns how long it took.
std::chrono::milliseconds round_trip(TestClient& from, TestClient& to, const std::string& text) {
  const auto start = Clock::now();
  from.send_line(text);
  const std::string expected = "[" + from.address_name() + "] " + text;
  while (true) {
    const auto line = to.read_line(5s);
    INFO("waiting for \"" << expected << "\"");
    REQUIRE(line.has_value());
    if (*line == expected) break;
    INFO("unexpected line \"" << *line << "\"");
    REQUIRE(is_join_or_leave(*line));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

TEST_CASE("under a low open file limit chatd lowers --max-clients and says so", "[hostile][emfile]") {
  // 36 fds, 32 reserved: room for 4 clients.
  ChatdLaunch launch;
  launch.open_file_limit = 36;
  ChatdProcess server("127.0.0.1", 0, {}, launch);
  REQUIRE(server.wait_stderr("chatd: the open file limit is 36: serving at most 4 clients instead of 10000"));
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  TestClient c = join(server, {&a, &b});
  TestClient d = join(server, {&a, &b, &c});
  TestClient e(server.port());
  e.expect_line("! server full");
  REQUIRE(e.wait_closed());
  expect_who(a, {a.address_name(), b.address_name(), c.address_name(), d.address_name()});

  d.send_line("/quit");
  REQUIRE(d.wait_closed());
  for (TestClient* other : {&a, &b, &c}) other->expect_line("< The user " + d.address_name() + " left (3 users online)");
  TestClient f = join(server, {&a, &b, &c});
  a.send_line("still here");
  f.expect_line("[" + a.address_name() + "] still here");
}

TEST_CASE("out of file descriptors chatd refuses newcomers, keeps serving, recovers and does not spin",
          "[hostile][emfile]") {
  ChatdProcess server;
  const pid_t pid = server.pid();
  TestClient a = join(server, {});

  // Someone has come and gone before the squeeze, and every thread of
  // theirs has ended. Under UBSan (the ASan+UBSan build) this is what lets
  // the threads engine pass: the vptr check, the first time it meets a
  // (vtable, type) pair, probes the vtable by writing it into a pipe(), and
  // below chatd has no fd to spare, so the probe fails and UBSan reports a
  // false "invalid vptr" ("std_thread.h:200: member call on address ...
  // which does not point to an object of type '_State'") and aborts chatd,
  // whose fds then never "come back". The first thread ever to end
  // (std::thread's ~_State_impl) is such a first meeting; once seen, the
  // pair stays in UBSan's second-level table and needs no pipe again.
  // Neither chatd nor ASan is involved: an address-only build passes
  // without this, and std::thread([] {}).join() with every fd taken gets
  // the same report under -fsanitize=undefined alone.
  {
    // a's /who reply comes from its reader thread, which needs the room
    // lock that chatd holds while it starts both of a's threads: after it,
    // chatd's thread count is the settled one.
    expect_who(a, {a.address_name()});
    const auto threads = thread_count(pid);
    const auto fds = open_fd_count(pid);
    REQUIRE((threads.has_value() && fds.has_value()));
    TestClient passer_by = join(server, {&a});
    passer_by.send_line("/quit");
    REQUIRE(passer_by.wait_closed());
    a.expect_line("< The user " + passer_by.address_name() + " left (1 user online)");
    const bool settled = eventually([&] { return thread_count(pid) == threads && open_fd_count(pid) == fds; }, 5s);
    INFO("chatd had " << *threads << " threads and " << *fds << " fds; now " << thread_count(pid).value_or(-1)
                      << " and " << open_fd_count(pid).value_or(-1));
    REQUIRE(settled);
  }

  // Lower chatd's limit under its feet (its --max-clients stays 10000), so
  // that exactly one more fd fits: accept() itself hits EMFILE afterwards.
  // New fds take the lowest free number, so the limit is the second free
  // number (fds inherited from the test's environment may leave holes).
  const auto open = open_fds(pid);
  const auto count = open_fd_count(pid);
  REQUIRE(count.has_value());
  int free_seen = 0, second_free = 0;
  for (int fd = 0; free_seen < 2; ++fd) {
    if (!open.contains(fd) && ++free_seen == 2) second_free = fd;
  }
  INFO("chatd has " << *count << " fds open; the second free number is " << second_free);
  const rlimit limit{static_cast<rlim_t>(second_free), static_cast<rlim_t>(second_free)};
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &limit, nullptr) == 0);

  TestClient b = join(server, {&a});
  // Awaited, not read once: the threads engine may still be settling the
  // join on its own threads when b already has its welcome.
  REQUIRE(eventually([&] { return open_fd_count(pid) == *count + 1; }, 5s));

  // Newcomers now find no fd: each is told and closed, unseen by the room.
  std::vector<AsyncPeer> waiting;
  for (int i = 0; i < 3; ++i) {
    TestClient refused(server.port());
    refused.expect_line("! server full");
    REQUIRE(refused.wait_closed());
  }
  REQUIRE(server.wait_stderr("refused a connection: out of file descriptors"));
  // A burst more, left connecting and never read: chatd sheds them all
  // without a busy loop on the listener.
  for (int i = 0; i < 50; ++i) waiting.emplace_back(server.port());
  const long ticks = cpu_ticks_over(pid, 500ms);
  INFO("chatd used " << ticks << " ticks of " << ::sysconf(_SC_CLK_TCK) << "/s in 0.5 s");
  CHECK(ticks <= 10);
  // Every one of them is turned away before any fd frees up; otherwise the
  // next step would race a leftover in the backlog for the freed fd.
  std::vector<bool> shed(waiting.size(), false);
  REQUIRE(eventually(
      [&] {
        std::vector<std::string> lines;
        for (std::size_t i = 0; i < waiting.size(); ++i) {
          if (!shed[i] && waiting[i].receive(lines) == AsyncPeer::Io::closed) shed[i] = true;
        }
        return std::find(shed.begin(), shed.end(), false) == shed.end();
      },
      10s));

  // The users already in keep chatting, and nobody joined meanwhile.
  a.send_line("hello under pressure");
  b.expect_line("[" + a.address_name() + "] hello under pressure");
  b.send_line("loud and clear");
  a.expect_line("[" + b.address_name() + "] loud and clear");
  expect_who(a, {a.address_name(), b.address_name()});

  // A freed fd lets the next newcomer in.
  b.send_line("/quit");
  REQUIRE(b.wait_closed());
  a.expect_line("< The user " + b.address_name() + " left (1 user online)");
  REQUIRE(eventually([&] { return open_fd_count(pid) == *count; }, 5s));
  TestClient c = join(server, {&a});
  c.send_line("made it");
  a.expect_line("[" + c.address_name() + "] made it");
}

TEST_CASE("loopback clients are never capped by --max-per-ip", "[hostile][max-per-ip]") {
  // All of 127.0.0.0/8 (and ::1) is loopback, so the cap itself cannot be
  // reached from a test; tests/unit/net/admission_test.cpp covers it.
  ChatdProcess server({"--max-per-ip", "1"});
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  TestClient c = join(server, {&a, &b});
  expect_who(c, {a.address_name(), b.address_name(), c.address_name()});
}

TEST_CASE("a storm of connections that vanish at once leaves chatd responsive", "[hostile][storm]") {
  ChatdProcess server;
  const pid_t pid = server.pid();
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  const auto fds_before = open_fd_count(pid);
  REQUIRE(fds_before.has_value());

  std::chrono::milliseconds worst{round_trip(a, b, "before the storm")};
  constexpr int kStorm = 2000;
  const auto storm_end = Clock::now() + 20s;
  int opened = 0;
  for (; opened < kStorm && Clock::now() < storm_end; ++opened) {
    AsyncPeer peer(server.port());
    // Half vanish with a reset, half with an orderly close, most of them
    // before chatd even accepted them.
    if (opened % 2 == 0) {
      peer.close_reset();
    } else {
      peer.close();
    }
    if (opened % 200 == 199) {
      worst = std::max(worst, round_trip(opened % 400 == 399 ? a : b, opened % 400 == 399 ? b : a,
                                         "during the storm " + std::to_string(opened)));
    }
  }
  REQUIRE(opened == kStorm);
  worst = std::max(worst, round_trip(b, a, "after the storm"));
  INFO("slowest round trip " << worst.count() << " ms");
  CHECK(worst < 2s);

  // Every storm connection is gone again (some may still wait in the accept
  // backlog right after the loop): the room holds only a and b, and chatd's
  // fds are back where they were.
  const std::string alone = "> Online (2): " + a.address_name() + ", " + b.address_name();
  std::string who;
  const auto deadline = Clock::now() + 10s;
  while (who != alone && Clock::now() < deadline) {
    if (!who.empty()) std::this_thread::sleep_for(100ms);  // a person's pace, within the default rate limit
    a.send_line("/who");
    while (true) {
      const auto line = a.read_line(5s);
      REQUIRE(line.has_value());
      if (line->starts_with("> Online")) {
        who = *line;
        // A long list goes on over lines ending in "," (docs/PROTOCOL.md).
        for (std::string more = who; more.ends_with(",");) {
          const auto next = a.read_line(5s);
          REQUIRE(next.has_value());
          REQUIRE(next->starts_with(">   "));
          more = *next;
        }
        break;
      }
      REQUIRE(is_join_or_leave(*line));
    }
  }
  CHECK(who == alone);
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  // The threads engine starts and ends two threads per connection, and
  // under a sanitizer 4,000 thread lifetimes take far longer to run out.
  constexpr auto settle = 45s;
#else
  constexpr auto settle = 10s;
#endif
  CHECK(eventually([&] { return open_fd_count(pid) == fds_before; }, settle));
}

TEST_CASE("a storm of silent connections is announced only as each speaks", "[hostile][storm]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  constexpr int kSilent = 300;
  std::vector<std::unique_ptr<TestClient>> silent;
  for (int i = 0; i < kSilent; ++i) {
    silent.push_back(std::make_unique<TestClient>(server.port()));
    INFO("silent connection " << i);
    REQUIRE(silent.back()->read_line(5s).has_value());  // its welcome
  }
  TestClient& speaker = *silent.back();
  speaker.send_line("hi");
  // `a` saw the storm's first joins announced (the gate's burst), then the
  // speaker's own arrival right before its first line.
  std::vector<std::string> lines;
  std::string text;
  while (true) {
    const auto got = a.read_line();
    REQUIRE(got.has_value());
    if (got->starts_with("[")) {
      text = *got;
      break;
    }
    lines.push_back(*got);
  }
  REQUIRE(text == "[" + speaker.address_name() + "] hi");
  REQUIRE(!lines.empty());
  CHECK(lines.back() == "> New user " + speaker.address_name() + " entered (" + std::to_string(kSilent + 1) +
                            " users online)");
  CHECK(lines.size() < kSilent / 2);
  // The unannounced leave silently; the speaker's leave is announced.
  silent.clear();
  a.send_line("/who");
  bool got_who = false;
  while (const auto got = a.read_line()) {
    if (got->starts_with("> Online (")) {
      got_who = true;
      break;
    }
    INFO(*got);
    CHECK(got->starts_with("< The user "));
  }
  CHECK(got_who);
}

TEST_CASE("threads engine: a client no thread can be started for is refused, the others stay",
          "[hostile][threads-limit]") {
  if (engine_under_test() != "threads") {
    SUCCEED("only the threads engine starts threads per client");
    return;
  }
  // 10 tasks for chatd's user: the main thread, the two log writers
  // (stdout, stderr) and 2 per client, so the fourth client gets a writer
  // but no reader, the fifth not even a writer.
  ChatdLaunch launch;
  launch.max_user_processes = 10;
  std::optional<ChatdProcess> started;
  try {
    started.emplace("127.0.0.1", 0, std::vector<std::string>{}, launch);
  } catch (const std::runtime_error& e) {
    // As root the test runs chatd as `nobody`, who must be able to reach
    // the build tree (not so under a 0700 home directory).
    WARN("cannot run chatd under prlimit/setpriv here: " << e.what());
    return;
  }
  ChatdProcess& server = *started;
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  TestClient c = join(server, {&a, &b});
  for (int i = 0; i < 2; ++i) {
    TestClient refused(server.port());
    refused.expect_line("! server full");
    REQUIRE(refused.wait_closed());
  }
  // Logged once for the run of failures, not once per client.
  REQUIRE(server.wait_stderr("cannot start a thread"));
  const std::string log = server.stderr_text();
  CHECK(log.find("cannot start a thread") == log.rfind("cannot start a thread"));

  // Still serving: the users talk, and a freed seat can be taken again.
  a.send_line("still here");
  b.expect_line("[" + a.address_name() + "] still here");
  c.expect_line("[" + a.address_name() + "] still here");
  c.send_line("/quit");
  REQUIRE(c.wait_closed());
  a.expect_line("< The user " + c.address_name() + " left " + online(2));
  b.expect_line("< The user " + c.address_name() + " left " + online(2));
  // The quitting client's threads end a moment after its socket closes.
  bool joined = false;
  for (int attempt = 0; attempt < 50 && !joined; ++attempt) {
    TestClient d(server.port());
    const auto first = d.read_line(5s);
    REQUIRE(first.has_value());
    if (*first == "! server full") {
      std::this_thread::sleep_for(20ms);  // no event tells when a thread has exited
      continue;
    }
    REQUIRE(*first == "> Connected to the chat server " + online(3));
    joined = true;
  }
  CHECK(joined);
  CHECK(server.wait_exit(0ms) == std::nullopt);  // never aborted
}

TEST_CASE("non-readers flooding themselves with tiny lines pin at most --max-queue each",
          "[hostile][memory-bound]") {
  // Issue 13, item 4: what a queue holds is charged for the memory it
  // keeps, not only its bytes, so tiny lines cannot multiply the bound.
  constexpr int kClients = 20;
  constexpr int kLinesEach = 30000;  // 600,000 in all
  constexpr long kMaxQueue = 64 * 1024;
  ChatdProcess server({"--rate-limit", "0", "--max-queue", "64K", "--quiet"});
  std::vector<AsyncPeer> peers;
  for (int i = 0; i < kClients; ++i) {
    peers.emplace_back(server.port(), 4096);
    REQUIRE(peers.back().open());
  }
  // Wait until every one is in (the last one counts all), so joins are done.
  TestClient watcher(server.port());
  watcher.expect_line("> Connected to the chat server " + online(kClients + 1));
  const auto rss_before = resident_kib(server.pid());
  REQUIRE(rss_before.has_value());
  for (AsyncPeer& p : peers) {
    std::string lines;
    for (int i = 0; i < kLinesEach; ++i) lines += "/msg " + p.address_name() + " x\n";
    p.queue(lines);
  }
  // Push every byte in; the peers never read.
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline) {
    std::size_t unsent = 0;
    for (AsyncPeer& p : peers) {
      REQUIRE(p.flush() == AsyncPeer::Io::ok);
      unsent += p.unsent();
    }
    if (unsent == 0) break;
    std::this_thread::sleep_for(5ms);
  }
  // chatd has handled them all once it stops using CPU.
  REQUIRE(eventually([&] { return cpu_ticks_over(server.pid(), 300ms) == 0; }, 60s));
  const auto rss_after = resident_kib(server.pid());
  REQUIRE(rss_after.has_value());
  const long per_client = (*rss_after - *rss_before) * 1024 / kClients;
  WARN("RSS grew " << (*rss_after - *rss_before) << " KiB for " << kClients << " non-readers: " << per_client
                   << " bytes each, --max-queue " << kMaxQueue);
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  // A sanitizer's allocator keeps freed blocks in quarantine (ASan: 256 MB
  // by default) and pads each one, so RSS here says nothing about what the
  // queues hold (seen: 3.9 MB per client under ASan, all of it freed lines
  // in quarantine). The plain build checks the bound; here the test only
  // shows chatd survives the flood.
  CHECK(server.wait_exit(0ms) == std::nullopt);
#else
  // The queue's charge is bounded by --max-queue plus the control reserve;
  // allow as much again for the allocator's slack and the line pool.
  CHECK(per_client < 2 * (kMaxQueue + 4096) + 16 * 1024);
#endif
}
