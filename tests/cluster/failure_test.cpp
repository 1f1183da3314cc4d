// Failures a cluster must survive: a node SIGKILLed (its users' leaves told
// once, cluster-wide, within --node-timeout; their nicknames freed) or
// stopped with SIGTERM (leaves at once) or restarted at once under its name
// (its old users' leaves told once, at once), a user leaving while the link
// is down (told to the other nodes once it is back), Redis SIGKILLed and restarted
// mid-chat (local users keep chatting, told once, then told it is back),
// Redis not there yet when a node starts, Redis SIGSTOPped (chatd stays
// responsive, its memory bounded), a SIGSTOPped node's subscription closed
// by Redis as too slow (that node relinks and resyncs).
#include <csignal>
#include <functional>
#include <future>
#include <set>

#include "cluster_fixture.h"
#include "proc_stats.h"

using namespace chat::test;

namespace {

// Counts how often `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// v1 takes the nickname "victim"; a and b, on other nodes, see it.
void name_victim(TestClient& v1, TestClient& a, TestClient& b) {
  v1.send_line("/nick victim");
  v1.expect_line("> You are now known as victim");
  a.expect_line("> " + v1.address_name() + " is now known as victim");
  b.expect_line("> " + v1.address_name() + " is now known as victim");
}

// The two leave lines of a node's users "victim" and `v2_name`, in either
// order, the count falling 3 -> 2, each within `bound`.
void expect_both_leaves(TestClient& user, const std::string& v2_name, std::chrono::milliseconds bound) {
  std::set<std::string> got;
  for (int i = 0; i < 2; ++i) {
    const auto line = user.read_line(bound);
    REQUIRE(line);
    got.insert(*line);
  }
  const std::set<std::string> victim_first = {"< The user victim left (3 users online)",
                                              "< The user " + v2_name + " left (2 users online)"};
  const std::set<std::string> v2_first = {"< The user " + v2_name + " left (3 users online)",
                                          "< The user victim left (2 users online)"};
  INFO("leave lines: " << *got.begin() << " | " << *got.rbegin());
  CHECK((got == victim_first || got == v2_first));
}

}  // namespace

