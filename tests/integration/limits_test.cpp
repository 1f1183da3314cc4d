// Limits that protect chatd and everyone else: --max-line, --max-clients,
// --max-queue (slow readers) and --stall-timeout (stuck readers).
#include <catch2/catch.hpp>

#include <csignal>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "chat_fixtures.h"

using namespace chat::test;

namespace {

using Clock = std::chrono::steady_clock;

struct Pair {
  explicit Pair(std::vector<std::string> args = {}) : server(std::move(args)) {}
  ChatdProcess server;
  TestClient sender = join(server, {});
  TestClient receiver = join(server, {&sender});
  std::string from() const { return "[" + sender.address_name() + "] "; }
};

// Parses "! N message(s) skipped (reading too slowly)" into N.
std::optional<long> skipped_count(const std::string& line) {
  static const std::string prefix = "! ", suffix = " skipped (reading too slowly)";
  if (!line.starts_with(prefix) || !line.ends_with(suffix)) return std::nullopt;
  std::string digits = line.substr(prefix.size(), line.size() - prefix.size() - suffix.size());
  // "1 message", "2 messages"
  const std::string unit = digits == "1 message" ? " message" : " messages";
  if (!digits.ends_with(unit)) return std::nullopt;
  digits.resize(digits.size() - unit.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stol(digits);
}

// The most a TCP send buffer can grow to (Linux: tcp_wmem's third field).
std::size_t max_send_buffer() {
  std::size_t low = 0, initial = 0, max = 0;
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  if (wmem >> low >> initial >> max && max > 0) return std::min<std::size_t>(max, 64u << 20);
  return 4u << 20;
}

}  // namespace

TEST_CASE("an oversize line is rejected and the sender can still talk", "[limits][max-line]") {
  Pair p({"--max-line", "64"});
  p.sender.send_line(std::string(65, 'x'));
  p.sender.expect_line("! line too long (max 64 bytes)");
  p.sender.send_line("still here");
  // The receiver's next line is this one: nothing of the oversize line got out.
  p.receiver.expect_line(p.from() + "still here");
  expect_who(p.sender, {p.sender.address_name(), p.receiver.address_name()});
}

TEST_CASE("a line of exactly --max-line bytes is accepted", "[limits][max-line]") {
  Pair p({"--max-line", "64"});
  const std::string exact(64, 'y');
  p.sender.send_line(exact);
  p.receiver.expect_line(p.from() + exact);
  // The CR of a CRLF does not count.
  p.sender.send_raw(exact + "\r\n");
  p.receiver.expect_line(p.from() + exact);
  // Multi-byte characters count in bytes: 21 three-byte characters = 63 bytes, plus one.
  std::string korean;
  for (int i = 0; i < 21; ++i) korean += "한";
  p.sender.send_line(korean + "!");
  p.receiver.expect_line(p.from() + korean + "!");
  p.sender.send_line(korean + "!!");
  p.sender.expect_line("! line too long (max 64 bytes)");
}

TEST_CASE("an oversize line sent in small pieces is rejected once", "[limits][max-line]") {
  Pair p({"--max-line", "64"});
  for (int i = 0; i < 40; ++i) {
    p.sender.send_raw("0123456789");  // 400 bytes, no newline yet
    if (i == 10) p.sender.expect_line("! line too long (max 64 bytes)");  // as soon as it overflows
  }
  p.sender.send_raw("\n");
  p.sender.send_line("short again");
  p.receiver.expect_line(p.from() + "short again");
  // Exactly one error for the whole long line: the /who reply comes next.
  expect_who(p.sender, {p.sender.address_name(), p.receiver.address_name()});
}

TEST_CASE("the default line limit is 4096 bytes", "[limits][max-line]") {
  Pair p;
  const std::string exact(4096, 'z');
  p.sender.send_line(exact);
  p.receiver.expect_line(p.from() + exact);
  p.sender.send_line(std::string(4097, 'z'));
  p.sender.expect_line("! line too long (max 4096 bytes)");
  // A huge line is discarded as it streams, never buffered whole.
  p.sender.send_line(std::string(4 << 20, 'h'));
  p.sender.expect_line("! line too long (max 4096 bytes)");
  p.sender.send_line("fine");
  p.receiver.expect_line(p.from() + "fine");
}

TEST_CASE("a full server turns a newcomer away unseen", "[limits][max-clients]") {
  ChatdProcess server({"--max-clients", "2"});
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  TestClient c(server.port());
  c.expect_line("! server full");
  REQUIRE(c.wait_closed());
  // Nobody saw a join: /who comes first and counts two.
  expect_who(a, {a.address_name(), b.address_name()});
  expect_who(b, {a.address_name(), b.address_name()});

  // A freed seat can be taken again.
  b.send_line("/quit");
  REQUIRE(b.wait_closed());
  a.expect_line("< The user " + b.address_name() + " left (1 user online)");
  TestClient d = join(server, {&a});
}

TEST_CASE("a slow reader skips lines and is told how many", "[limits][slow-reader]") {
  // The sender floods far past the default --rate-limit; this is about
  // the receiver's side, so the limit is off.
  ChatdProcess server({"--rate-limit", "0", "--max-queue", "65536"});
  TestClient sender = join(server, {});
  // A tiny receive window keeps chatd's output queued in chatd, not in the kernel.
  TestClient reader = join(server, {&sender}, "127.0.0.1", 4096);
  const std::string from = "[" + sender.address_name() + "] ";

  // Enough for a reader that reads nothing meanwhile to pass the 64 KiB queue
  // even after the kernel's send buffer for it (autotuned up to tcp_wmem's
  // maximum) has taken its share.
  const std::string padding(120, '.');
  const int kLines = static_cast<int>((max_send_buffer() + (2 << 20)) / (padding.size() + 12));
  std::string batch;
  for (int i = 0; i < kLines; ++i) {
    batch += "line " + std::to_string(i) + " " + padding + "\n";
    if (batch.size() > 65536 || i == kLines - 1) {
      sender.send_raw(batch);
      batch.clear();
    }
  }
  // chatd handles the sender's lines in order: once this reply is here, every
  // line above has been queued or skipped for the reader.
  expect_who(sender, {sender.address_name(), reader.address_name()});

  long received = 0, skipped = 0, notices = 0;
  int last_index = -1;
  auto take = [&](const std::string& line) {
    if (auto n = skipped_count(line)) {
      skipped += *n;
      ++notices;
      return;
    }
    INFO("reader got \"" << line << "\"");
    REQUIRE(line.starts_with(from + "line "));
    const int index = std::stoi(line.substr(from.size() + 5));
    REQUIRE(index > last_index);  // in order, never duplicated
    last_index = index;
    ++received;
  };
  // Every line is now either queued or counted as skipped, and the reader
  // draining its queue makes chatd report each skipped count. (Some engines
  // can drain into the kernel during the flood and report more than once.)
  while (received + skipped < kLines) {
    auto line = reader.read_line();
    INFO("after " << received << " lines and " << skipped << " skipped in " << notices
                  << " notice(s), of " << kLines << " (last: line " << last_index << ")");
    REQUIRE(line.has_value());
    take(*line);
  }
  INFO("received " << received << ", skipped " << skipped << " in " << notices << " notice(s)");
  CHECK(notices > 0);
  CHECK(received + skipped == kLines);
  // The queue is below half now, so a final marker gets through, and
  // nothing else (no late notice) comes before it.
  sender.send_line("marker");
  reader.expect_line(from + "marker");
}

TEST_CASE("a reader that accepts nothing is dropped after --stall-timeout", "[limits][stall]") {
  // The sender floods far past the default --rate-limit; this is about
  // the receiver's side, so the limit is off.
  ChatdProcess server({"--rate-limit", "0", "--stall-timeout", "1", "--max-queue", "65536"});
  TestClient sender = join(server, {});
  TestClient stuck = join(server, {&sender}, "127.0.0.1", 4096);
  const std::string name = stuck.address_name();
  const std::string leave_line = "< The user " + name + " left (1 user online)";

  // Keep output pending for `stuck` until chatd gives up on it, within
  // bounds: large batches first, so the kernel's send buffer towards `stuck`
  // (up to a few MiB) fills quickly, then a trickle that keeps chatd's queue
  // for it non-empty without moving tens of megabytes.
  const std::string line(1000, 's');
  std::string big, small;
  for (int i = 0; i < 256; ++i) big += line + "\n";
  for (int i = 0; i < 16; ++i) small += line + "\n";
  const std::size_t fast_fill = 2 * max_send_buffer();
  const auto deadline = Clock::now() + 20s;
  std::size_t sent = 0;
  bool dropped = false;
  while (!dropped && sent < (64u << 20) && Clock::now() < deadline) {
    const std::string& batch = sent < fast_fill ? big : small;
    sender.send_raw(batch);
    sent += batch.size();
    if (auto reply = sender.read_line(10ms)) {
      REQUIRE(*reply == leave_line);
      dropped = true;
    }
  }
  INFO("sent " << sent << " bytes");
  REQUIRE(dropped);
  REQUIRE(server.wait_stderr(name));
  const std::string err = server.stderr_text();
  INFO("chatd stderr:\n" << err);
  const auto at = err.find(name);
  const auto line_start = err.rfind('\n', at);
  const std::string_view log_line =
      std::string_view(err).substr(line_start == std::string::npos ? 0 : line_start + 1);
  CHECK(log_line.starts_with("chatd: "));
  expect_who(sender, {sender.address_name()});
  REQUIRE(stuck.wait_closed(10s));
}

TEST_CASE("a reader that reads slowly but steadily is not taken for stalled", "[limits][stall]") {
  // A small receive buffer read a little at a time frees the server's
  // (much larger) send buffer only slowly, so the socket may not report
  // writable for longer than the stall timeout although the reader makes
  // progress all along. chatd must see that progress and keep it.
  // The sender floods far past the default --rate-limit; this is about
  // the receiver's side, so the limit is off.
  ChatdProcess server({"--rate-limit", "0", "--stall-timeout", "1", "--max-queue", "64K"});
  TestClient sender = join(server, {});
  TestClient slow = join(server, {&sender}, "127.0.0.1", 4096);
  const std::string from = "[" + sender.address_name() + "] ";

  // 20 MB: chatd skips most of it for `slow` (--max-queue 64K), but the
  // kernel's send buffer towards `slow` fills and grows first. Sent from a
  // second thread while `slow` reads: how long chatd takes to handle the
  // flood (it takes 64 lines of a client per turn) must not matter.
  const std::string payload(200, 'p');
  std::string batch;
  for (int i = 0; i < 5000; ++i) batch += payload + "\n";
  std::atomic<bool> flooded = false;
  std::jthread flood([&] {  // joined on every way out
    for (int i = 0; i < 20; ++i) sender.send_raw(batch);
    flooded = true;
  });

  // About 20 KB/s for 3.5 s at least and until the flood is in, well past
  // the 1 s stall timeout. The pauses are the point: this reader is slow on
  // purpose.
  const auto until = Clock::now() + 3500ms;
  int lines = 0;
  while (Clock::now() < until || !flooded) {
    for (int i = 0; i < 10; ++i) {
      const auto line = slow.read_line(1s);
      REQUIRE(line);  // never disconnected
      if (!skipped_count(*line)) REQUIRE(*line == from + payload);
      ++lines;
    }
    std::this_thread::sleep_for(100ms);
  }
  flood.join();
  INFO("lines read: " << lines << "\nchatd stderr:\n" << server.stderr_text());
  CHECK(server.stderr_text().find("dropping") == std::string::npos);
  expect_who(sender, {sender.address_name(), slow.address_name()});
}

TEST_CASE("a /who reply longer than --max-line comes as several lines within it", "[limits][who]") {
  ChatdProcess server({"--max-line", "64"});
  std::vector<TestClient> users;
  users.reserve(10);
  for (int i = 0; i < 10; ++i) {
    std::vector<TestClient*> present;
    for (auto& u : users) present.push_back(&u);
    users.push_back(join(server, present));
  }
  TestClient& asker = users.front();
  asker.send_line("/who");
  std::vector<std::string> lines;
  while (lines.empty() || lines.back().ends_with(",")) {
    const auto line = asker.read_line();
    REQUIRE(line.has_value());
    lines.push_back(*line);
  }
  REQUIRE(lines.size() > 1);
  std::string names;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i << ": \"" << lines[i] << "\"");
    CHECK(lines[i].size() <= 64);
    const std::string_view prefix = i == 0 ? "> Online (10): " : ">   ";
    REQUIRE(lines[i].starts_with(prefix));
    names += (i > 0 ? " " : "") + lines[i].substr(prefix.size());
  }
  std::string expected;
  for (std::size_t i = 0; i < users.size(); ++i) expected += (i > 0 ? ", " : "") + users[i].address_name();
  CHECK(names == expected);
  REQUIRE(asker.no_line_within(200ms));
}

