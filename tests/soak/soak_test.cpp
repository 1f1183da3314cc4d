// The soak: one chatd under a minute of everything at once — churn of
// connects and disconnects (/quit, close, reset, half-close), steady senders
// with sequence numbers, a sender changing its nickname, slow readers that
// read in small bursts, garbage senders. One thread, one poll() loop.
//
// It asserts: chatd never exits; every steady sender's line reaches every
// fast reader exactly once and in order; each slow reader gets a subsequence
// of what a fast observer got, and received + skipped == the observer's
// count; and after the load, chatd's fds are back to their count and its
// resident memory is back near where it was after a warm-up of the same load.
#include <poll.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "async_peer.h"
#include "chatd_process.h"
#include "hostile_util.h"
#include "proc_stats.h"
#include "soak_config.h"

using namespace chat::test;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSenders = 4;       // s0..s3; s3 keeps changing its nickname
constexpr int kSlowReaders = 2;
constexpr int kGarbageSenders = 2;
constexpr std::size_t kChurnSlots = 6;
constexpr auto kSendEvery = std::chrono::milliseconds(20);    // per steady sender
constexpr auto kChurnEvery = std::chrono::milliseconds(30);   // one new churn connection
constexpr auto kNickEvery = std::chrono::milliseconds(1000);  // s3 renames itself
// Slow readers alternate: 8 s reading nothing, then 1 s reading all they
// get. While they pause, chatd's queue for them fills and it skips lines;
// each burst drains it, so they never look stalled (no byte accepted for
// --stall-timeout) to chatd. Their receive buffer is fixed at 256 KiB: a
// buffer smaller than loopback's 64 KiB MSS makes Linux drop and retransmit
// with backoff, and an autotuned one can keep the window shut for long
// stretches when read in trickles; either can look like a stall to chatd,
// which would then rightly drop them.
constexpr int kSlowReceiveBuffer = 256 * 1024;
constexpr auto kSlowPause = std::chrono::milliseconds(8000);
constexpr auto kSlowBurst = std::chrono::milliseconds(1000);

std::string sender_text(int sender, long seq) {
  return "S" + std::to_string(sender) + " " + std::to_string(seq) + " " +
         std::string(static_cast<std::size_t>(1000 + seq % 1000), static_cast<char>('a' + sender)) + " 끝";
}