TEST_CASE("a SIGKILLed node's users leave once on every other node, and their nicks are free",
          "[cluster][failure][reap]") {
  Cluster cluster(3);
  auto users = cluster.join_users({0, 1, 2, 2});
  TestClient &a = users[0], &b = users[1], &v1 = users[2], &v2 = users[3];
  name_victim(v1, a, b);
  const std::string v2_name = v2.address_name();

  const auto killed_at = std::chrono::steady_clock::now();
  cluster[2].signal(SIGKILL);
  REQUIRE(cluster[2].wait_exit() == 128 + SIGKILL);

  // Both leaves, in either order, with the counts falling 3 -> 2; within the
  // node timeout (the heartbeat key's TTL), plus the 1 s between reaping
  // checks, plus 2 s of slack for a loaded machine.
  const auto bound = std::chrono::seconds(kNodeTimeoutS) + 1s + 2s;
  for (TestClient* user : {&a, &b}) expect_both_leaves(*user, v2_name, bound);
  const auto took = std::chrono::steady_clock::now() - killed_at;
  INFO("reaped after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(took < bound);

  // Exactly once: nothing more after them (the /who reply is next), and one
  // surviving node logged the reaping, the other did not.
  CHECK(who_names(a) == sorted({a.address_name(), b.address_name()}));
  CHECK(who_names(b) == sorted({a.address_name(), b.address_name()}));
  const std::string reaped = "cluster: node node2 timed out: 2 users left";
  bool logged = false;  // the log is written by a thread: await it on either node
  for (int round = 0; round < 100 && !logged; ++round) {
    logged = cluster[0].wait_stdout(reaped, 20ms) || cluster[1].wait_stdout(reaped, 20ms);
  }
  CHECK(logged);
  CHECK(occurrences(cluster[0].stdout_text() + cluster[1].stdout_text(), reaped) == 1);

  // The dead node's nickname is free again, on either node.
  b.send_line("/nick victim");
  b.expect_line("> You are now known as victim");
  a.expect_line("> " + b.address_name() + " is now known as victim");
}

TEST_CASE("a node stopped with SIGTERM: its users leave everywhere at once, not after the timeout",
          "[cluster][failure][shutdown]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1, 1});
  TestClient &stays = users[0], &gone1 = users[1], &gone2 = users[2];
  const std::string name1 = gone1.address_name(), name2 = gone2.address_name();
  const auto stopped_at = std::chrono::steady_clock::now();
  cluster[1].signal(SIGTERM);
  gone1.expect_line("> Server shutting down");
  gone2.expect_line("> Server shutting down");
  std::set<std::string> got;
  for (int i = 0; i < 2; ++i) {
    const auto line = stays.read_line();
    REQUIRE(line);
    got.insert(*line);
  }
  const std::set<std::string> first1 = {"< The user " + name1 + " left (2 users online)",
                                        "< The user " + name2 + " left (1 user online)"};
  const std::set<std::string> first2 = {"< The user " + name2 + " left (2 users online)",
                                        "< The user " + name1 + " left (1 user online)"};
  CHECK((got == first1 || got == first2));
  // Announced by the stopping node itself, before any reaping could.
  CHECK(std::chrono::steady_clock::now() - stopped_at < std::chrono::seconds(kNodeTimeoutS));
  REQUIRE(cluster[1].wait_exit() == 0);
  CHECK(who_names(stays) == std::vector<std::string>{stays.address_name()});
  CHECK(cluster[0].stdout_text().find("timed out") == std::string::npos);
}

TEST_CASE("redis-server SIGKILLed and restarted mid-chat: local users lose nothing, are told, and it heals",
          "[cluster][failure][link]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 0, 1});
  TestClient &a = users[0], &b = users[1], &c = users[2];
  a.send_line("before");
  b.expect_line("[" + a.address_name() + "] before");
  c.expect_line("[" + a.address_name() + "] before");

  cluster.redis.kill();
  for (TestClient* user : {&a, &b, &c}) user->expect_line("! cluster link lost: local users only", 5s);
  REQUIRE(cluster[0].wait_stdout("cluster: link lost: "));
  REQUIRE(cluster[1].wait_stdout("cluster: link lost: "));

  // Local chat goes on, every line, in order, with nothing in between.
  constexpr int kLines = 50;
  for (int i = 0; i < kLines; ++i) a.send_line("during " + std::to_string(i));
  for (int i = 0; i < kLines; ++i) b.expect_line("[" + a.address_name() + "] during " + std::to_string(i));
  CHECK(who_names(c) == std::vector<std::string>{c.address_name()});  // local users only while down
  CHECK(who_names(a) == sorted({a.address_name(), b.address_name()}));

  cluster.redis.restart();
  // Reconnect with backoff: well within 10 s here.
  for (TestClient* user : {&a, &b, &c}) user->expect_line("> cluster link restored", 10s);
  REQUIRE(cluster[0].wait_stdout("cluster: link restored"));
  REQUIRE(cluster[1].wait_stdout("cluster: link restored"));
  // Each was told once: the lost line came once, before any restored line.
  CHECK(occurrences(cluster[0].stdout_text(), "cluster: link lost: ") == 1);

  // Presence is republished: everyone sees everyone again (each node hears
  // the other register a moment apart), and text crosses nodes.
  const auto everyone = sorted({a.address_name(), b.address_name(), c.address_name()});
  await_who(a, everyone);
  await_who(c, everyone);
  a.send_line("after");
  b.expect_line("[" + a.address_name() + "] after");
  c.expect_line("[" + a.address_name() + "] after");
  c.send_line("back");
  a.expect_line("[" + c.address_name() + "] back");
  b.expect_line("[" + c.address_name() + "] back");
}

TEST_CASE("a node SIGKILLed and restarted at once under its name: its old users leave once everywhere, at once",
          "[cluster][failure][restart]") {
  // A long --node-timeout: the restarted node, not a reaper, must tell.
  const std::vector<std::string> slow_reaper = {"--node-timeout", "20"};
  Cluster cluster(2, slow_reaper);
  auto users = cluster.join_users({0, 0, 1, 1});
  TestClient &a = users[0], &b = users[1], &v1 = users[2], &v2 = users[3];
  name_victim(v1, a, b);
  const std::string v2_name = v2.address_name();

  const auto killed_at = std::chrono::steady_clock::now();
  ChatdProcess& node1 = cluster.restart_node(1, slow_reaper);
  // Both leaves, in either order, the counts falling 3 -> 2, long before
  // the old run's heartbeat key expires.
  for (TestClient* user : {&a, &b}) expect_both_leaves(*user, v2_name, 5s);
  const auto took = std::chrono::steady_clock::now() - killed_at;
  INFO("told after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(took < 5s);
  // Exactly once: the /who reply is the next line, and nobody reaped.
  CHECK(who_names(a) == sorted({a.address_name(), b.address_name()}));
  CHECK(who_names(b) == sorted({a.address_name(), b.address_name()}));
  CHECK(node1.wait_stdout("cluster: node node1 restarted: 2 users of its last run left"));
  CHECK(cluster[0].stdout_text().find("timed out") == std::string::npos);
  CHECK(node1.stdout_text().find("timed out") == std::string::npos);

  // The new run's users are everyone's: counted, listed, the old run's
  // nickname free, chat crossing both ways.
  TestClient c = join(node1, {&a, &b});
  c.send_line("/nick victim");
  c.expect_line("> You are now known as victim");
  a.expect_line("> " + c.address_name() + " is now known as victim");
  b.expect_line("> " + c.address_name() + " is now known as victim");
  CHECK(who_names(a) == sorted({a.address_name(), b.address_name(), "victim"}));
  c.send_line("back again");
  a.expect_line("[victim] back again");
  b.expect_line("[victim] back again");
  a.send_line("welcome back");
  c.expect_line("[" + a.address_name() + "] welcome back");
}

TEST_CASE("a user who left while the link was down: the other nodes hear it once the link is back",
          "[cluster][failure][link]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1, 1});
  TestClient &a = users[0], &b = users[1], &gone = users[2];
  const std::string gone_name = gone.address_name();

  cluster.redis.kill();  // and with it everything Redis held
  for (TestClient* user : {&a, &b, &gone}) user->expect_line("! cluster link lost: local users only", 5s);
  REQUIRE(cluster[1].wait_stdout("cluster: link lost: "));
  gone.shutdown_write();
  b.expect_line("< The user " + gone_name + " left (1 user online)");  // told locally, at once

  // Node 0 back first, so it is listening when node 1 tells (pub/sub keeps
  // no backlog: a node that comes back later misses it, docs/CLUSTER.md).
  cluster[1].signal(SIGSTOP);
  cluster.redis.restart();
  a.expect_line("> cluster link restored", 10s);
  // ... and registered (told before its registration is through): node 1
  // counts a in its line only if its snapshot finds node 0's user.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (redis_query(cluster.redis.port(), {"HLEN", "chat:users:node0"}) != ":1" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // the next ask, not a guess: the loop ends on the condition
  }
  REQUIRE(redis_query(cluster.redis.port(), {"HLEN", "chat:users:node0"}) == ":1");
  cluster[1].signal(SIGCONT);
  b.expect_line("> cluster link restored", 10s);
  a.expect_line("< The user " + gone_name + " left (2 users online)", 5s);
  CHECK(cluster[1].wait_stdout("cluster: 1 user left while the link was down"));
  // Once: the /who replies and the chat lines are a's next lines.
  await_who(a, sorted({a.address_name(), b.address_name()}));
  b.send_line("still here");
  a.expect_line("[" + b.address_name() + "] still here");
  a.send_line("so am I");
  b.expect_line("[" + a.address_name() + "] so am I");
  CHECK(who_names(b) == sorted({a.address_name(), b.address_name()}));
}

TEST_CASE("a node's redis connections cut as its user leaves: the other nodes hear that leave once",
          "[cluster][failure][link]") {
  // Redis keeps its data here: the node finds the user in its entry.
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1, 1});
  TestClient &a = users[0], &b = users[1], &gone = users[2];
  const std::string gone_name = gone.address_name();
  const auto ports = redis_client_ports(cluster[1].pid(), cluster.redis.port());
  REQUIRE(ports.size() == 2);  // commands and subscription

  // Stopped, so node 1 sees both at once when continued: its connections
  // closed by Redis and the user gone, in either order (a leave sent into
  // the dead connection is lost like one sent while the link is down).
  cluster[1].signal(SIGSTOP);
  for (const std::uint16_t port : ports) {
    CHECK(redis_query(cluster.redis.port(), {"CLIENT", "KILL", "ADDR", "127.0.0.1:" + std::to_string(port)}) == ":1");
  }
  gone.shutdown_write();
  cluster[1].signal(SIGCONT);
  std::vector<std::string> seen;  // b: lost, the local leave, restored
  while (seen.empty() || seen.back() != "> cluster link restored") {
    const auto line = b.read_line(10s);
    REQUIRE(line);
    seen.push_back(*line);
  }
  INFO("b saw " << seen.size() << " lines, the first: " << seen.front());
  CHECK(seen.size() == 3);
  a.expect_line("< The user " + gone_name + " left (2 users online)", 5s);
  CHECK(cluster[1].wait_stdout("cluster: 1 user left while the link was down"));
  // Once: the /who replies and the chat lines are a's next lines.
  await_who(a, sorted({a.address_name(), b.address_name()}));
  b.send_line("still here");
  a.expect_line("[" + b.address_name() + "] still here");
  CHECK(who_names(b) == sorted({a.address_name(), b.address_name()}));
  CHECK(cluster[0].stdout_text().find("link lost") == std::string::npos);
}

