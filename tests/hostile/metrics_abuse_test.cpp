// The --metrics port under abuse: scrapers that never finish asking, more
// scrapers than allowed, junk and half-open connections. None of it may
// stall the chat, and the port serves again once the abusers' deadline
// (MetricsEndpoint::kDeadline, 5 s) has passed.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "chat_fixtures.h"
#include "chatd_process.h"
#include "metrics_http.h"
#include "test_client.h"

using namespace chat::test;

TEST_CASE("metrics abuse: slow, surplus and junk scrapers never stall the chat", "[hostile][metrics]") {
  if (engine_under_test() == "threads") return;  // --metrics is refused there (tests/integration)
  ChatdProcess server({"--metrics", "127.0.0.1:0"});
  const std::uint16_t port = metrics_port(server);
  REQUIRE(port != 0);
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});

  // Four slowloris scrapers take every slot: half a request line each.
  const auto slots_taken = std::chrono::steady_clock::now();
  std::vector<chat::UniqueFd> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(connect_loopback(port));
    ::send(slow.back().get(), "GET /met", 8, MSG_NOSIGNAL);
  }
  // The chat goes on meanwhile (the lines below are the proof: each is
  // delivered while the slow scrapers hold their connections).
  alice.send_line("still here");
  bob.expect_line("[" + alice.address_name() + "] still here");

  // Past the cap, a scraper is told 503 and closed at once, not queued
  // (while the slow ones are surely within their 5 s: a slow CI machine
  // may leave fewer than 8 tries before that).
  for (int i = 0; i < 8 && std::chrono::steady_clock::now() - slots_taken < 3s; ++i) {
    const std::string answer = http_exchange(port, "GET /metrics HTTP/1.1\r\n\r\n", 5s);
    INFO(answer);
    CHECK(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  }
  bob.send_line("and so am I");
  alice.expect_line("[" + bob.address_name() + "] and so am I");

  // The slow ones are closed at their deadline, without an answer.
  for (auto& fd : slow) CHECK(read_until_closed(fd.get(), 15s).empty());
  slow.clear();

  // Junk in a flood of connections: each is answered and closed, the chat still flows.
  for (int i = 0; i < 20; ++i) {
    std::string junk(static_cast<std::size_t>(100 + i * 300), static_cast<char>('A' + i % 26));
    junk += "\r\n\r\n";
    const std::string answer = http_exchange(port, junk, 10s);
    CHECK(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"));
  }
  // A head that never ends is cut at 8 KiB with a 400.
  {
    chat::UniqueFd endless = connect_loopback(port);
    const std::string chunk(4096, 'x');
    for (int i = 0; i < 2; ++i) ::send(endless.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL);
    CHECK(read_until_closed(endless.get(), 10s).starts_with("HTTP/1.1 400 "));
  }
  alice.send_line("done");
  bob.expect_line("[" + alice.address_name() + "] done");

  // And the port serves a scrape again, counting both users.
  CHECK(sample_value(scrape(port), "chatd_users") == 2);
}
