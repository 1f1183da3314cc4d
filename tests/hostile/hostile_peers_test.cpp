// Peers that misbehave at the socket level: resets in the middle of a
// broadcast, half-closed sockets, and streams of garbage. Nobody else may
// lose a line or see a byte that is not clean text.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "chat_fixtures.h"
#include "hostile_util.h"

using namespace chat::test;

namespace {

// Reads `reader`'s lines until `sender`'s numbered lines "PREFIX 0" ..
// "PREFIX count-1" have all arrived, exactly once and in order; leave lines
// are counted, anything else fails.
int expect_numbered(TestClient& reader, const std::string& sender_name, const std::string& prefix, int count) {
  const std::string from = "[" + sender_name + "] " + prefix + " ";
  int next = 0, leaves = 0;
  while (next < count) {
    const auto line = reader.read_line(10s);
    INFO(reader.address_name() << " waiting for line " << next << " of " << count);
    REQUIRE(line.has_value());
    if (line->starts_with("< The user ")) {
      ++leaves;
      continue;
    }
    INFO("got \"" << *line << "\"");
    REQUIRE(line->starts_with(from));
    REQUIRE(line->substr(from.size(), line->find(' ', from.size()) - from.size()) == std::to_string(next));
    ++next;
  }
  return leaves;
}

std::string numbered_batch(const std::string& prefix, int first, int count, std::size_t padding) {
  std::string batch;
  for (int i = first; i < first + count; ++i) batch += prefix + " " + std::to_string(i) + " " + std::string(padding, '.') + "\n";
  return batch;
}

}  // namespace

TEST_CASE("peers that reset mid-broadcast never affect the others", "[hostile][reset]") {
  // Its clients send faster than the default --rate-limit; what is tested
  // here is delivery, so the limit is off.
  ChatdProcess server({"--rate-limit", "0"});
  TestClient sender = join(server, {});
  TestClient r1 = join(server, {&sender});
  TestClient r2 = join(server, {&sender, &r1});
  // Victims never read, with a small window: chatd holds output for them
  // and is writing to them when they reset.
  std::vector<TestClient> victims;
  for (int v = 0; v < 4; ++v) {
    std::vector<TestClient*> present = {&sender, &r1, &r2};
    for (auto& other : victims) present.push_back(&other);
    victims.push_back(join(server, present, "127.0.0.1", 4096));
  }

  constexpr int kLines = 2500, kBatch = 500;
  for (int first = 0; first < kLines; first += kBatch) {
    sender.send_raw(numbered_batch("line", first, kBatch, 80));
    if (const std::size_t v = static_cast<std::size_t>(first / kBatch); v < victims.size()) victims[v].reset();
  }
  CHECK(expect_numbered(r1, sender.address_name(), "line", kLines) <= 4);
  CHECK(expect_numbered(r2, sender.address_name(), "line", kLines) <= 4);
  // The sender saw the four leaves; then the room is the three of them.
  for (int v = 0; v < 4; ++v) {
    const auto line = sender.read_line(5s);
    REQUIRE(line.has_value());
    CHECK(line->starts_with("< The user "));
  }
  expect_who(sender, {sender.address_name(), r1.address_name(), r2.address_name()});
  sender.send_line("after the resets");
  // The leaves r1 and r2 had not read yet come first.
  for (TestClient* r : {&r1, &r2}) {
    while (true) {
      const auto line = r->read_line(5s);
      REQUIRE(line.has_value());
      if (line->starts_with("< The user ")) continue;
      CHECK(*line == "[" + sender.address_name() + "] after the resets");
      break;
    }
  }
}

TEST_CASE("a half-closed peer leaves at once but still gets what was queued for it", "[hostile][half-close]") {
  // Its clients send faster than the default --rate-limit; what is tested
  // here is delivery, so the limit is off.
  ChatdProcess server({"--rate-limit", "0"});
  TestClient sender = join(server, {});
  TestClient watcher = join(server, {&sender});
  TestClient half = join(server, {&sender, &watcher}, "127.0.0.1", 4096);

  // ~300 KB for `half`: far more than its window, all queued in chatd.
  constexpr int kLines = 1500;
  sender.send_raw(numbered_batch("out", 0, kLines, 180));
  expect_who(sender, {sender.address_name(), watcher.address_name(), half.address_name()});

  half.shutdown_write();
  sender.expect_line("< The user " + half.address_name() + " left (2 users online)");
  CHECK(expect_numbered(watcher, sender.address_name(), "out", kLines) == 0);
  watcher.expect_line("< The user " + half.address_name() + " left (2 users online)");
  CHECK(expect_numbered(half, sender.address_name(), "out", kLines) == 0);
  REQUIRE(half.wait_closed());
}