// Parses "! N message(s) skipped (reading too slowly)" into N.
std::optional<long> skipped_count(const std::string& line) {
  static const std::string prefix = "! ", suffix = " skipped (reading too slowly)";
  if (!line.starts_with(prefix) || !line.ends_with(suffix)) return std::nullopt;
  std::string digits = line.substr(prefix.size(), line.size() - prefix.size() - suffix.size());
  // "1 message", "2 messages"
  const std::string unit = digits == "1 message" ? " message" : " messages";
  if (!digits.ends_with(unit)) return std::nullopt;
  digits.resize(digits.size() - unit.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stol(digits);
}

// A steady sender's line "[NAME] S<i> <seq> ...": which sender and seq.
struct SenderLine {
  int sender;
  long seq;
};
std::optional<SenderLine> parse_sender_line(const std::string& line) {
  if (!line.starts_with("[")) return std::nullopt;
  const auto close = line.find("] ");
  if (close == std::string::npos) return std::nullopt;
  const std::string name = line.substr(1, close - 1);
  const std::string text = line.substr(close + 2);
  if (text.size() < 4 || text[0] != 'S' || text[1] < '0' || text[1] >= '0' + kSenders || text[2] != ' ') {
    return std::nullopt;
  }
  const int sender = text[1] - '0';
  const bool name_fits = sender == 3 ? (name == "s3" || name.starts_with("n3-")) : name == "s" + std::to_string(sender);
  if (!name_fits) return std::nullopt;  // hostile text that merely looks alike
  const auto space = text.find(' ', 3);
  return SenderLine{sender, std::stol(text.substr(3, space - 3))};
}

struct Core {
  explicit Core(AsyncPeer p) : peer(std::move(p)) {}
  AsyncPeer peer;
  std::string name;                    // nickname (steady senders, observer) or address
  std::array<long, kSenders> next{};   // next seq expected from each sender
  long sent = 0;                       // steady senders: lines sent
  std::vector<std::string> transcript; // observer and slow readers: lines kept for the comparison
  long skipped = 0;                    // slow readers: sum of skip notices
  long notices = 0;
  bool slow = false;                   // reads in small bursts
  bool draining = false;               // slow reader catching up at the end
  Clock::time_point read_from{}, read_until{};  // slow readers: the current burst
  bool got_end = false;                // saw the END marker
  bool got_who = false;                // saw a /who reply
  long who_asked = 0, who_answered = 0;  // slow readers' own /who: a skipped reply is counted too
};

enum class ChurnState { connecting, talking, half_closed };
struct Churner {
  AsyncPeer peer;
  ChurnState state = ChurnState::connecting;
  int lines_left = 0;
  int how_to_leave = 0;  // 0 /quit, 1 close, 2 reset, 3 half-close
};

struct Garbage {
  AsyncPeer peer;
  std::size_t budget = 0;
  Clock::time_point next_send{};
};

class Soak {
 public:
  explicit Soak(ChatdProcess& server, std::uint32_t seed) : server_(server), rng_(seed) {}

  void run(std::chrono::seconds duration);

 private:
  void connect_core();
  void await_core(const char* what);
  void step(bool load, Clock::time_point now);
  void handle_core_line(Core& core, const std::string& line);
  void quiesce();
  void finish();
  // Runs the loop until `done` holds, with or without load; fails after `limit`.
  template <class Done>
  void loop_until(Done&& done, bool load, std::chrono::seconds limit, const char* what);
  std::size_t core_count() const { return core_.size(); }

  ChatdProcess& server_;
  std::mt19937 rng_;
  std::vector<Core> core_;  // [0] observer, [1..kSenders] senders, then slow readers
  std::vector<Churner> churn_;
  std::vector<Garbage> garbage_;
  Clock::time_point next_churn_{}, next_nick_{}, next_send_{};
  int nick_counter_ = 0;
  long churn_connections_ = 0, churn_lines_ = 0, garbage_connections_ = 0;
  std::string observer_who_;  // the last /who reply the observer got

  Core& observer() { return core_[0]; }
  Core& sender(int s) { return core_[static_cast<std::size_t>(1 + s)]; }
  Core& slow(int r) { return core_[static_cast<std::size_t>(1 + kSenders + r)]; }
};

void Soak::connect_core() {
  // Observer first, then the senders, all named; then the slow readers, so
  // that from a slow reader's arrival on, it and the observer are sent the
  // same broadcasts (the observer's own nick change is not among them).
  core_.emplace_back(AsyncPeer(server_.port()));
  observer().name = "observer";
  for (int s = 0; s < kSenders; ++s) {
    core_.emplace_back(AsyncPeer(server_.port()));
    sender(s).name = "s" + std::to_string(s);
  }
  for (Core& c : core_) {
    REQUIRE(c.peer.open());
    c.peer.queue_line("/nick " + c.name);
  }
  await_core("the named clients joining");
  for (int r = 0; r < kSlowReaders; ++r) {
    core_.emplace_back(AsyncPeer(server_.port(), kSlowReceiveBuffer));
    slow(r).slow = true;
    slow(r).name = slow(r).peer.address_name();
    REQUIRE(slow(r).peer.open());
  }
  await_core("the slow readers joining");
}

void Soak::await_core(const char* what) {
  // Everyone is in and named once the observer's /who lists exactly them.
  observer_who_.clear();
  std::string expected = "> Online (" + std::to_string(core_.size()) + "): ";
  for (std::size_t i = 0; i < core_.size(); ++i) expected += (i ? ", " : "") + core_[i].name;
  auto last_ask = Clock::time_point{};
  loop_until(
      [&] {
        if (observer_who_ == expected) return true;
        if (Clock::now() - last_ask > 100ms) {
          observer().peer.queue_line("/who");
          last_ask = Clock::now();
        }
        return false;
      },
      false, std::chrono::seconds(10), what);
}

void Soak::handle_core_line(Core& core, const std::string& line) {
  INFO(core.name << " got \"" << line << "\"");
  REQUIRE(is_clean_text(line));
  if (line.starts_with("> Online (")) {
    if (&core == &observer()) observer_who_ = line;
    core.got_who = true;
    ++core.who_answered;
    return;  // replies to one's own /who are not broadcasts: out of the comparison
  }
  if (auto skipped = skipped_count(line)) {
    REQUIRE(core.slow);  // fast readers must never fall behind
    core.skipped += *skipped;
    ++core.notices;
    return;
  }
  if (core.got_end) return;  // only /who replies and late notices are expected now
  if (core.slow || &core == &observer()) {
    // The comparison window starts after the observer saw the last slow
    // reader enter; a slow reader's window starts after its own welcome.
    core.transcript.push_back(line);
  }
  if (line == "[s0] END") {
    core.got_end = true;
    return;
  }
  if (auto parsed = parse_sender_line(line)) {
    if (core.slow) {
      REQUIRE(parsed->seq >= core.next[static_cast<std::size_t>(parsed->sender)]);  // in order, no duplicates
    } else {
      REQUIRE(parsed->seq == core.next[static_cast<std::size_t>(parsed->sender)]);  // exactly once, in order
    }
    core.next[static_cast<std::size_t>(parsed->sender)] = parsed->seq + 1;
    REQUIRE(line.substr(line.find("] ") + 2) == sender_text(parsed->sender, parsed->seq));
  }
}

template <class Done>
void Soak::loop_until(Done&& done, bool load, std::chrono::seconds limit, const char* what) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    const auto now = Clock::now();
    if (now > deadline) FAIL("timed out waiting for " << what);
    step(load, now);
  }
}