TEST_CASE("a reader whose queue is full still gets \"> Server shutting down\"", "[limits][shutdown]") {
  // The sender floods far past the default --rate-limit to fill the
  // reader's queue; the limit is off.
  ChatdProcess server({"--rate-limit", "0", "--max-queue", "64K"});
  TestClient sender = join(server, {});
  TestClient reader = join(server, {&sender}, "127.0.0.1", 4096);
  const std::string padding(120, '.');
  const int kLines = static_cast<int>((max_send_buffer() + (2 << 20)) / (padding.size() + 12));
  std::string batch;
  for (int i = 0; i < kLines; ++i) {
    batch += "line " + std::to_string(i) + " " + padding + "\n";
    if (batch.size() > 65536 || i == kLines - 1) {
      sender.send_raw(batch);
      batch.clear();
    }
  }
  // Then short lines (shorter than the notice) top the queue up to the byte.
  sender.send_raw([] {
    std::string x;
    for (int i = 0; i < 5000; ++i) x += "x\n";
    return x;
  }());
  expect_who(sender, {sender.address_name(), reader.address_name()});  // the flood is queued or skipped

  server.signal(SIGTERM);
  // Whatever the reader drains first, the notice comes last, right after the
  // count of what was skipped.
  std::vector<std::string> tail;
  while (auto line = reader.read_line(5s)) tail.push_back(std::move(*line));
  INFO("last lines: " << (tail.size() > 2 ? tail[tail.size() - 3] : "") << " / " << (tail.size() > 1 ? tail[tail.size() - 2] : "") << " / " << (tail.empty() ? "" : tail.back()) << " of " << tail.size());
  REQUIRE(tail.size() >= 2);
  CHECK(tail.back() == "> Server shutting down");
  CHECK(skipped_count(tail[tail.size() - 2]).has_value());
  CHECK(server.wait_exit() == 0);
}
