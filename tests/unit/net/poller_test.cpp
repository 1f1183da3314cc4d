// Every compiled-in engine against the same expectations, over socketpairs.
// The [engines] cases hold one SECTION per engine; ctest runs each engine's
// section as its own entry, "unit: CASE (ENGINE)" (tests/unit/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "net/pollers/poller.h"
#include "unique_fd.h"

using chat::UniqueFd;

namespace {

struct Pair {
  UniqueFd a, b;
  Pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
};

std::unique_ptr<chat::Poller> make(const chat::Engine& e) {
  std::error_code ec;
  auto p = e.create(ec);
  REQUIRE(p);
  REQUIRE(p->name() == e.name);
  return p;
}

unsigned ready_for(const std::vector<chat::PollEvent>& events, int fd) {
  for (const auto& e : events) {
    if (e.fd == fd) return e.ready;
  }
  return 0;
}

}  // namespace

TEST_CASE("every engine reports readable, writable, interest changes and removal", "[engines]") {
  for (const chat::Engine& engine : chat::engines()) {
    SECTION(std::string(engine.name)) {
      auto poller = make(engine);
      Pair p;
      std::vector<chat::PollEvent> events;

      REQUIRE_FALSE(poller->add(p.a.get(), chat::kReadable));
      REQUIRE_FALSE(poller->wait(events, 0));
      CHECK(events.empty());  // nothing to read yet

      REQUIRE(::write(p.b.get(), "x", 1) == 1);
      REQUIRE_FALSE(poller->wait(events, 1000));
      CHECK(ready_for(events, p.a.get()) == chat::kReadable);

      REQUIRE_FALSE(poller->modify(p.a.get(), chat::kReadable | chat::kWritable));
      REQUIRE_FALSE(poller->wait(events, 1000));
      CHECK(ready_for(events, p.a.get()) == (chat::kReadable | chat::kWritable));

      REQUIRE_FALSE(poller->modify(p.a.get(), chat::kWritable));
      REQUIRE_FALSE(poller->wait(events, 1000));
      CHECK(ready_for(events, p.a.get()) == chat::kWritable);

      poller->remove(p.a.get());
      REQUIRE_FALSE(poller->wait(events, 0));
      CHECK(events.empty());
    }
  }
}

TEST_CASE("every engine reports a hang-up as readable", "[engines]") {
  for (const chat::Engine& engine : chat::engines()) {
    SECTION(std::string(engine.name)) {
      auto poller = make(engine);
      Pair p;
      REQUIRE_FALSE(poller->add(p.a.get(), chat::kReadable));
      p.b.reset();
      std::vector<chat::PollEvent> events;
      REQUIRE_FALSE(poller->wait(events, 1000));
      CHECK((ready_for(events, p.a.get()) & chat::kReadable) != 0);
      char c;
      CHECK(::read(p.a.get(), &c, 1) == 0);
    }
  }
}

TEST_CASE("every engine keeps many fds apart, removing from the middle", "[engines]") {
  for (const chat::Engine& engine : chat::engines()) {
    SECTION(std::string(engine.name)) {
      auto poller = make(engine);
      std::vector<Pair> pairs(20);
      for (auto& p : pairs) REQUIRE_FALSE(poller->add(p.a.get(), chat::kReadable));
      for (std::size_t i = 0; i < pairs.size(); i += 3) poller->remove(pairs[i].a.get());
      for (auto& p : pairs) REQUIRE(::write(p.b.get(), "x", 1) == 1);
      std::vector<chat::PollEvent> events;
      REQUIRE_FALSE(poller->wait(events, 1000));
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        CAPTURE(i);
        CHECK(ready_for(events, pairs[i].a.get()) == (i % 3 == 0 ? 0u : chat::kReadable));
      }
    }
  }
}

TEST_CASE("every engine reports a peer's half-close as readable, not as a hang-up", "[engines]") {
  for (const chat::Engine& engine : chat::engines()) {
    SECTION(std::string(engine.name)) {
      auto poller = make(engine);
      Pair p;
      REQUIRE_FALSE(poller->add(p.a.get(), chat::kReadable));
      REQUIRE(::write(p.b.get(), "x", 1) == 1);
      REQUIRE(::shutdown(p.b.get(), SHUT_WR) == 0);
      std::vector<chat::PollEvent> events;
      REQUIRE_FALSE(poller->wait(events, 1000));
      CHECK(ready_for(events, p.a.get()) == chat::kReadable);  // the peer still reads: no hang-up
      char c;
      CHECK(::read(p.a.get(), &c, 1) == 1);  // the last byte comes before the end
      CHECK(::read(p.a.get(), &c, 1) == 0);
    }
  }
}

TEST_CASE("every engine gives a reused fd number only its new interest", "[engines]") {
  for (const chat::Engine& engine : chat::engines()) {
    SECTION(std::string(engine.name)) {
      auto poller = make(engine);
      int old_fd = -1;
      {
        Pair old;
        old_fd = old.a.get();
        REQUIRE_FALSE(poller->add(old_fd, chat::kReadable));
        // Changed and removed before any wait: a backend that queues
        // changes must drop these with the fd.
        REQUIRE_FALSE(poller->modify(old_fd, chat::kReadable | chat::kWritable));
        poller->remove(old_fd);
      }
      // The lowest free number comes back, unless something else (libkqueue's
      // own threads) freed a lower one meanwhile: hold those until it does.
      std::vector<Pair> held;
      Pair p;
      while (p.a.get() != old_fd && p.b.get() != old_fd && held.size() < 64) {
        held.push_back(std::move(p));
        p = Pair();
      }
      REQUIRE((p.a.get() == old_fd || p.b.get() == old_fd));
      REQUIRE_FALSE(poller->add(old_fd, chat::kReadable));
      std::vector<chat::PollEvent> events;
      REQUIRE_FALSE(poller->wait(events, 0));
      CHECK(events.empty());  // writable, but nobody asked
    }
  }
}

TEST_CASE("select refuses an fd at FD_SETSIZE instead of corrupting memory") {
  const chat::Engine* engine = chat::find_engine("select");
  REQUIRE(engine != nullptr);
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max <= FD_SETSIZE) {
    WARN("skipped: the hard fd limit (" << limit.rlim_max << ") does not reach FD_SETSIZE");
    return;
  }
  if (limit.rlim_cur <= FD_SETSIZE) {
    limit.rlim_cur = FD_SETSIZE + 1;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  }
  auto poller = make(*engine);
  Pair p;
  UniqueFd high(::fcntl(p.a.get(), F_DUPFD_CLOEXEC, FD_SETSIZE));
  REQUIRE(high.get() >= FD_SETSIZE);
  CHECK(poller->add(high.get(), chat::kReadable));  // an error
  // The poller still works for ordinary fds.
  REQUIRE_FALSE(poller->add(p.a.get(), chat::kReadable));
  REQUIRE(::write(p.b.get(), "x", 1) == 1);
  std::vector<chat::PollEvent> events;
  REQUIRE_FALSE(poller->wait(events, 1000));
  CHECK(events.size() == 1);
}

TEST_CASE("the preferred engine comes first and names are unique") {
  const auto all = chat::engines();
  REQUIRE_FALSE(all.empty());
#if defined(__linux__)
  CHECK(all.front().name == "epoll");
#endif
  std::vector<std::string_view> names;
  for (const auto& e : all) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  CHECK(chat::find_engine("nosuch") == nullptr);
}
