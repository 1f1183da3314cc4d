// The send batch's bookkeeping (--engine uring): what each entry's result
// does to its receiver's queue. Pure, with made-up results; the io_uring
// sender itself over real sockets at the end (built with liburing only).
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "net/send_batch.h"
#include "unique_fd.h"
#if defined(CHAT_HAVE_URING)
#include "net/pollers/sender.h"
#endif

using chat::OutputQueue;
using chat::SendBatch;
using Outcome = SendBatch::Outcome;

namespace {

std::string front(const OutputQueue& q) {
  iovec iov[64];
  std::string out;
  const std::size_t n = q.gather(iov);
  for (std::size_t i = 0; i < n; ++i) out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

}  // namespace

TEST_CASE("a send batch entry points at the queued lines themselves") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue a(4096);
  OutputQueue b(4096);
  const chat::SharedLine line = chat::make_line("hello\n");
  a.push(line, t);
  b.push(line, t);
  b.push(chat::make_line("more\n"), t);
  SendBatch batch;
  batch.add(7, &a, a);
  batch.add(8, &b, b);
  REQUIRE(batch.size() == 2);
  CHECK(batch.entry(0).fd == 7);
  CHECK(batch.entry(0).offered == 6);
  CHECK(batch.entry(1).offered == 11);
  // Both receivers' first iovec is the one shared line buffer: no copy.
  CHECK(batch.iovecs(0)[0].iov_base == batch.iovecs(1)[0].iov_base);
  CHECK(batch.entry(0).result == SendBatch::kNotSent);
}

TEST_CASE("a short send consumes what went and resumes inside the line") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  q.push(chat::make_line("abcdef\n"), t);
  q.push(chat::make_line("gh\n"), t);
  SendBatch batch;
  batch.add(3, &q, q);
  batch.set_result(0, 4);
  CHECK(batch.apply(0, q, t) == Outcome::short_send);
  CHECK(front(q) == "ef\ngh\n");
  // The next round offers exactly the rest.
  batch.clear();
  batch.add(3, &q, q);
  CHECK(batch.entry(0).offered == 6);
  batch.set_result(0, 6);
  CHECK(batch.apply(0, q, t) == Outcome::sent);
  CHECK(q.empty());
}

TEST_CASE("EAGAIN and EINTR leave the queue as it was") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  q.push(chat::make_line("line\n"), t);
  SendBatch batch;
  batch.add(3, &q, q);
  batch.set_result(0, -EAGAIN);
  CHECK(batch.apply(0, q, t) == Outcome::would_block);
  CHECK(front(q) == "line\n");
  batch.set_result(0, -EINTR);
  CHECK(batch.apply(0, q, t) == Outcome::not_sent);
  CHECK(front(q) == "line\n");
  batch.set_result(0, -ECONNRESET);
  CHECK(batch.apply(0, q, t) == Outcome::failed);
  CHECK(front(q) == "line\n");
}

TEST_CASE("an entry the engine never sent and one whose receiver closed apply nothing") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue a(4096);
  OutputQueue b(4096);
  OutputQueue c(4096);
  for (OutputQueue* q : {&a, &b, &c}) q->push(chat::make_line("x\n"), t);
  SendBatch batch;
  batch.add(3, &a, a);
  batch.add(4, &b, b);
  batch.add(5, &c, c);
  // The engine failed after the first entry: the others have no result.
  batch.set_result(0, 2);
  // b's connection was closed while its send was out: its result, whatever
  // it is, must not touch the queue (which is about to go with it).
  batch.set_result(1, 2);
  batch.drop(1);
  CHECK(batch.apply(0, a, t) == Outcome::sent);
  CHECK(batch.apply(1, b, t) == Outcome::not_sent);
  CHECK(batch.apply(2, c, t) == Outcome::not_sent);
  CHECK(a.empty());
  CHECK(front(b) == "x\n");
  CHECK(front(c) == "x\n");
}

TEST_CASE("lines queued after the batch was made stay queued behind the sent ones") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(4096);
  q.push(chat::make_line("first\n"), t);
  SendBatch batch;
  batch.add(3, &q, q);
  q.push(chat::make_line("second\n"), t);  // a leave announced meanwhile
  batch.set_result(0, 6);
  CHECK(batch.apply(0, q, t) == Outcome::sent);
  CHECK(front(q) == "second\n");
}

TEST_CASE("a queue longer than one entry is sent over several rounds") {
  const auto t = OutputQueue::Clock::now();
  OutputQueue q(1 << 20);
  const std::size_t lines = SendBatch::kMaxIovecs + 10;
  for (std::size_t i = 0; i < lines; ++i) q.push(chat::make_line("z\n"), t);
  SendBatch batch;
  batch.add(3, &q, q);
  CHECK(batch.entry(0).count == SendBatch::kMaxIovecs);
  batch.set_result(0, static_cast<int>(batch.entry(0).offered));
  CHECK(batch.apply(0, q, t) == Outcome::sent);
  CHECK_FALSE(q.empty());  // the reactor goes another round
  CHECK(q.bytes() == 20);
}

TEST_CASE("a send that drains a skipping queue brings the skipped notice") {
  const auto t = OutputQueue::Clock::now();
  const chat::SharedLine big = chat::make_line(std::string(1000, 'b') + "\n");
  OutputQueue q(4 * OutputQueue::charge(big));
  std::size_t queued = 0;
  for (int i = 0; i < 10; ++i) queued += q.push(big, t) ? 1 : 0;
  REQUIRE(q.skipped() > 0);
  SendBatch batch;
  batch.add(3, &q, q);
  batch.set_result(0, static_cast<int>(batch.entry(0).offered));
  CHECK(batch.apply(0, q, t) == Outcome::sent);
  CHECK(front(q).find("skipped") != std::string::npos);
}

#if defined(CHAT_HAVE_URING)
TEST_CASE("the io_uring sender sends a batch, short when the socket fills, then EAGAIN") {
  std::error_code error;
  auto sender = chat::make_uring_sender(error);
  REQUIRE(sender);
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
  chat::UniqueFd a(fds[0]), b(fds[1]);
  int small = 4096;
  REQUIRE(::setsockopt(a.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  REQUIRE(::setsockopt(b.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);

  const auto t = OutputQueue::Clock::now();
  OutputQueue q(1 << 22);
  const chat::SharedLine line = chat::make_line(std::string(999, 'q') + "\n");
  for (int i = 0; i < 1000; ++i) q.push(line, t);  // 1 MB: far more than the socket takes
  const std::size_t total = q.bytes();
  SendBatch batch;
  batch.add(a.get(), &q, q);
  REQUIRE_FALSE(sender->send(batch));
  REQUIRE(batch.entry(0).result > 0);
  CHECK(batch.apply(0, q, t) == Outcome::short_send);
  CHECK(q.bytes() == total - static_cast<std::size_t>(batch.entry(0).result));

  batch.clear();
  batch.add(a.get(), &q, q);
  REQUIRE_FALSE(sender->send(batch));
  CHECK(batch.entry(0).result == -EAGAIN);
  CHECK(batch.apply(0, q, t) == Outcome::would_block);

  // The peer gone: the next send fails, and does not raise SIGPIPE.
  b.reset();
  batch.clear();
  batch.add(a.get(), &q, q);
  REQUIRE_FALSE(sender->send(batch));
  CHECK(batch.apply(0, q, t) == Outcome::failed);
}
#endif