TEST_CASE("redis-server SIGSTOPped while users talk: chatd answers local users and its memory stays bounded",
          "[cluster][failure][stall]") {
  // A --node-timeout far longer than the test, so what is checked here is
  // the bound on what waits for Redis, not the unanswered heartbeat that
  // calls the link lost (the next test): on a slow or loaded machine the
  // flood below takes longer than the fixture's 2 s timeout.
  Cluster cluster(2, {"--node-timeout", "60"});
  auto users = cluster.join_users({0, 0, 1});
  TestClient &a = users[0], &b = users[1], &c = users[2];
  const long rss_before = resident_kib(cluster[0].pid()).value_or(0);

  cluster.redis.pause();
  // 48 MB of text toward a Redis that reads nothing: b (local) gets all of
  // it in order; what would go to Redis is bounded, not buffered without end.
  const std::string payload(1000, 'x');
  constexpr int kLines = 48'000;
  constexpr long kGrowthBoundKib = 24 * 1024;  // half of what unbounded buffering would hold
  std::string chunk;
  int received = 0;
  for (int i = 0; i < kLines; ++i) {
    chunk += std::to_string(i) + " " + payload + "\n";
    if (chunk.size() > 64 * 1024 || i + 1 == kLines) {
      a.send_raw(chunk);
      chunk.clear();
      // Keep b draining so b is never a slow reader itself.
      while (received <= i) {
        const auto line = b.read_line(5s);
        REQUIRE(line);
        if (line->starts_with("! ") || line->starts_with("> ")) continue;  // notices, not text
        REQUIRE(*line == "[" + a.address_name() + "] " + std::to_string(received) + " " + payload);
        ++received;
      }
    }
  }
  // Responsive: a /who is answered at once while Redis still sleeps.
  const auto asked = std::chrono::steady_clock::now();
  a.send_line("/who *");
  std::optional<std::string> reply;
  int told_busy = 0;
  do {
    reply = a.read_line(2s);
    REQUIRE(reply);
    if (*reply == "! cluster busy: your line reached this server's users only") ++told_busy;
  } while (!reply->starts_with("> Online ("));
  CHECK(std::chrono::steady_clock::now() - asked < 1s);
  // The talker was told its lines stay on this node, once per episode, as a
  // slow reader is told of skipped lines: not once per line (tens of
  // thousands were kept local). An episode ends when one of its lines is
  // taken again, which happens when the kernel's socket buffers toward the
  // stopped Redis absorb a little more of hiredis's output; how often that
  // happens depends on scheduling (2 episodes in 4 of 18 runs at load 6).
  CHECK(told_busy >= 1);
  CHECK(told_busy <= 8);
  const long rss_during = resident_kib(cluster[0].pid()).value_or(0);
  INFO("node 0 RSS " << rss_before << " KiB before, " << rss_during << " KiB with Redis stopped");
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  // A sanitizer's allocator keeps freed lines in quarantine (ASan: 256 MB),
  // so RSS says nothing here; the plain build checks the bound.
  (void)kGrowthBoundKib;
  CHECK(cluster[0].wait_exit(0ms) == std::nullopt);
#else
  CHECK(rss_during - rss_before < kGrowthBoundKib);
#endif

  cluster.redis.resume();
  // Healed (with or without a lost/restored round): a fresh line reaches c.
  bool crossed = false;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  for (int n = 0; !crossed && std::chrono::steady_clock::now() < deadline; ++n) {
    const std::string probe = "probe " + std::to_string(n);
    a.send_line(probe);
    while (auto line = c.read_line(300ms)) {
      if (*line == "[" + a.address_name() + "] " + probe) {
        crossed = true;
        break;
      }
    }
  }
  CHECK(crossed);
}

