// hiredis's async API driven by each Poller engine through
// HiredisPollerAdapter, against a fake Redis on an ephemeral loopback port:
// connect, a command and its reply, then the server going away (the
// disconnect callback runs and the fd leaves the poller). One SECTION per
// engine, run as "unit: CASE (ENGINE)".
#include <catch2/catch.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cluster/hiredis_poller_adapter.h"
#include "net/pollers/poller.h"
#include "unique_fd.h"

using chat::UniqueFd;

namespace {

struct State {
  int connected = 0;      // status + 2 of the connect callback (REDIS_ERR is -1), 0 = not yet
  int disconnected = 0;   // likewise for the disconnect callback
  std::string reply;
};

// Runs the poller until `done` or 2 s, handing the adapter's events to it and
// accepting on / serving `listener` with `serve`.
void pump(chat::Poller& poller, chat::HiredisPollerAdapter& io, int listener, const std::function<void()>& serve,
          const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::vector<chat::PollEvent> events;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    REQUIRE_FALSE(poller.wait(events, 10));
    for (const chat::PollEvent& e : events) {
      if (e.fd == listener) continue;
      if (!io.detached() && e.fd == io.fd()) io.handle(e.ready);
    }
    serve();
  }
}

}  // namespace

TEST_CASE("hiredis runs on every engine through the adapter", "[engines]") {
  for (const chat::Engine& engine : chat::engines()) {
    SECTION(std::string(engine.name)) {
      std::error_code ec;
      auto poller = engine.create(ec);
      REQUIRE(poller);

      const UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
      REQUIRE(::listen(listener.get(), 4) == 0);
      socklen_t len = sizeof addr;
      REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);

      redisAsyncContext* context = redisAsyncConnect("127.0.0.1", ntohs(addr.sin_port));
      REQUIRE(context != nullptr);
      REQUIRE(context->err == 0);
      State state;
      context->data = &state;
      chat::HiredisPollerAdapter io(*poller, context);
      redisAsyncSetConnectCallback(context, [](const redisAsyncContext* c, int status) {
        static_cast<State*>(c->data)->connected = status + 2;
      });
      redisAsyncSetDisconnectCallback(context, [](const redisAsyncContext* c, int status) {
        static_cast<State*>(c->data)->disconnected = status + 2;
      });
      redisAsyncCommand(
          context,
          [](redisAsyncContext*, void* r, void* s) {
            if (r != nullptr) static_cast<State*>(s)->reply = static_cast<redisReply*>(r)->str;
          },
          &state, "PING");

      // The fake server: accepts, reads the command, answers +PONG.
      UniqueFd peer;
      std::string got;
      const auto serve = [&] {
        if (!peer) peer.reset(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!peer || got.find("PING\r\n") != std::string::npos) return;
        char buf[256];
        const ssize_t n = ::read(peer.get(), buf, sizeof buf);
        if (n > 0) got.append(buf, static_cast<std::size_t>(n));
        if (got.find("PING\r\n") != std::string::npos) REQUIRE(::write(peer.get(), "+PONG\r\n", 7) == 7);
      };
      pump(*poller, io, listener.get(), serve, [&] { return !state.reply.empty(); });
      CHECK(state.connected == REDIS_OK + 2);
      CHECK(got == "*1\r\n$4\r\nPING\r\n");
      CHECK(state.reply == "PONG");

      // The server goes away: hiredis reads EOF, calls back, frees the context.
      peer.reset();
      pump(*poller, io, listener.get(), [] {}, [&] { return state.disconnected != 0; });
      CHECK(state.disconnected != 0);
      CHECK(io.detached());
      CHECK_FALSE(io.error());
    }
  }
}
