#include <catch2/catch.hpp>

#include <string>

#include "net/output_queue.h"

using chat::OutputQueue;
using namespace std::chrono_literals;

namespace {

std::string drain(OutputQueue& q, OutputQueue::Clock::time_point now) {
  std::string out;
  iovec iov[64];
  while (!q.empty()) {
    const std::size_t n = q.gather(iov);
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      bytes += iov[i].iov_len;
    }
    q.consume(bytes, now);
  }
  return out;
}

}  // namespace

TEST_CASE("lines come out in order, resuming inside a partly written line") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  q.push(chat::make_line("abc\n"), t);
  q.push(chat::make_line("defg\n"), t);
  q.consume(2, t);  // a short write stopped inside the first line
  iovec iov[8];
  REQUIRE(q.gather(iov) == 2);
  CHECK(std::string(static_cast<char*>(iov[0].iov_base), iov[0].iov_len) == "c\n");
  CHECK(q.bytes() == 7);
  q.consume(4, t);  // ends inside the second line
  CHECK(drain(q, t) == "fg\n");
}

TEST_CASE("copy_front copies the first unsent bytes across lines, as many as fit, and consumes nothing") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  q.push(chat::make_line("abc\n"), t);
  q.push(chat::make_line("defg\n"), t);
  q.push(chat::make_line("hi\n"), t);
  q.consume(2, t);  // resumes inside the first line
  char buf[6];
  REQUIRE(q.copy_front(buf) == 6);
  CHECK(std::string(buf, 6) == "c\ndefg");
  CHECK(q.bytes() == 10);  // nothing consumed: a TLS retry copies the same bytes
  REQUIRE(q.copy_front(buf) == 6);
  CHECK(std::string(buf, 6) == "c\ndefg");
  char big[64];
  REQUIRE(q.copy_front(big) == 10);
  CHECK(std::string(big, 10) == "c\ndefg\nhi\n");
}

TEST_CASE("gather never uses more entries than given") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(1 << 20);
  for (int i = 0; i < 100; ++i) q.push(chat::make_line("x\n"), t);
  iovec iov[64];
  CHECK(q.gather(iov) == 64);
}

TEST_CASE("past the limit lines are skipped and counted, and the notice comes below half") {
  const auto t = OutputQueue::Clock::now();
  const auto line = chat::make_line(std::string(99, 'x') + "\n");  // 100 bytes
  const std::size_t cost = OutputQueue::charge(line);
  OutputQueue q(10 * cost + cost / 2);
  int queued = 0;
  for (int i = 0; i < 15; ++i) queued += q.push(line, t) ? 1 : 0;
  CHECK(queued == 10);
  CHECK(q.skipped() == 5);
  CHECK(q.bytes() == 1000);

  q.consume(400, t);  // 600 left: not yet below half
  CHECK(q.skipped() == 5);
  q.consume(100, t);  // 500 left: below half, the notice is queued
  CHECK(q.skipped() == 0);
  const std::string rest = drain(q, t);
  CHECK(rest.substr(rest.size() - 42) == "! 5 messages skipped (reading too slowly)\n");
}

TEST_CASE("a queue that accepts nothing for the limit is stalled until any progress") {
  const auto t0 = OutputQueue::Clock::now();
  OutputQueue q(4096);
  CHECK_FALSE(q.stalled(t0 + 1h, 30s));  // nothing pending: never stalled
  q.push(chat::make_line("hello\n"), t0);
  CHECK_FALSE(q.stalled(t0 + 29s, 30s));
  CHECK(q.stalled(t0 + 30s, 30s));
  q.consume(1, t0 + 29s);  // one byte accepted
  CHECK_FALSE(q.stalled(t0 + 58s, 30s));
  CHECK(q.stalled(t0 + 59s, 30s));
  q.push(chat::make_line("more\n"), t0 + 59s);  // not empty before: clock not restarted
  CHECK(q.stalled(t0 + 59s, 30s));
}

TEST_CASE("the limit counts what each queued line keeps allocated, not just its bytes") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(64 * 1024);
  std::size_t queued = 0;
  for (int i = 0; i < 100000; ++i) {
    // A distinct tiny line each time, as /msg to oneself makes them.
    if (q.push(chat::make_line("[a -> you] x\n"), t)) ++queued;
  }
  INFO(queued << " tiny lines queued, " << q.charged() << " bytes charged for " << q.bytes() << " bytes of text");
  CHECK(q.charged() <= 64 * 1024);
  CHECK(queued * (13 + 32) <= 64 * 1024);  // a block and a ring slot at least, per line
  CHECK(q.skipped() == 100000 - queued);
}

TEST_CASE("control lines get through a full queue, within a small reserve") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  const auto text = chat::make_line(std::string(200, 'x') + "\n");
  while (q.push(text, t)) {
  }
  CHECK(q.skipped() == 1);
  CHECK(q.push(chat::make_line("> Server shutting down\n"), t, OutputQueue::Kind::control));
  CHECK(q.skipped() == 0);  // its count went first, in order
  const std::string out = drain(q, t);
  CHECK(out.ends_with("! 1 message skipped (reading too slowly)\n> Server shutting down\n"));
  while (q.push(text, t)) {
  }
  // The reserve is small: a flood of control lines cannot use it to grow the queue.
  int extra = 0;
  while (q.push(chat::make_line("! slow down: 1 message dropped\n"), t, OutputQueue::Kind::control)) ++extra;
  CHECK(q.charged() <= 4096 + OutputQueue::kControlReserve);
  CHECK(extra < 100);
}

TEST_CASE("a reply is admitted only if it fits, or else counts as one skipped message") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  CHECK(q.admit_reply(1000, 3));
  CHECK_FALSE(q.admit_reply(5000, 2));
  CHECK(q.skipped() == 1);
  (void)t;
}