TEST_CASE("redis-server SIGSTOPped with nobody talking: the unanswered heartbeat calls the link lost, then it heals",
          "[cluster][failure][stall]") {
  // A stopped Redis keeps its sockets open and answers nothing: only the
  // heartbeat's --node-timeout tells a node its link is gone.
  Cluster cluster(1);
  auto users = cluster.join_users({0, 0});
  TestClient &a = users[0], &b = users[1];
  const auto paused_at = std::chrono::steady_clock::now();
  cluster.redis.pause();
  for (TestClient* user : {&a, &b}) user->expect_line("! cluster link lost: local users only", 15s);
  INFO("link lost after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - paused_at)
                                 .count()
                          << " ms");
  CHECK(std::chrono::steady_clock::now() - paused_at >= std::chrono::seconds(kNodeTimeoutS));
  CHECK(cluster[0].wait_stdout("cluster: link lost: "));
  // Local users keep chatting while Redis sleeps.
  a.send_line("meanwhile");
  b.expect_line("[" + a.address_name() + "] meanwhile");
  cluster.redis.resume();
  for (TestClient* user : {&a, &b}) user->expect_line("> cluster link restored", 15s);
  b.send_line("after");
  a.expect_line("[" + b.address_name() + "] after");
  CHECK(who_names(a) == sorted({a.address_name(), b.address_name()}));
}

