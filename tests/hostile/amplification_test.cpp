// Broadcast amplification (issue 13, item 1): one client writes 100 KB of
// "x\n" at once, 50,000 lines that chatd would broadcast to every user.
// With default flags the rate limit drops all but a burst, and chatd hands
// each connection only a few lines per wake-up, so two good users keep
// talking with short round trips. CHAT_AMPLIFICATION_USERS=4000 reproduces
// the scale (docs/SECURITY.md quotes that run).
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "async_peer.h"
#include "chat_fixtures.h"
#include "hostile_util.h"
#include "proc_stats.h"

using namespace chat::test;

namespace {

using Clock = std::chrono::steady_clock;

int users_from_env() {
  const char* text = std::getenv("CHAT_AMPLIFICATION_USERS");
  const int n = text != nullptr ? std::atoi(text) : 0;
  return n >= 4 ? n : 300;
}

// Reads `client`'s lines until `wanted`, skipping what the crowd and the
// attacker cause meanwhile.
void read_until(TestClient& client, const std::string& wanted, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    INFO("waiting for \"" << wanted << "\"");
    REQUIRE(left.count() > 0);
    const auto line = client.read_line(left);
    REQUIRE(line.has_value());
    if (*line == wanted) return;
  }
}

}  // namespace

TEST_CASE("one client's 100 KB of lines does not stall the others, with default flags",
          "[hostile][amplification]") {
  const int users = users_from_env();
  ChatdProcess server({"--quiet"});  // default limits; --quiet only spares the test's log reader
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  TestClient attacker = join(server, {&alice, &bob});

  // The crowd: connected, never reading, never talking.
  std::vector<AsyncPeer> crowd;
  crowd.reserve(static_cast<std::size_t>(users));
  for (int i = 3; i < users; ++i) crowd.emplace_back(server.port());
  // A silent crowd joining this fast is not announced to the room (a join
  // storm, docs/PROTOCOL.md), but the log records every arrival.
  REQUIRE(server.wait_stdout("> New user " + crowd.back().address_name() + " entered " + online(users) + "\n", 60s));

  const auto cpu_before = cpu_ticks(server.pid());
  // A thread sends, so the test keeps reading while the attacker's bytes go
  // in (chatd reads them a share at a time).
  std::string payload;
  payload.reserve(100 * 1000);
  for (int i = 0; i < 50 * 1000; ++i) payload += "x\n";
  std::thread flood([&] { attacker.send_raw(payload); });

  std::vector<long> trips_ms;
  const auto until = Clock::now() + 3s;
  for (int i = 0; Clock::now() < until || i < 10; ++i) {
    const std::string text = "ping " + std::to_string(i);
    const auto start = Clock::now();
    alice.send_line(text);
    read_until(bob, "[" + alice.address_name() + "] " + text, 30s);
    trips_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
    std::this_thread::sleep_for(150ms);  // a person's pace, under the default rate limit
  }
  flood.join();
  const auto cpu_after = cpu_ticks(server.pid());

  std::vector<long> sorted = trips_ms;
  std::sort(sorted.begin(), sorted.end());
  const long worst = sorted.back();
  const long median = sorted[sorted.size() / 2];
  const long cpu_ms = cpu_before && cpu_after ? (*cpu_after - *cpu_before) * 1000 / sysconf(_SC_CLK_TCK) : -1;
  WARN(users << " users, " << engine_under_test() << ": round trip median " << median << " ms, worst " << worst
             << " ms over " << sorted.size() << " pings; chatd CPU during the attack " << cpu_ms << " ms");
  // Generous for a shared, loaded machine; the bar (100 ms at 4,000
  // users) is measured, not asserted (docs/SECURITY.md).
  CHECK(worst < 1000);

  // The attacker is still connected, told how much was dropped.
  bool told = false;
  while (const auto line = attacker.read_line(2s)) {
    if (line->starts_with("! slow down: ")) {
      told = true;
      break;
    }
  }
  CHECK(told);
}
