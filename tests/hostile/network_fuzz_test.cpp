// The network fuzz test: many hostile clients send random bytes at random
// split points and vanish abruptly (reset, close, half-close), reconnecting,
// while three well-behaved clients exchange numbered lines. Every
// well-behaved line must reach the other two exactly once and in order, and
// nothing unclean may reach anyone. One thread, one poll() loop.
#include <poll.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "async_peer.h"
#include "chat_fixtures.h"
#include "hostile_util.h"

using namespace chat::test;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kWellBehaved = 3;
constexpr int kLinesEach = 200;
constexpr std::size_t kHostileSlots = 20;
constexpr int kHostileConnections = 400;  // in all, reconnections included

// The text of well-behaved line `seq` from `sender`: varied lengths, some
// multi-byte characters and a TAB, all of it clean.
std::string well_behaved_text(int sender, int seq) {
  return "w" + std::to_string(sender) + " seq " + std::to_string(seq) + " " + std::string(static_cast<std::size_t>(seq % 37), 'x') +
         (seq % 3 == 0 ? " 안녕\tend" : " end");
}

struct Hostile {
  AsyncPeer peer;
  std::size_t budget;  // bytes to send before vanishing
  bool reads;          // some read what they get, some never do
  bool half_closed = false;  // sent its FIN; waits for chatd to close
  Clock::time_point next_send{};
};

}  // namespace

