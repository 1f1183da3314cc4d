// --metrics against the real binary: a scrape promtool accepts, the
// counters moving with what users do, and a real Prometheus (Debian's
// prometheus package) scraping chatd, asked through its HTTP API.
#include <fcntl.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chat_fixtures.h"
#include "chatd_process.h"
#include "metrics_http.h"
#include "moderation_helpers.h"
#include "process_util.h"
#include "test_client.h"

using namespace chat::test;

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kPrometheus = "/usr/bin/prometheus";

bool threads_engine() { return engine_under_test() == "threads"; }

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("chat-metrics-" + tag + "-" + engine_under_test() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// A port nobody listens on right now (bound, read, closed).
std::uint16_t free_port() {
  chat::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
  return ntohs(a.sin_port);
}

// Polls `condition` every 100 ms until it holds or `timeout` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
}

// A Prometheus server on loopback, started with a generated config that
// scrapes one target every second, stopped (SIGTERM, then SIGKILL) by PID.
class PrometheusServer {
 public:
  PrometheusServer(const std::filesystem::path& dir, std::uint16_t target_port) : port_(free_port()) {
    const auto config = dir / "prometheus.yml";
    std::ofstream(config) << "global:\n"
                             "  scrape_interval: 1s\n"
                             "  scrape_timeout: 1s\n"
                             "scrape_configs:\n"
                             "  - job_name: chatd\n"
                             "    static_configs:\n"
                             "      - targets: ['127.0.0.1:"
                          << target_port << "']\n";
    const chat::UniqueFd log(::open((dir / "prometheus.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    pid_ = spawn_process(kPrometheus,
                         {"--config.file=" + config.string(), "--storage.tsdb.path=" + (dir / "data").string(),
                          "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
                         -1, log.get(), log.get());
  }
  ~PrometheusServer() {
    ::kill(pid_, SIGTERM);
    if (!await_exit(pid_, -1, std::chrono::steady_clock::now() + 10s)) {
      ::kill(pid_, SIGKILL);
      await_exit(pid_, -1, std::chrono::steady_clock::now() + 5s);
    }
  }
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  // The value of an instant query's first sample ("1", "3"), or nullopt
  // while Prometheus is not up or has no sample yet.
  std::optional<std::string> query(const std::string& url_encoded_query) const {
    std::string response;
    try {
      response = http_exchange(port_, "GET /api/v1/query?query=" + url_encoded_query +
                                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                               5s);
    } catch (const std::exception&) {
      return std::nullopt;  // not listening yet
    }
    const std::string key = "\"value\":[";
    const std::size_t at = response.find(key);
    if (at == std::string::npos) return std::nullopt;
    const std::size_t open = response.find('"', response.find(',', at));
    const std::size_t close = response.find('"', open + 1);
    if (open == std::string::npos || close == std::string::npos) return std::nullopt;
    return response.substr(open + 1, close - open - 1);
  }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("metrics: --engine threads refuses --metrics with one line", "[metrics]") {
  if (!threads_engine()) return;  // the other engines serve it (below)
  const RunResult r = run_program(CHATD_PATH, {"--engine", "threads", "--port", "0", "--metrics", "127.0.0.1:0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "chatd: --metrics needs a reactor engine, not --engine threads\n");
}

TEST_CASE("metrics: a real scrape passes promtool check metrics and counts what users did", "[metrics]") {
  if (threads_engine()) return;
  ChatdProcess server({"--metrics", "127.0.0.1:0"});
  const std::uint16_t port = metrics_port(server);
  REQUIRE(port != 0);
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});
  alice.send_line("hello");
  bob.expect_line("[" + alice.address_name() + "] hello");
  expect_who(alice, {alice.address_name(), bob.address_name()});  // the line was handled

  const std::string body = scrape(port);
  CHECK(sample_value(body, "chatd_users") == 2);
  CHECK(body.find("chatd_users_by_protocol{protocol=\"line\"} 2\n") != std::string::npos);
  CHECK(body.find("chatd_users_by_protocol{protocol=\"websocket\"} 0\n") != std::string::npos);
  CHECK(sample_value(body, "chatd_rooms") == 1);
  CHECK(sample_value(body, "chatd_connections") == 2);
  CHECK(sample_value(body, "chatd_lines_received_total") == 2);  // "hello", "/who"
  CHECK(body.find("chatd_connections_accepted_total{listener=\"plain\"} 2\n") != std::string::npos);
  CHECK(body.find("chatd_connections_accepted_total{listener=\"web\"} 0\n") != std::string::npos);
  CHECK(sample_value(body, "process_open_fds") > 0);
  CHECK(sample_value(body, "process_resident_memory_bytes") > 0);

  const RunResult check = run_program(kPromtool, {"check", "metrics"}, body);
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);

  bob.send_line("/quit");
  REQUIRE(bob.wait_closed());
  alice.expect_line("< The user " + bob.address_name() + " left " + online(1));
  CHECK(scrape(port).find("chatd_disconnects_total{reason=\"quit\"} 1\n") != std::string::npos);
}

TEST_CASE("metrics: users by protocol and disconnects of kicked and banned users", "[metrics][moderation]") {
  if (threads_engine()) return;
  StoreDir dir;
  ChatdProcess server({"--metrics", "127.0.0.1:0", "--web-port", "0", "--store", dir.db(), "--admin", "root"});
  const std::uint16_t port = metrics_port(server);
  REQUIRE(port != 0);
  const std::string web = "Web client at http://127.0.0.1:";
  REQUIRE(server.wait_stdout(web));
  const std::string out = server.stdout_text();
  const auto web_port = static_cast<std::uint16_t>(std::stoul(out.substr(out.find(web) + web.size())));
  const auto has = [](const std::string& body, const std::string& line) {
    return body.find("\n" + line + "\n") != std::string::npos;
  };

  TestClient root = moderation_user(server.port(), "root", true);
  {
    // A WebSocket user: upgraded, it joins as one more user.
    const chat::UniqueFd ws = connect_loopback(web_port);
    const std::string upgrade =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(web_port) +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n";
    REQUIRE(::send(ws.get(), upgrade.data(), upgrade.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(upgrade.size()));
    std::string body;
    CHECK(eventually([&] { return has(body = scrape(port), "chatd_users_by_protocol{protocol=\"websocket\"} 1"); },
                     10s));
    CHECK(has(body, "chatd_users_by_protocol{protocol=\"line\"} 1"));
    CHECK(has(body, "chatd_users 2"));
    // Counted by the port it came in on, not as a plain connection.
    CHECK(has(body, "chatd_connections_accepted_total{listener=\"web\"} 1"));
    CHECK(has(body, "chatd_connections_accepted_total{listener=\"plain\"} 1"));
  }
  CHECK(eventually([&] { return has(scrape(port), "chatd_users 1"); }, 10s));

  TestClient bob = moderation_user(server.port(), "bob", false);
  root.send_line("/kick bob");
  await_line(bob, "! you were kicked from #lobby by root");
  CHECK(bob.wait_closed());
  TestClient carol = moderation_user(server.port(), "carol", true);
  root.send_line("/ban carol");
  await_line(carol, "! you are banned from this server");
  CHECK(carol.wait_closed());
  std::string body;
  CHECK(eventually([&] { return has(body = scrape(port), "chatd_disconnects_total{reason=\"banned\"} 1"); }, 10s));
  CHECK(has(body, "chatd_disconnects_total{reason=\"kicked\"} 1"));
  CHECK(has(body, "chatd_disconnects_total{reason=\"replaced\"} 0"));
  const RunResult check = run_program(kPromtool, {"check", "metrics"}, body);
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
}

TEST_CASE("metrics: with --store, the store's queue, commits and errors are reported", "[metrics][store]") {
  if (threads_engine()) return;
  TempDir dir("store");
  ChatdProcess server({"--metrics", "127.0.0.1:0", "--store", (dir.path / "history.db").string()});
  const std::uint16_t port = metrics_port(server);
  REQUIRE(port != 0);
  TestClient alice = join(server, {});
  TestClient bob = join(server, {&alice});  // a line said to nobody is not kept
  alice.send_line("kept");
  bob.expect_line("[" + alice.address_name() + "] kept");
  // The writer commits within its gather time (20 ms): awaited, bounded.
  std::string body;
  CHECK(eventually([&] { return sample_value(body = scrape(port), "chatd_store_commit_duration_seconds_count") >= 1; },
                   10s));
  CHECK(sample_value(body, "chatd_store_commit_errors_total") == 0);
  CHECK(sample_value(body, "chatd_store_queue_lines") >= 0);
  CHECK(sample_value(body, "chatd_store_dropped_lines_total") == 0);
}

TEST_CASE("metrics: anything but GET /metrics is 404, 405 or 400", "[metrics]") {
  if (threads_engine()) return;
  ChatdProcess server({"--metrics", "127.0.0.1:0"});
  const std::uint16_t port = metrics_port(server);
  REQUIRE(port != 0);
  CHECK(http_exchange(port, "GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 Not Found\r\n"));
  CHECK(http_exchange(port, "GET /api/v1/query HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
  CHECK(http_exchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").starts_with("HTTP/1.1 405 "));
  CHECK(http_exchange(port, "hello chatd\n\n").starts_with("HTTP/1.1 400 "));
}

TEST_CASE("metrics: a real Prometheus scrapes chatd: up is 1, chatd_users the users connected", "[metrics][prometheus]") {
  if (threads_engine()) return;
  TempDir dir("prometheus");
  ChatdProcess server({"--metrics", "127.0.0.1:0"});
  const std::uint16_t port = metrics_port(server);
  REQUIRE(port != 0);
  TestClient a = join(server, {});
  TestClient b = join(server, {&a});
  TestClient c = join(server, {&a, &b});

  PrometheusServer prometheus(dir.path, port);
  std::string up = "none", users = "none";
  // Prometheus starts, scrapes within a second or two, and the sample is
  // queryable once appended: bounded, generous for a loaded CI machine.
  CHECK(eventually([&] { return (up = prometheus.query("up%7Bjob%3D%22chatd%22%7D").value_or("none")) == "1"; }, 45s));
  CHECK(eventually([&] { return (users = prometheus.query("chatd_users").value_or("none")) == "3"; }, 15s));
  INFO("up " << up << ", chatd_users " << users);
}
