// A cluster for the tests: one redis-server on a free loopback port and N
// chatd nodes joined to it with --cluster, each on its own ephemeral port
// (or all on one port with --reuse-port). Short --node-timeout so a dead
// node is reaped within the test's seconds; --history 0 so a newcomer's
// first line is the welcome on every node; --rate-limit 0 for bursts.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "bus_watch.h"
#include "chat_fixtures.h"
#include "redis_server.h"

namespace chat::test {

// The node timeout the tests run with, in seconds: short, so reaping a
// SIGKILLed node fits in a test, yet several heartbeats long.
inline constexpr int kNodeTimeoutS = 2;

inline std::string node_name(int i) { return "node" + std::to_string(i); }

// chatd's arguments for node `i` of a cluster on `redis`.
inline std::vector<std::string> node_args(const RedisServer& redis, int i,
                                          std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--cluster",      redis.url(),  "--node-name",  node_name(i),
                                   "--node-timeout", std::to_string(kNodeTimeoutS),
                                   "--history",      "0",          "--rate-limit", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// The log line a node prints once its link to Redis is up.
inline std::string connected_log(const RedisServer& redis, int i) {
  return "cluster: connected to redis 127.0.0.1:" + std::to_string(redis.port()) + " as node " +
         node_name(i);
}

struct Cluster {
  RedisServer redis;
  std::vector<std::unique_ptr<ChatdProcess>> nodes;
  std::unique_ptr<BusWatch> bus;  // made after the nodes subscribed

  explicit Cluster(int count, std::vector<std::string> extra = {}) {
    for (int i = 0; i < count; ++i) start_node(i, extra);
    bus = std::make_unique<BusWatch>(redis.port());
  }

  // Starts node i (again; on `port`, 0 for any) and waits until it is connected to Redis.
  ChatdProcess& start_node(int i, const std::vector<std::string>& extra = {}, std::uint16_t port = 0) {
    if (static_cast<int>(nodes.size()) <= i) nodes.resize(static_cast<std::size_t>(i) + 1);
    nodes[static_cast<std::size_t>(i)] = std::make_unique<ChatdProcess>("127.0.0.1", port, node_args(redis, i, extra));
    ChatdProcess& node = *nodes[static_cast<std::size_t>(i)];
    INFO("node " << i << " stdout:\n" << node.stdout_text() << "\nstderr:\n" << node.stderr_text());
    REQUIRE(node.wait_stdout(connected_log(redis, i)));
    return node;
  }

  // SIGKILLs node i and starts it again at once, under its name and on its
  // port, as a supervisor (systemd's Restart=) would.
  ChatdProcess& restart_node(int i, const std::vector<std::string>& extra = {}) {
    const std::uint16_t port = (*this)[i].port();
    (*this)[i].signal(SIGKILL);
    REQUIRE((*this)[i].wait_exit() == 128 + SIGKILL);
    return start_node(i, extra, port);
  }

  ChatdProcess& operator[](int i) { return *nodes[static_cast<std::size_t>(i)]; }

  // Waits until node i has taken in `user`'s arrival on another node, so a
  // user connecting to node i next is counted after it (bus_watch.h).
  void await_known(int i, const TestClient& user) {
    INFO("waiting for node " << i << " to hear of " << user.address_name());
    REQUIRE(bus->wait_for(user.address_name(), 5s));
    REQUIRE(bus->sync(5s));
    REQUIRE(await_drained((*this)[i].pid(), redis.port(), 5s));
  }

  // Joins one user per entry of `on` (a node index), in order, each join
  // checked as on one chatd (chat_fixtures.h join(): the cluster-wide
  // welcome count, the entered line on every earlier user wherever they
  // are) and taken in by every other node before the next one comes.
  std::vector<TestClient> join_users(const std::vector<int>& on) {
    std::vector<TestClient> users;
    users.reserve(on.size());  // `present` points into it: no reallocation
    for (const int node : on) {
      std::vector<TestClient*> present;
      for (TestClient& user : users) present.push_back(&user);
      users.push_back(join((*this)[node], present));
      for (int other = 0; other < static_cast<int>(nodes.size()); ++other) {
        if (other != node) await_known(other, users.back());
      }
    }
    return users;
  }
};

// Waits until every node has taken in every event published so far
// (bus_watch.h).
inline void settle(Cluster& cluster) {
  REQUIRE(cluster.bus->sync(5s));
  for (std::size_t i = 0; i < cluster.nodes.size(); ++i) {
    REQUIRE(await_drained(cluster[static_cast<int>(i)].pid(), cluster.redis.port(), 5s));
  }
}

// The names in a one-line "/who *" (or "/who") reply, sorted: across nodes
// the order of arrival is each node's own, so the tests compare sets.
inline std::vector<std::string> who_names(TestClient& client, const std::string& command = "/who *") {
  client.send_line(command);
  const auto line = client.read_line();
  REQUIRE(line);
  INFO("reply: " << *line);
  const auto colon = line->find("): ");
  REQUIRE(line->starts_with("> "));
  REQUIRE(colon != std::string::npos);
  std::vector<std::string> names;
  std::string rest = line->substr(colon + 3);
  for (std::size_t start = 0;;) {
    const auto comma = rest.find(", ", start);
    names.push_back(rest.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Asks "/who *" until it lists exactly `names` (sorted), bounded: after a
// link is restored, each node learns the others' users when they register
// again, a moment apart. Fails the test if that does not happen in time.
inline void await_who(TestClient& client, const std::vector<std::string>& names,
                      std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> got;
  while ((got = who_names(client)) != names && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);  // the next ask, not a guess: the loop ends on the condition
  }
  INFO("last /who *: " << got.size() << " names");
  REQUIRE(got == names);
}

inline std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace chat::test