TEST_CASE("network fuzz: hostile clients never cost a well-behaved client a line", "[hostile][fuzz]") {
  const std::uint32_t seed = seed_from_env("CHAT_FUZZ_SEED", 0x5eed0001);
  INFO("seed " << seed << " (replay with CHAT_FUZZ_SEED=" << seed << ")");
  std::mt19937 rng(seed);

  // Its clients send faster than the default --rate-limit; what is tested
  // here is delivery, so the limit is off.
  ChatdProcess server({"--rate-limit", "0"});
  std::vector<TestClient> good;
  for (int i = 0; i < kWellBehaved; ++i) {
    std::vector<TestClient*> present;
    for (auto& g : good) present.push_back(&g);
    good.push_back(join(server, present));
  }
  for (std::size_t i = 0; i < good.size(); ++i) {
    const std::string nick = "w" + std::to_string(i);
    good[i].send_line("/nick " + nick);
    good[i].expect_line("> You are now known as " + nick);
    for (std::size_t j = 0; j < good.size(); ++j) {
      if (j != i) good[j].expect_line("> " + good[i].address_name() + " is now known as " + nick);
    }
  }

  // next[r][s]: the seq receiver r expects next from sender s.
  int next[kWellBehaved][kWellBehaved] = {};
  int sent[kWellBehaved] = {};
  long hostile_lines_seen = 0;
  auto take = [&](int r, const std::string& line) {
    INFO("w" << r << " got \"" << line << "\"");
    REQUIRE(is_clean_text(line));
    REQUIRE_FALSE(line.ends_with("(reading too slowly)"));  // well-behaved readers keep up
    for (int s = 0; s < kWellBehaved; ++s) {
      const std::string from = "[w" + std::to_string(s) + "] ";
      if (!line.starts_with(from)) continue;
      REQUIRE(s != r);
      REQUIRE(line == from + well_behaved_text(s, next[r][s]));
      ++next[r][s];
      return;
    }
    ++hostile_lines_seen;
  };
  auto drain_good = [&] {
    for (int r = 0; r < kWellBehaved; ++r) {
      while (auto line = good[static_cast<std::size_t>(r)].read_line(0ms)) take(r, *line);
    }
  };
  auto all_received = [&] {
    for (int r = 0; r < kWellBehaved; ++r) {
      for (int s = 0; s < kWellBehaved; ++s) {
        if (s != r && next[r][s] != kLinesEach) return false;
      }
    }
    return true;
  };

  std::uniform_int_distribution<std::size_t> budget(0, 4096), chunk(1, 256);
  std::uniform_int_distribution<int> percent(0, 99);
  std::vector<Hostile> hostile;
  int hostile_opened = 0, resets = 0, closes = 0, half_closes = 0;
  auto open_hostile = [&] {
    ++hostile_opened;
    return Hostile{AsyncPeer(server.port()), budget(rng), percent(rng) < 50};
  };
  for (std::size_t i = 0; i < kHostileSlots; ++i) hostile.push_back(open_hostile());

  const auto start = Clock::now();
  const auto hostile_until = start + 8s;
  std::vector<std::string> discard;
  while (true) {
    const auto now = Clock::now();
    // Well-behaved senders: one line every 10 ms each.
    bool sending = false;
    for (int s = 0; s < kWellBehaved; ++s) {
      if (sent[s] < kLinesEach && now - start >= sent[s] * 10ms) {
        good[static_cast<std::size_t>(s)].send_line(well_behaved_text(s, sent[s]++));
      }
      sending |= sent[s] < kLinesEach;
    }
    const bool attacking = (sending || hostile_opened < 60) && now < hostile_until;

    for (Hostile& h : hostile) {
      if (!h.peer.open()) {
        if (attacking && hostile_opened < kHostileConnections) h = open_hostile();
        continue;
      }
      if (h.half_closed && attacking) continue;
      if (h.budget == 0 || !attacking) {
        // Vanish: mostly resets, some orderly closes, some half-closes left open.
        const int how = percent(rng);
        if (how < 55) {
          h.peer.close_reset(), ++resets;
        } else if (how < 90 || !attacking) {
          h.peer.close(), ++closes;
        } else {
          h.peer.shutdown_write(), ++half_closes;
          h.half_closed = true;
          h.reads = true;
        }
        continue;
      }
      if (h.peer.unsent() == 0 && now >= h.next_send) {
        const std::size_t n = std::min(h.budget, chunk(rng));
        h.peer.queue(random_garbage(rng, n));
        h.budget -= n;
        h.next_send = now + 20ms;
      }
    }

    std::vector<pollfd> fds;
    for (auto& g : good) fds.push_back({g.fd(), POLLIN, 0});
    for (Hostile& h : hostile) fds.push_back({h.peer.open() ? h.peer.fd() : -1, h.peer.events(h.reads), 0});
    ::poll(fds.data(), fds.size(), 5);
    drain_good();
    for (std::size_t i = 0; i < hostile.size(); ++i) {
      Hostile& h = hostile[i];
      const short ready = fds[kWellBehaved + i].revents;
      if (!h.peer.open() || ready == 0) continue;
      discard.clear();
      bool closed = (ready & POLLOUT) && h.peer.flush() == AsyncPeer::Io::closed;
      if (!closed && (ready & (POLLIN | POLLHUP | POLLERR)) && (h.reads || !(ready & POLLIN))) {
        closed = h.peer.receive(discard) == AsyncPeer::Io::closed;
      }
      if (closed) h.peer.close();  // chatd closed it (after a half-close) or it broke
    }

    if (!attacking && all_received()) break;
    if (now - start > 20s) FAIL("the well-behaved lines did not all arrive within 20 s");
  }

  INFO(hostile_opened << " hostile connections (" << resets << " resets, " << closes << " closes, " << half_closes
                      << " half-closes); " << hostile_lines_seen << " hostile lines seen by well-behaved clients");
  // Every hostile connection goes away: the room is the three of them again.
  for (auto& h : hostile) h.peer.close();
  REQUIRE(eventually(
      [&] {
        good[0].send_line("/who");
        while (true) {
          const auto line = good[0].read_line(5s);
          REQUIRE(line.has_value());
          if (line->starts_with("> Online (")) return *line == "> Online (3): w0, w1, w2";
          take(0, *line);
        }
      },
      10s));
  CHECK(hostile_opened >= 60);
}
