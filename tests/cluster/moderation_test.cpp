// Moderation across nodes: a rule made on one node holds on the others.
// A topic is made by a user on one node and seen on the other; a room's
// owner (a role) and a server-wide address ban are published on the bus as
// a moderator's node publishes them, and every node applies and enforces
// them: the room refuses its non-operators, the banned are closed and
// refused at accept. Moderators logged in on one node kick and ban users of
// another, whose /who shows their "@"; a node started later takes the
// rules from Redis.
#include "cluster_fixture.h"
#include "moderation_helpers.h"

using namespace chat::test;

namespace {

// One field of the cluster wire: "LEN:BYTES" (server/cluster/cluster_event.h).
std::string field(const std::string& bytes) { return std::to_string(bytes.size()) + ":" + bytes; }

// A moderation rule as a node publishes it (version 2, kind 'D').
std::string rule_event(char kind, const std::string& room, const std::string& key, const std::string& name,
                       const std::string& by, long long until = 0) {
  return "chat2 D " + field("node9") + field("node9") + field("0") + field(name) + field(room) + field(key) +
         field(by) + field("") + field("text") + field(std::to_string(until)) +
         field(std::to_string(static_cast<unsigned char>(kind))) + field("1");
}

void publish(const Cluster& cluster, const std::string& payload) {
  const auto reply = redis_query(cluster.redis.port(), {"PUBLISH", "chat:events", payload});
  REQUIRE(reply);
  REQUIRE(reply->starts_with(":"));
}

}  // namespace

TEST_CASE("moderation: a topic set on one node is shown on the other", "[cluster][moderation]") {
  Cluster cluster(2);
  TestClient alice = moderation_user(cluster[0].port(), "alice", false);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  alice.send_line("/topic across nodes");
  await_line(alice, "> alice set the topic: across nodes");
  REQUIRE(cluster.bus->wait_for("across nodes", 5s));
  REQUIRE(cluster.bus->sync(5s));
  REQUIRE(await_drained(cluster[1].pid(), cluster.redis.port(), 5s));

  TestClient bob = moderation_user(cluster[1].port(), "bob", false);
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  bob.expect_line("> Topic: across nodes (set by alice)");
}

TEST_CASE("moderation: a role and a server-wide ban published by one node hold on every node", "[cluster][moderation]") {
  Cluster cluster(2);
  TestClient bob = moderation_user(cluster[1].port(), "bob", false);
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (1 user here)");
  bob.send_line("/topic anyone may");  // no owner yet: anyone
  await_line(bob, "> bob set the topic: anyone may");

  publish(cluster, rule_event('O', "#rust", "", "alice", "alice"));
  REQUIRE(cluster.bus->sync(5s));
  REQUIRE(await_drained(cluster[1].pid(), cluster.redis.port(), 5s));
  bob.send_line("/topic mine");
  await_line(bob, "! you are not an operator of #rust");

  TestClient carol = moderation_user(cluster[0].port(), "carol", false);
  publish(cluster, rule_event('B', "#lobby", "h:127.0.0.1", "127.0.0.1", "root"));
  await_line(bob, "! you are banned from this server");
  CHECK(bob.wait_closed());
  await_line(carol, "! you are banned from this server");
  CHECK(carol.wait_closed());
  for (int node = 0; node < 2; ++node) {
    TestClient again(cluster[node].port());
    again.expect_line("! you are banned from this server");
    CHECK(again.wait_closed());
  }
}

TEST_CASE("moderation: /kick and /ban of a user of another node, and @ marks on both", "[cluster][moderation]") {
  Cluster cluster(2);
  TestClient alice = moderation_user(cluster[0].port(), "alice", true);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");  // alice owns #rust
  settle(cluster);
  TestClient bob = moderation_user(cluster[1].port(), "bob", false);
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  await_line(alice, "> bob joined #rust (2 users here)");

  bob.send_line("/who");
  await_line(bob, "> In #rust (2): bob, @alice");
  alice.send_line("/who");
  await_line(alice, "> In #rust (2): @alice, bob");

  alice.send_line("/kick bob spam");
  await_line(alice, "< bob was kicked by alice (spam)");
  await_line(bob, "! you were kicked from #rust by alice (spam)");
  await_line(bob, "> You are now in #lobby (1 user here)");
  // The kick line only: no "left for" line after it.
  alice.send_line("/who");
  alice.expect_line("> In #rust (1): @alice");

  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  await_line(alice, "> bob joined #rust (2 users here)");
  // bob has no account, and his node alone knows his address: a ban of
  // the address, made here, is enforced there (the owner is exempt).
  alice.send_line("/ban 127.0.0.1 flooding");
  await_line(alice, "> alice banned 127.0.0.1 from #rust (flooding)");
  await_line(alice, "< bob was kicked by alice (flooding)");
  await_line(bob, "! you were kicked from #rust by alice (flooding)");
  bob.send_line("/join #rust");
  await_line(bob, "! you are banned from #rust");
}

TEST_CASE("moderation: a node started later takes the rules from Redis", "[cluster][moderation]") {
  Cluster cluster(1, {"--admin", "alice"});
  TestClient alice = moderation_user(cluster[0].port(), "alice", true);
  alice.send_line("/topic welcome");  // the default room's: an admin's
  await_line(alice, "> alice set the topic: welcome");
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  alice.send_line("/ban 127.0.0.1 no locals");  // not its owner
  await_line(alice, "> alice banned 127.0.0.1 from #rust (no locals)");
  alice.send_line("/join #club");
  await_line(alice, "> You are now in #club (1 user here)");
  alice.send_line("/private on");
  await_line(alice, "> alice made #club invite-only");

  cluster.start_node(1, {"--admin", "alice"});
  TestClient carol(cluster[1].port());
  const auto greeting = carol.read_line();
  REQUIRE(greeting);
  REQUIRE(greeting->starts_with("> Connected to the chat server"));
  carol.expect_line("> Topic: welcome (set by alice)");
  carol.send_line("/join #rust");
  carol.expect_line("! you are banned from #rust");
  carol.send_line("/join #club");
  carol.expect_line("! #club is invite-only");
  carol.send_line("/topic");
  carol.expect_line("> Topic: welcome (set by alice)");
}

TEST_CASE("moderation: a ban made while the link was down holds once it is back", "[cluster][moderation]") {
  Cluster cluster(2);
  TestClient alice = moderation_user(cluster[0].port(), "alice", true);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  settle(cluster);
  TestClient bob = moderation_user(cluster[1].port(), "bob", false);
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");

  cluster.redis.kill();  // and everything it held
  await_line(alice, "! cluster link lost: local users only");
  await_line(bob, "! cluster link lost: local users only");
  alice.send_line("/ban 127.0.0.1 spam");  // known to node 0 only, for now
  await_line(alice, "> alice banned 127.0.0.1 from #rust (spam)");

  // Node 1 back first: it puts its rules (without the ban) into the empty
  // Redis. Node 0 must not take that as the ban being lifted.
  cluster[0].signal(SIGSTOP);
  cluster.redis.restart();
  await_line(bob, "> cluster link restored", 10s);
  cluster[0].signal(SIGCONT);
  await_line(alice, "> cluster link restored", 10s);
  await_line(bob, "! you were kicked from #rust by alice (spam)");
  bob.send_line("/join #rust");
  await_line(bob, "! you are banned from #rust");
  TestClient carol = moderation_user(cluster[0].port(), "carol", false);
  carol.send_line("/join #rust");
  await_line(carol, "! you are banned from #rust");
}
