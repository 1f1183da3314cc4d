// Moderation across nodes: a rule made on one node holds on the other (a
// room's owner, its topic, a server-wide address ban), since every rule
// travels as a cluster event and is applied and enforced on each node.
#include "cluster_fixture.h"
#include "moderation_helpers.h"

using namespace chat::test;

TEST_CASE("moderation: an owner and a topic made on one node hold on the other", "[cluster][moderation]") {
  ModerationDir dir;
  Cluster cluster(0);
  cluster.start_node(0, {"--store", dir.db("node0.db"), "--admin", "root"});
  cluster.start_node(1, {"--store", dir.db("node1.db"), "--admin", "root"});
  cluster.bus = std::make_unique<BusWatch>(cluster.redis.port());
  TestClient alice = moderation_user(cluster[0].port(), "alice", true);
  alice.send_line("/join #rust");
  await_line(alice, "> You are now in #rust (1 user here)");
  alice.send_line("/topic across nodes");
  await_line(alice, "> alice set the topic: across nodes");
  REQUIRE(cluster.bus->sync(5s));

  TestClient bob = moderation_user(cluster[1].port(), "bob", false);
  bob.send_line("/join #rust");
  await_line(bob, "> You are now in #rust (2 users here)");
  bob.expect_line("> Topic: across nodes (set by alice)");
  bob.send_line("/topic mine");  // #rust has an owner on node 1 too
  await_line(bob, "! you are not an operator of #rust");
}

TEST_CASE("moderation: an admin's address ban on one node closes and refuses on the other", "[cluster][moderation]") {
  ModerationDir dir;
  Cluster cluster(0);
  cluster.start_node(0, {"--store", dir.db("node0.db"), "--admin", "root"});
  cluster.start_node(1, {"--store", dir.db("node1.db"), "--admin", "root"});
  cluster.bus = std::make_unique<BusWatch>(cluster.redis.port());
  TestClient root = moderation_user(cluster[0].port(), "root", true);
  TestClient spammer = moderation_user(cluster[1].port(), "spammer", false);
  REQUIRE(cluster.bus->sync(5s));
  root.send_line("/ban 127.0.0.1 30m");
  await_line(root, "> root banned 127.0.0.1 from #lobby for 30m");
  await_line(spammer, "! you are banned from this server");
  CHECK(spammer.wait_closed());
  TestClient again(cluster[1].port());
  again.expect_line("! you are banned from this server");
  CHECK(again.wait_closed());
}
