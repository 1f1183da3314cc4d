// Flood control and idleness: --rate-limit drops lines over a user's token
// bucket and counts every drop exactly once; --idle-timeout disconnects a
// user who sends nothing, and only them.
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "chat_fixtures.h"
#include "hostile_util.h"

using namespace chat::test;

namespace {

using Clock = std::chrono::steady_clock;

// Parses "! slow down: N message(s) dropped" into N.
std::optional<long> dropped_count(const std::string& line) {
  static const std::string prefix = "! slow down: ", suffix = " dropped";
  if (!line.starts_with(prefix) || !line.ends_with(suffix)) return std::nullopt;
  std::string digits = line.substr(prefix.size(), line.size() - prefix.size() - suffix.size());
  // "1 message", "2 messages"
  const std::string unit = digits == "1 message" ? " message" : " messages";
  if (!digits.ends_with(unit)) return std::nullopt;
  digits.resize(digits.size() - unit.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stol(digits);
}

}  // namespace

TEST_CASE("flood control (--rate-limit) drops a burst's excess, reports every drop once, disconnects nobody",
          "[hostile][rate-limit]") {
  ChatdProcess server({"--rate-limit", "2:5"});
  TestClient sender = join(server, {});
  TestClient receiver = join(server, {&sender});
  const std::string from = "[" + sender.address_name() + "] ";

  constexpr int kBurst = 40;
  std::string burst;
  for (int i = 0; i < kBurst; ++i) burst += "flood " + std::to_string(i) + "\n";
  sender.send_raw(burst);

  // The first drop is reported at once, before anything else.
  const auto first = sender.read_line(5s);
  REQUIRE(first.has_value());
  INFO("first reply \"" << *first << "\"");
  REQUIRE(dropped_count(*first).has_value());
  long reported = *dropped_count(*first);

  // Keep asking /who until one gets through the bucket: its reply is a
  // barrier (every line before it was handled) and the notices before it
  // count the rest of the drops, the dropped /who lines included.
  long lines_sent = kBurst;
  bool answered = false;
  const auto deadline = Clock::now() + 10s;
  while (!answered && Clock::now() < deadline) {
    sender.send_line("/who");
    ++lines_sent;
    // Read whatever came back within 100 ms.
    while (auto line = sender.read_line(100ms)) {
      if (auto n = dropped_count(*line)) {
        reported += *n;
      } else {
        INFO("sender got \"" << *line << "\"");
        REQUIRE(*line == "> Online (2): " + sender.address_name() + ", " + receiver.address_name());
        answered = true;
        break;
      }
    }
  }
  REQUIRE(answered);

  // The receiver got exactly the text lines that passed, in order: the
  // first BURST at least, and what the refill let through.
  receiver.send_line("/who");  // the receiver's own first line passes its own bucket
  std::vector<int> passed;
  while (true) {
    const auto line = receiver.read_line(5s);
    REQUIRE(line.has_value());
    if (line->starts_with("> Online (2)")) break;
    INFO("receiver got \"" << *line << "\"");
    REQUIRE(line->starts_with(from + "flood "));
    const int index = std::stoi(line->substr(from.size() + 6));
    if (!passed.empty()) REQUIRE(index > passed.back());
    passed.push_back(index);
  }
  INFO("sent " << lines_sent << " lines, " << passed.size() << " text lines passed, " << reported
               << " reported dropped");
  REQUIRE(passed.size() >= 5);
  REQUIRE(passed[0] == 0);
  CHECK(reported == lines_sent - static_cast<long>(passed.size()) - 1);  // -1: the /who that passed

  // Still connected and still allowed to talk once the bucket refills.
  REQUIRE(sender.no_line_within(600ms));  // no late notice, no close; a token is back meanwhile
  sender.send_line("calm now");
  receiver.expect_line(from + "calm now");
}

TEST_CASE("drops are reported when the burst ends, not at the next line, and one drop is \"1 message\"",
          "[hostile][rate-limit]") {
  ChatdProcess server({"--rate-limit", "1:5"});
  TestClient sender = join(server, {});
  TestClient receiver = join(server, {&sender});

  // A paste of 20 lines: 5 pass, 15 are dropped, and the sender hears so
  // without typing anything more.
  std::string paste;
  for (int i = 0; i < 20; ++i) paste += "pasted " + std::to_string(i) + "\n";
  sender.send_raw(paste);
  sender.expect_line("! slow down: 15 messages dropped", 3s);
  // The bucket is still empty: one more line is one more drop, said so.
  sender.send_line("one more");
  sender.expect_line("! slow down: 1 message dropped", 3s);
  for (int i = 0; i < 5; ++i) receiver.expect_line("[" + sender.address_name() + "] pasted " + std::to_string(i));
  REQUIRE(receiver.no_line_within(300ms));
}

TEST_CASE("an idle user is disconnected by --idle-timeout with a notice, an active one stays",
          "[hostile][idle]") {
  ChatdProcess server({"--idle-timeout", "1"});
  TestClient active = join(server, {});
  TestClient silent = join(server, {&active});
  const std::string leave = "< The user " + silent.address_name() + " left (1 user online)";
  const std::string from = "[" + active.address_name() + "] ";

  // `active` talks every 300 ms; `silent` only receives, which is not activity.
  bool left = false;
  int sent = 0;
  const auto deadline = Clock::now() + 5s;
  while (!left && Clock::now() < deadline) {
    active.send_line("ping " + std::to_string(sent++));
    if (auto line = active.read_line(300ms)) {
      REQUIRE(*line == leave);
      left = true;
    }
  }
  REQUIRE(left);
  // `silent` got every ping up to its drop, then the notice, then EOF.
  for (int i = 0;; ++i) {
    const auto line = silent.read_line(2s);
    REQUIRE(line.has_value());
    if (*line == "> Disconnected: idle for 1 s") break;
    REQUIRE(*line == from + "ping " + std::to_string(i));
  }
  REQUIRE(silent.wait_closed(2s));

  // `active` keeps its seat past several more timeouts' worth of time.
  const auto stay_until = Clock::now() + 1500ms;
  while (Clock::now() < stay_until) {
    active.send_line("/who");
    active.expect_line("> Online (1): " + active.address_name());
    REQUIRE(active.no_line_within(300ms));
  }
}
