// The classic transcripts with users spread over cluster nodes: every user
// sees byte for byte what one chatd would have shown them (join and leave
// lines with cluster-wide counts, text, /me, nick changes, room moves).
#include "cluster_fixture.h"

using namespace chat::test;

TEST_CASE("classic two-user transcript across two nodes", "[cluster][transcript]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1});  // user2 welcomed with the cluster-wide count
  TestClient &user1 = users[0], &user2 = users[1];
  const std::string name1 = user1.address_name(), name2 = user2.address_name();

  user1.send_line("Hello");
  user2.expect_line("[" + name1 + "] Hello");
  user2.send_line("World");
  user1.expect_line("[" + name2 + "] World");

  user2.shutdown_write();
  user1.expect_line("< The user " + name2 + " left (1 user online)");
  REQUIRE(user2.wait_closed());
  expect_who(user1, {name1});  // and nothing else reached user1: no echo
}

TEST_CASE("classic three-user transcript across three nodes", "[cluster][transcript]") {
  Cluster cluster(3);
  auto users = cluster.join_users({0, 1, 2});
  TestClient &user1 = users[0], &user2 = users[1], &user3 = users[2];
  const std::string name1 = user1.address_name(), name2 = user2.address_name(),
                    name3 = user3.address_name();

  user1.send_line("Hello");
  user2.expect_line("[" + name1 + "] Hello");
  user3.expect_line("[" + name1 + "] Hello");
  user2.send_line("World");
  user1.expect_line("[" + name2 + "] World");
  user3.expect_line("[" + name2 + "] World");
  user3.send_line("Bye");
  user1.expect_line("[" + name3 + "] Bye");
  user2.expect_line("[" + name3 + "] Bye");

  user3.shutdown_write();
  user1.expect_line("< The user " + name3 + " left (2 users online)");
  user2.expect_line("< The user " + name3 + " left (2 users online)");
  REQUIRE(user3.wait_closed());
  user2.shutdown_write();
  user1.expect_line("< The user " + name2 + " left (1 user online)");
  REQUIRE(user2.wait_closed());
  expect_who(user1, {name1});
}

TEST_CASE("one sender's lines arrive in order on every node", "[cluster][transcript]") {
  Cluster cluster(3);
  auto users = cluster.join_users({0, 1, 2});
  TestClient &talker = users[0], &far1 = users[1], &far2 = users[2];
  constexpr int kLines = 300;
  std::string burst;
  for (int i = 0; i < kLines; ++i) burst += "line " + std::to_string(i) + "\n";
  talker.send_raw(burst);  // one write: the node publishes them back to back
  for (TestClient* far : {&far1, &far2}) {
    for (int i = 0; i < kLines; ++i) far->expect_line("[" + talker.address_name() + "] line " + std::to_string(i));
  }
}

TEST_CASE("/me, /nick and room moves across nodes", "[cluster][transcript][rooms]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1, 0});
  TestClient &alice = users[0], &bob = users[1], &carol = users[2];
  const std::string bob_addr = bob.address_name(), carol_addr = carol.address_name();

  alice.send_line("/nick alice");
  alice.expect_line("> You are now known as alice");
  bob.expect_line("> " + alice.address_name() + " is now known as alice");
  carol.expect_line("> " + alice.address_name() + " is now known as alice");
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> " + bob_addr + " is now known as bob");
  carol.expect_line("> " + bob_addr + " is now known as bob");

  bob.send_line("/me waves");
  alice.expect_line("* bob waves");
  carol.expect_line("* bob waves");

  // bob (node 1) moves: both lobby users on node 0 see him go.
  bob.send_line("/join #random");
  bob.expect_line("> You are now in #random (1 user here)");
  alice.expect_line("< bob left for #random (2 users here)");
  carol.expect_line("< bob left for #random (2 users here)");
  // alice (node 0) follows: bob on node 1 sees her come, carol her go.
  alice.send_line("/join #RANDOM");  // the same room: names are unique ignoring ASCII case
  alice.expect_line("> You are now in #random (2 users here)");
  bob.expect_line("> alice joined #random (2 users here)");
  carol.expect_line("< alice left for #random (1 user here)");

  // Text stays in the room, across nodes; /msg reaches any room.
  alice.send_line("only #random hears this");
  bob.expect_line("[alice] only #random hears this");
  bob.send_line("/me nods");
  alice.expect_line("* bob nods");
  CHECK(who_names(carol, "/who") == std::vector<std::string>{carol_addr});  // heard nothing from #random
  CHECK(who_names(bob, "/who") == sorted({"alice", "bob"}));
  CHECK(who_names(carol) == sorted({"alice", "bob", carol_addr}));
  carol.send_line("/rooms");
  const auto rooms = carol.read_line();
  REQUIRE(rooms);
  CHECK((*rooms == "> Rooms (2): #random (2), #lobby (1)" || *rooms == "> Rooms (2): #lobby (1), #random (2)"));

  // A leave on node 1 counts the whole cluster, told in bob's room only.
  bob.shutdown_write();
  alice.expect_line("< The user bob left (2 users online)");
  REQUIRE(bob.wait_closed());
  CHECK(who_names(carol) == sorted({"alice", carol_addr}));  // carol heard no leave line first
}

// One chatd: "/join #RANDOM" enters the existing #random under its first
// spelling. A node that knows #random only from another node's users must
// say the same (it used to create "#RANDOM").
TEST_CASE("a room keeps its first spelling when joined in another case on another node",
          "[cluster][transcript][rooms]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1});
  TestClient &alice = users[0], &bob = users[1];
  bob.send_line("/join #random");
  bob.expect_line("> You are now in #random (1 user here)");
  alice.expect_line("< " + bob.address_name() + " left for #random (1 user here)");
  alice.send_line("/join #RANDOM");
  alice.expect_line("> You are now in #random (2 users here)");
  bob.expect_line("> " + alice.address_name() + " joined #random (2 users here)");
}