TEST_CASE("redis drops a stopped node's subscriber as too slow: that node relinks and resyncs, the others see nothing",
          "[cluster][failure][slowsub]") {
  // Node 1 is SIGSTOPped while node 0's users talk, long enough for Redis to
  // close its SUBSCRIBE connection (client-output-buffer-limit pubsub, made
  // small here) but well short of --node-timeout: it must not be reaped.
  Cluster cluster(2, {"--node-timeout", "20"});
  auto users = cluster.join_users({0, 0, 1, 1, 0});
  TestClient &talker = users[0], &a2 = users[1], &b1 = users[2], &b2 = users[3], &gone = users[4];
  const std::string gone_name = gone.address_name();
  // A hard limit only (no soft limit: its timer could catch node 0 on a
  // loaded machine); node 0 reads its subscription all along.
  REQUIRE(redis_query(cluster.redis.port(), {"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"}) ==
          "+OK");
  // Subscribers of the cluster's channel (the test's BusWatch uses PSUBSCRIBE).
  const auto subscribers = [&] {
    return redis_query(cluster.redis.port(),
                       {"EVAL", "return redis.call('PUBSUB', 'NUMSUB', KEYS[1])[2]", "1", "chat:events"});
  };
  REQUIRE(subscribers() == ":2");
  const auto fds_before = open_fd_count(cluster[1].pid());
  REQUIRE(fds_before);

  cluster[1].signal(SIGSTOP);
  // Text until Redis has closed node 1's subscription (a few MB: its buffer
  // limit plus the kernel's socket buffers), bounded; a2 drains as it goes.
  const std::string payload(1000, 'x');
  const std::string prefix = "[" + talker.address_name() + "] ";
  constexpr int kMaxLines = 32'000;
  const auto flood_deadline = std::chrono::steady_clock::now() + 15s;
  int sent = 0;
  bool dropped = false;
  while (!dropped && sent < kMaxLines && std::chrono::steady_clock::now() < flood_deadline) {
    std::string chunk;
    for (int n = 0; n < 64 && sent < kMaxLines; ++n, ++sent) chunk += std::to_string(sent) + " " + payload + "\n";
    talker.send_raw(chunk);
    for (int got = sent - 64; got < sent; ++got) a2.expect_line(prefix + std::to_string(got) + " " + payload);
    dropped = subscribers() == ":1";
  }
  INFO(sent << " lines sent while node 1 was stopped; redis log:\n" << cluster.redis.log());
  if (dropped) {
    // A presence change node 1 cannot hear: its users never get this line
    // (nothing replays it), but the reloaded mirror must not list `gone`.
    gone.shutdown_write();
    for (TestClient* a : {&talker, &a2}) a->expect_line("< The user " + gone_name + " left (4 users online)");
  }
  cluster[1].signal(SIGCONT);
  REQUIRE(dropped);
  CHECK(cluster.redis.log().find("overcoming of output buffer limits") != std::string::npos);

  // Node 1's users: the lines Redis had passed on before the cut (in order,
  // whole), the lost line once, then the restored line once. That is a few
  // MB (what the kernel held for node 1's subscription), so both users read
  // at once: neither may fall behind and be skipped lines as a slow reader.
  const auto until_restored = [](TestClient& b) {
    std::vector<std::string> lines;
    while (auto line = b.read_line(10s)) {
      lines.push_back(std::move(*line));
      if (lines.back() == "> cluster link restored") break;
    }
    return lines;
  };
  auto b2_reading = std::async(std::launch::async, until_restored, std::ref(b2));
  const std::vector<std::string> b1_lines = until_restored(b1);
  const std::vector<std::string> b2_lines = b2_reading.get();
  for (const std::vector<std::string>* lines : {&b1_lines, &b2_lines}) {
    REQUIRE(!lines->empty());
    REQUIRE(lines->back() == "> cluster link restored");
    int last = -1;
    int lost = 0;
    for (std::size_t i = 0; i + 1 < lines->size(); ++i) {
      const std::string& line = (*lines)[i];
      if (line == "! cluster link lost: local users only") {
        ++lost;
        continue;
      }
      INFO("line " << i << ": " << line.substr(0, 80));
      REQUIRE(lost == 0);
      REQUIRE(line.starts_with(prefix));
      const auto space = line.find(' ', prefix.size());
      REQUIRE(space != std::string::npos);
      const int n = std::stoi(line.substr(prefix.size(), space - prefix.size()));
      REQUIRE(n > last);
      REQUIRE(line.substr(space + 1) == payload);
      last = n;
    }
    CHECK(lost == 1);
  }
  REQUIRE(cluster[1].wait_stdout("cluster: link restored"));
  CHECK(occurrences(cluster[1].stdout_text(), "cluster: link lost: ") == 1);

  // Chat crosses both ways again. Lines published while the subscription
  // was gone are not replayed (pub/sub keeps no backlog); any that were
  // still on their way to Redis may arrive first, whole and in order.
  a2.send_line("after");
  for (TestClient* b : {&b1, &b2}) {
    for (;;) {
      const auto line = b->read_line(5s);
      REQUIRE(line);
      if (*line == "[" + a2.address_name() + "] after") break;
      INFO("line: " << line->substr(0, 80));
      REQUIRE(line->starts_with(prefix));
      REQUIRE(line->ends_with(" " + payload));
    }
  }
  b1.send_line("back");
  // Node 0's users saw nothing of it: their next lines are a2's and b1's.
  talker.expect_line("[" + a2.address_name() + "] after");
  talker.expect_line("[" + b1.address_name() + "] back");
  a2.expect_line("[" + b1.address_name() + "] back");
  b2.expect_line("[" + b1.address_name() + "] back");
  const auto everyone = sorted({talker.address_name(), a2.address_name(), b1.address_name(), b2.address_name()});
  await_who(b2, everyone);
  CHECK(who_names(talker) == everyone);
  // Both Redis connections replaced, none kept: the same fds as before.
  CHECK(open_fd_count(cluster[1].pid()) == fds_before);
  // Not reaped, nothing lost on node 0's side.
  CHECK(cluster[0].stdout_text().find("timed out") == std::string::npos);
  CHECK(cluster[0].stdout_text().find("link lost") == std::string::npos);
}