void Soak::step(bool load, Clock::time_point now) {
  std::uniform_int_distribution<int> percent(0, 99);
  if (load) {
    // Steady senders, all on one clock.
    if (now >= next_send_) {
      for (int s = 0; s < kSenders; ++s) sender(s).peer.queue_line(sender_text(s, sender(s).sent++));
      next_send_ = now + kSendEvery;
    }
    if (now >= next_nick_) {
      sender(3).peer.queue_line("/nick n3-" + std::to_string(nick_counter_++));
      next_nick_ = now + kNickEvery;
    }
    // Churn: a new short-lived connection every kChurnEvery while a slot is free.
    if (now >= next_churn_ && churn_.size() < kChurnSlots) {
      Churner c{AsyncPeer(server_.port())};
      c.lines_left = percent(rng_) % 3;
      c.how_to_leave = percent(rng_) % 4;
      if (percent(rng_) < 30) c.peer.queue_line("/nick c" + std::to_string(churn_connections_));
      churn_.push_back(std::move(c));
      ++churn_connections_;
      next_churn_ = now + kChurnEvery;
    }
    // Garbage senders reconnect after their budget, and send every 50 ms.
    while (garbage_.size() < kGarbageSenders) {
      garbage_.push_back(Garbage{AsyncPeer(server_.port()), std::uniform_int_distribution<std::size_t>(0, 20000)(rng_)});
      ++garbage_connections_;
    }
    for (Garbage& g : garbage_) {
      if (g.peer.unsent() == 0 && now >= g.next_send && g.budget > 0) {
        const std::size_t n = std::min<std::size_t>(g.budget, std::uniform_int_distribution<std::size_t>(1, 400)(rng_));
        g.peer.queue(random_garbage(rng_, n));
        g.budget -= n;
        g.next_send = now + 50ms;
      }
      if (g.budget == 0 && g.peer.unsent() == 0) {
        if (percent(rng_) < 50) g.peer.close_reset(); else g.peer.close();
      }
    }
  } else {
    // No load: every transient connection goes.
    for (Churner& c : churn_) c.peer.close();
    for (Garbage& g : garbage_) g.peer.close();
  }
  std::erase_if(churn_, [](const Churner& c) { return !c.peer.open(); });
  std::erase_if(garbage_, [](const Garbage& g) { return !g.peer.open(); });

  std::vector<pollfd> fds;
  for (Core& c : core_) {
    if (c.slow && now >= c.read_until) {
      c.read_from = now + kSlowPause;
      c.read_until = c.read_from + kSlowBurst;
    }
    const bool read = !c.slow || c.draining || now >= c.read_from;
    fds.push_back({c.peer.fd(), c.peer.events(read), 0});
  }
  for (const Churner& c : churn_) fds.push_back({c.peer.fd(), c.peer.events(true), 0});
  for (const Garbage& g : garbage_) fds.push_back({g.peer.fd(), g.peer.events(true), 0});
  ::poll(fds.data(), fds.size(), 5);

  std::vector<std::string> lines;
  std::size_t i = 0;
  for (Core& c : core_) {
    const short ready = fds[i++].revents;
    if (ready == 0) continue;
    if (ready & POLLOUT) REQUIRE(c.peer.flush() == AsyncPeer::Io::ok);
    if (ready & (POLLIN | POLLHUP | POLLERR)) {
      lines.clear();
      // At most 64 KiB per client per round, so no reader starves the others.
      const auto io = c.peer.receive(lines, 64 * 1024);
      for (const std::string& line : lines) handle_core_line(c, line);
      INFO(c.name << " was disconnected; chatd's stderr:\n" << server_.stderr_text());
      REQUIRE(io == AsyncPeer::Io::ok);
    }
  }
  for (Churner& c : churn_) {
    const short ready = fds[i++].revents;
    if (ready & POLLOUT && c.peer.flush() == AsyncPeer::Io::closed) c.peer.close();
    if (!c.peer.open() || !(ready & (POLLIN | POLLHUP | POLLERR))) continue;
    lines.clear();
    const auto io = c.peer.receive(lines);
    for (const std::string& line : lines) {
      INFO("a churn client got \"" << line << "\"");
      REQUIRE(is_clean_text(line));
      if (c.state == ChurnState::connecting && line.starts_with("> Connected to the chat server")) {
        c.state = ChurnState::talking;
      }
    }
    if (io == AsyncPeer::Io::closed) {
      c.peer.close();
      continue;
    }
    if (c.state != ChurnState::talking) continue;
    for (; c.lines_left > 0; --c.lines_left, ++churn_lines_) c.peer.queue_line("churn " + std::to_string(churn_lines_));
    switch (c.how_to_leave) {
      case 0: c.peer.queue_line("/quit"); c.state = ChurnState::half_closed; break;  // chatd closes
      case 1: c.peer.flush(); c.peer.close(); break;
      case 2: c.peer.flush(); c.peer.close_reset(); break;
      default: c.peer.flush(); c.peer.shutdown_write(); c.state = ChurnState::half_closed; break;
    }
  }
  for (Garbage& g : garbage_) {
    const short ready = fds[i++].revents;
    if (ready & POLLOUT && g.peer.flush() == AsyncPeer::Io::closed) g.peer.close();
    if (!g.peer.open() || !(ready & (POLLIN | POLLHUP | POLLERR))) continue;
    lines.clear();
    if (g.peer.receive(lines) == AsyncPeer::Io::closed) g.peer.close();
  }
}

