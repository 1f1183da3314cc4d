// The non-blocking log stream, over a pipe the test reads (or does not).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "base/log_writer.h"
#include "unique_fd.h"

using namespace std::chrono_literals;

namespace {

struct PipeEnds {
  chat::UniqueFd read, write;
};

PipeEnds make_pipe() {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  return {chat::UniqueFd(fds[0]), chat::UniqueFd(fds[1])};
}

// Reads until `needle` has arrived or `timeout` passes; returns all read.
std::string read_until(int fd, const std::string& needle, std::chrono::milliseconds timeout) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (got.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

}  // namespace

TEST_CASE("log lines are written in order") {
  PipeEnds p = make_pipe();
  chat::LogWriter log(p.write.get());
  log.write("one\n");
  log.write("two\n");
  CHECK(read_until(p.read.get(), "two\n", 5s) == "one\ntwo\n");
}

TEST_CASE("a log nobody reads drops lines past its buffer and says how many") {
  PipeEnds p = make_pipe();
  ::fcntl(p.write.get(), F_SETPIPE_SZ, 4096);
  chat::LogWriter log(p.write.get(), /*capacity=*/100);
  const std::string line(49, 'x');  // 50 bytes with its newline
  // The pipe takes 4096 bytes, the buffer 100: the rest is dropped, and
  // write() never blocks meanwhile.
  for (int i = 0; i < 200; ++i) log.write(line + "\n");
  std::string got = read_until(p.read.get(), " log lines dropped\n", 5s);
  const auto at = got.find("chatd: ");
  REQUIRE(at != std::string::npos);
  const std::size_t kept = at / 50;
  CHECK(got.substr(at) == "chatd: " + std::to_string(200 - kept) + " log lines dropped\n");
  // Once the stream moves, lines flow again.
  log.write("after\n");
  CHECK(read_until(p.read.get(), "after\n", 5s) == "after\n");
}

TEST_CASE("a diagnostic cause writes one line a second and counts the rest") {
  PipeEnds p = make_pipe();
  chat::LogWriter log(p.write.get());
  for (int i = 0; i < 5; ++i) log.write_limited("refused", "chatd: refused " + std::to_string(i) + "\n");
  log.write_limited("other", "chatd: other\n");
  const std::string got = read_until(p.read.get(), "more in the last second\n", 5s);
  CHECK(got == "chatd: refused 0\nchatd: other\nchatd: refused: 4 more in the last second\n");
}