TEST_CASE("garbage from one client never reaches others unclean and never disturbs them", "[hostile][garbage]") {
  const std::uint32_t seed = seed_from_env("CHAT_HOSTILE_SEED", 20240601);
  INFO("seed " << seed << " (replay with CHAT_HOSTILE_SEED=" << seed << ")");
  std::mt19937 rng(seed);

  // Its clients send faster than the default --rate-limit; what is tested
  // here is delivery, so the limit is off.
  ChatdProcess server({"--rate-limit", "0"});
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  TestClient garbage = join(server, {&alice, &bob});
  alice.send_line("/nick alice");
  alice.expect_line("> You are now known as alice");
  bob.expect_line("> " + alice.address_name() + " is now known as alice");
  garbage.expect_line("> " + alice.address_name() + " is now known as alice");
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> " + bob.address_name() + " is now known as bob");

  constexpr int kRounds = 120;
  std::uniform_int_distribution<std::size_t> size(1, 3000);
  for (int round = 0; round < kRounds; ++round) {
    garbage.send_raw(random_garbage(rng, size(rng)));
    alice.send_line("a " + std::to_string(round));
    bob.send_line("b " + std::to_string(round));
  }
  garbage.send_raw("\n");

  // Each of alice and bob must see the other's lines exactly, and from the
  // garbage sender only clean lines of the protocol's shapes, under whatever
  // name it ends up with; /who last proves nobody was dropped.
  for (auto [reader, other, prefix] : {std::tuple{&alice, "bob", "b"}, std::tuple{&bob, "alice", "a"}}) {
    std::string garbage_name = garbage.address_name();
    const std::string from_other = "[" + std::string(other) + "] " + prefix + " ";
    int next = 0;
    bool asked = false;
    while (true) {
      if (next == kRounds && !asked) {
        reader->send_line("/who");
        asked = true;
      }
      const auto line = reader->read_line(10s);
      INFO(reader->address_name() << " after " << next << " lines from " << other);
      REQUIRE(line.has_value());
      INFO("got \"" << *line << "\"");
      REQUIRE(is_clean_text(*line));
      if (line->starts_with(from_other)) {
        REQUIRE(*line == from_other + std::to_string(next));
        ++next;
        continue;
      }
      if (line->starts_with("> Online (3): ")) {
        REQUIRE(asked);
        CHECK(*line == "> Online (3): alice, bob, " + garbage_name);
        break;
      }
      if (const std::string renamed = "> " + garbage_name + " is now known as "; line->starts_with(renamed)) {
        garbage_name = line->substr(renamed.size());
        continue;
      }
      const bool from_garbage = line->starts_with("[" + garbage_name + "] ") ||
                                line->starts_with("* " + garbage_name + " ") ||
                                line->starts_with("[" + garbage_name + " -> you] ");
      REQUIRE(from_garbage);
    }
    REQUIRE(next == kRounds);
  }
}

TEST_CASE("a line of 4,096 invalid bytes reaches others as at most --max-line + 64 bytes of text",
          "[hostile][sanitize]") {
  ChatdProcess server({"--quiet"});
  TestClient sender = join(server, {});
  TestClient reader = join(server, {&sender});
  sender.send_raw(std::string(4096, '\xFF') + "\n");
  const auto line = reader.read_line();
  REQUIRE(line);
  const std::string prefix = "[" + sender.address_name() + "] ";
  REQUIRE(line->starts_with(prefix));
  CHECK(line->size() - prefix.size() <= 4096 + 64);  // before: 12,288
  CHECK(is_clean_text(*line));
  // The next line is intact.
  sender.send_line("after");
  reader.expect_line(prefix + "after");
}