void Soak::quiesce() {
  // Transient clients close; the room is back to the core once the
  // observer's /who says so.
  observer_who_.clear();
  std::string expected = "> Online (" + std::to_string(core_.size()) + "): ";
  auto last_ask = Clock::time_point{};
  loop_until(
      [&] {
        if (observer_who_.starts_with(expected)) return true;
        if (Clock::now() - last_ask > 100ms) {
          observer().peer.queue_line("/who");
          last_ask = Clock::now();
        }
        return false;
      },
      false, std::chrono::seconds(15), "the transient clients to leave");
}

void Soak::run(std::chrono::seconds duration) {
  const pid_t pid = server_.pid();
  const auto rss_start = resident_kib(pid);
  REQUIRE(rss_start.has_value());
  connect_core();
  // One fd per client on top of chatd's own (measured with clients in, as
  // chatd opens its spare fd only once it serves).
  const auto fds_core = open_fd_count(pid);
  REQUIRE(fds_core.has_value());
  const long fds_idle = *fds_core - static_cast<long>(core_.size());

  // Warm-up: a fifth of the time (the allocator settles), then a quiet room.
  const auto warm_up = std::max<std::chrono::milliseconds>(duration / 5, 1s);
  const auto start = Clock::now();
  loop_until([&] { return Clock::now() - start >= warm_up; }, true, duration + 10s, "the warm-up");
  quiesce();
  const auto rss_base = resident_kib(pid);
  REQUIRE(eventually([&] { return open_fd_count(pid) == fds_core; }, 5s));

  // The main load, then a quiet room again.
  long peak_rss = 0, peak_fds = 0;
  auto last_sample = Clock::now();
  loop_until(
      [&] {
        if (Clock::now() - last_sample >= 1s) {
          peak_rss = std::max(peak_rss, resident_kib(pid).value_or(0));
          peak_fds = std::max(peak_fds, open_fd_count(pid).value_or(0));
          last_sample = Clock::now();
        }
        return Clock::now() - start >= duration;
      },
      true, duration + 10s, "the main load");
  quiesce();
  const bool fds_back = eventually([&] { return open_fd_count(pid) == fds_core; }, 5s);
  INFO("chatd's stderr:\n" << server_.stderr_text());
  REQUIRE(fds_back);
  const auto rss_end = resident_kib(pid);

  // The slow readers catch up: once a /who of theirs is answered, what was
  // queued before it has come out. Then s0's END marker closes the window.
  for (int r = 0; r < kSlowReaders; ++r) slow(r).draining = true;
  for (int r = 0; r < kSlowReaders; ++r) {
    auto last_ask = Clock::time_point{};
    loop_until(
        [&] {
          if (slow(r).got_who) return true;
          if (Clock::now() - last_ask > 200ms) {
            slow(r).peer.queue_line("/who");
            ++slow(r).who_asked;
            last_ask = Clock::now();
          }
          return false;
        },
        false, std::chrono::seconds(15), "a slow reader's /who reply");
    slow(r).got_who = false;
  }
  sender(0).peer.queue_line("END");
  loop_until(
      [&] {
        return std::all_of(core_.begin(), core_.end(), [&](const Core& c) { return &c == &sender(0) || c.got_end; });
      },
      false, std::chrono::seconds(15), "the END marker");
  // A last /who per slow reader: any skip notice still owed comes before it.
  for (int r = 0; r < kSlowReaders; ++r) {
    slow(r).peer.queue_line("/who");
    ++slow(r).who_asked;
  }
  loop_until([&] { return slow(0).got_who && slow(1).got_who; }, false, std::chrono::seconds(15),
             "the slow readers' last /who");

  // Fast readers: every steady line, exactly once and in order (checked as
  // they arrived; here: none missing at the end).
  for (std::size_t c = 0; c <= kSenders; ++c) {
    for (int s = 0; s < kSenders; ++s) {
      if (c == static_cast<std::size_t>(1 + s)) continue;
      INFO(core_[c].name << " from s" << s);
      CHECK(core_[c].next[static_cast<std::size_t>(s)] == sender(s).sent);
    }
  }
  // Slow readers: a subsequence of the observer's lines over the same
  // window, and received + skipped == the observer's count.
  const std::vector<std::string>& all = observer().transcript;
  long total_skipped = 0;
  for (int r = 0; r < kSlowReaders; ++r) {
    const Core& reader = slow(r);
    const std::string entered = "> New user " + reader.name + " entered ";
    auto from = std::find_if(all.begin(), all.end(), [&](const std::string& l) { return l.starts_with(entered); });
    REQUIRE(from != all.end());
    ++from;
    // The slow reader's own transcript starts with its welcome and, for the
    // first one, the second one's arrival the observer saw before the window.
    std::vector<std::string> got = reader.transcript;
    REQUIRE(!got.empty());
    REQUIRE(got.front().starts_with("> Connected to the chat server"));
    got.erase(got.begin());
    const long window = static_cast<long>(all.end() - from);
    auto it = from;
    for (const std::string& line : got) {
      it = std::find(it, all.end(), line);
      INFO(reader.name << ": \"" << line << "\" is not in the observer's transcript in this order");
      REQUIRE(it != all.end());
      ++it;
    }
    // Skipped replies to its own /who are in its skip count, not in the window.
    const long skipped_replies = reader.who_asked - reader.who_answered;
    INFO(reader.name << ": received " << got.size() << ", skipped " << reader.skipped << " in " << reader.notices
                     << " notices (" << skipped_replies << " of them its own /who replies); the observer got "
                     << window);
    CHECK(static_cast<long>(got.size()) + reader.skipped - skipped_replies == window);
    total_skipped += reader.skipped;
  }

  const auto fds_end = open_fd_count(pid);
  for (Core& c : core_) c.peer.close();
  REQUIRE(eventually([&] { return open_fd_count(pid) == fds_idle; }, 5s));

  long sent = 0;
  for (int s = 0; s < kSenders; ++s) sent += sender(s).sent;
  const std::string figures =
      "soak " + engine_under_test() + " " + std::to_string(duration.count()) + " s: " + std::to_string(sent) +
      " steady lines (each to " + std::to_string(kSenders) + " fast readers), " + std::to_string(churn_connections_) +
      " churn connections, " + std::to_string(garbage_connections_) + " garbage connections, " +
      std::to_string(total_skipped) + " lines skipped for slow readers; RSS KiB start " + std::to_string(*rss_start) +
      ", after warm-up " + std::to_string(rss_base.value_or(0)) + ", peak " + std::to_string(peak_rss) +
      ", after load " + std::to_string(rss_end.value_or(0)) + "; fds idle " + std::to_string(fds_idle) +
      ", with core " + std::to_string(fds_core.value_or(0)) + ", peak " + std::to_string(peak_fds) + ", after load " +
      std::to_string(fds_end.value_or(0)) + ", at the end " + std::to_string(open_fd_count(pid).value_or(0));
  std::printf("%s\n", figures.c_str());
  INFO(figures);
  REQUIRE(rss_base.has_value());
  REQUIRE(rss_end.has_value());
  // Back near the post-warm-up level: a leak of a few hundred bytes per
  // connection or per message would show as megabytes here.
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine, so RSS cannot come
  // back down; LeakSanitizer checks for leaks at chatd's exit instead.
  WARN("RSS check skipped under AddressSanitizer (freed memory stays quarantined)");
#else
  CHECK(*rss_end <= *rss_base + std::max(4096L, *rss_base / 4));
#endif
  CHECK(fds_end == fds_core);
}

}  // namespace

TEST_CASE("soak: churn, steady senders, slow readers, garbage and nick changes", "[soak]") {
  const std::uint32_t seed = seed_from_env("CHAT_SOAK_SEED", 0x50a4);
  INFO("seed " << seed << " (replay with CHAT_SOAK_SEED=" << seed << ")");
  // Steady senders send 50 lines a second, past the default --rate-limit:
  // the soak checks delivery under load, so the limit is off.
  ChatdProcess server({"--max-queue", "64K", "--rate-limit", "0"});
  Soak soak(server, seed);
  soak.run(std::chrono::seconds(soak_seconds()));
  // chatd is still the same healthy process and shuts down cleanly.
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit() == 0);
}