TEST_CASE("a node started before its Redis serves its own users, then joins the cluster once Redis is up",
          "[cluster][failure][link]") {
  RedisServer redis;
  redis.kill();  // its port is now free: the node starts against nobody
  ChatdProcess early(node_args(redis, 0));
  REQUIRE(early.wait_stdout("cluster: cannot reach redis 127.0.0.1:" + std::to_string(redis.port()) + ": "));
  TestClient a = join(early, {});
  TestClient b = join(early, {&a});
  a.send_line("alone but fine");
  b.expect_line("[" + a.address_name() + "] alone but fine");

  redis.restart();
  REQUIRE(early.wait_stdout(connected_log(redis, 0), 10s));  // backoff: at most 5 s between tries
  ChatdProcess later(node_args(redis, 1));
  REQUIRE(later.wait_stdout(connected_log(redis, 1)));
  // The later node loaded the early node's users with its snapshot.
  TestClient c = join(later, {&a, &b});
  c.send_line("hello from node 1");
  a.expect_line("[" + c.address_name() + "] hello from node 1");
  b.expect_line("[" + c.address_name() + "] hello from node 1");
  // Nobody was told of a lost link that never was up.
  CHECK(who_names(a) == sorted({a.address_name(), b.address_name(), c.address_name()}));
}
