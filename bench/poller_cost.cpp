// poller_cost: what one wait() costs each engine as the number of watched
// connections grows, with one of them ready. This is the cost the engines
// differ in; everything else chatd does per line is the same code.
//
//   poller_cost [--max N] [--iterations I]
//
// For N = 10, 100, 500, 1000, 5000, 9000 (up to --max): N socketpairs are
// watched for reading, one of them has a byte waiting, and wait(0) is timed
// over I calls (default 20000, fewer for large N). select stops below
// FD_SETSIZE. Prints a table and one JSON object per line.
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/pollers/poller.h"
#include "unique_fd.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Pair {
  chat::UniqueFd a, b;
};

std::vector<Pair> make_pairs(std::size_t n) {
  std::vector<Pair> pairs;
  pairs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
      std::perror("socketpair");
      std::exit(1);
    }
    pairs.push_back({chat::UniqueFd(fds[0]), chat::UniqueFd(fds[1])});
  }
  return pairs;
}

// Nanoseconds per wait(0) call with `n` watched fds, one of them readable;
// negative if the engine cannot watch that many.
double ns_per_wait(const chat::Engine& engine, std::size_t n, int iterations) {
  std::error_code ec;
  auto poller = engine.create(ec);
  if (!poller) return -1;
  std::vector<Pair> pairs = make_pairs(n);
  for (const Pair& p : pairs) {
    if (poller->add(p.a.get(), chat::kReadable)) return -1;
  }
  // The ready one is in the middle, so no engine is favoured by its order.
  if (::write(pairs[n / 2].b.get(), "x", 1) != 1) return -1;
  std::vector<chat::PollEvent> events;
  for (int i = 0; i < 100; ++i) (void)poller->wait(events, 0);  // warm up
  const auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    if (poller->wait(events, 0) || events.size() != 1) return -1;
  }
  const std::chrono::duration<double, std::nano> took = Clock::now() - start;
  return took.count() / iterations;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t max = 9000;
  int base_iterations = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--max") max = std::strtoul(argv[i + 1], nullptr, 10);
    else if (flag == "--iterations") base_iterations = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: poller_cost [--max N] [--iterations I]\n");
      return 2;
    }
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);

  std::printf("%-8s %8s %14s\n", "engine", "fds", "ns per wait");
  for (const std::size_t n : {10, 100, 500, 1000, 5000, 9000}) {
    if (n > max) break;
    for (const chat::Engine& engine : chat::engines()) {
      // 2 fds per pair: stay inside select's fd_set and the fd limit.
      const bool fits = 2 * n + 16 < static_cast<std::size_t>(limit.rlim_cur) &&
                        (engine.name != "select" || 2 * n + 16 < FD_SETSIZE);
      const int iterations = std::max(200, base_iterations / static_cast<int>(std::max<std::size_t>(1, n / 100)));
      const double ns = fits ? ns_per_wait(engine, n, iterations) : -1;
      if (ns < 0) {
        std::printf("%-8.*s %8zu %14s\n", static_cast<int>(engine.name.size()), engine.name.data(), n, "n/a");
        continue;
      }
      std::printf("%-8.*s %8zu %14.0f\n", static_cast<int>(engine.name.size()), engine.name.data(), n, ns);
      std::fprintf(stderr, "{\"engine\":\"%.*s\",\"fds\":%zu,\"ns_per_wait\":%.1f,\"iterations\":%d}\n",
                   static_cast<int>(engine.name.size()), engine.name.data(), n, ns, iterations);
    }
  }
  return 0;
}
