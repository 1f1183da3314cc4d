// Cluster-wide presence: /who and /who * list every node's users, /msg
// reaches a user on another node, and a nickname is unique cluster-wide
// even when two users on two nodes claim it at the same moment.
#include "cluster_fixture.h"
#include "metrics_http.h"

using namespace chat::test;

TEST_CASE("/who * and /who list the users of every node", "[cluster][presence][who]") {
  Cluster cluster(3);
  auto users = cluster.join_users({0, 1, 2, 0, 1});
  TestClient &a = users[0], &b = users[1], &c = users[2], &d = users[3], &e = users[4];
  const std::string na = a.address_name(), nb = b.address_name(), nc = c.address_name(), nd = d.address_name(),
                    ne = e.address_name();
  // docs/PROTOCOL.md: this node's users in order of arrival, then the other
  // nodes' users node by node in order of node name, each in arrival order.
  expect_who(a, {na, nd, nb, ne, nc});
  expect_who(b, {nb, ne, na, nd, nc});
  expect_who(c, {nc, na, nd, nb, ne});
  c.send_line("/who *");
  c.expect_line("> Online (5): " + nc + ", " + na + ", " + nd + ", " + nb + ", " + ne);
}

TEST_CASE("/msg reaches a user on another node and confirms to the sender", "[cluster][presence][msg]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1});
  TestClient &alice = users[0], &bob = users[1];
  bob.send_line("/nick bob");
  bob.expect_line("> You are now known as bob");
  alice.expect_line("> " + bob.address_name() + " is now known as bob");

  alice.send_line("/msg bob psst across nodes");
  bob.expect_line("[" + alice.address_name() + " -> you] psst across nodes");
  alice.expect_line("[You -> bob] psst across nodes");
  bob.send_line("/msg " + alice.address_name() + " and back");
  alice.expect_line("[bob -> you] and back");
  bob.expect_line("[You -> " + alice.address_name() + "] and back");

  alice.send_line("/msg nobody hello");
  alice.expect_line("! no such user: nobody");
  // Nothing else reached either of them (the /who reply comes next), and
  // private lines are never logged, on either node.
  CHECK(who_names(bob) == sorted({alice.address_name(), "bob"}));
  CHECK(who_names(alice) == sorted({alice.address_name(), "bob"}));
  CHECK(cluster[0].stdout_text().find("psst") == std::string::npos);
  CHECK(cluster[1].stdout_text().find("psst") == std::string::npos);
}

TEST_CASE("two users on two nodes claiming one nickname at once: exactly one wins", "[cluster][presence][nick]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1});
  TestClient &left = users[0], &right = users[1];
  std::string left_name = left.address_name(), right_name = right.address_name();

  constexpr int kRounds = 20;
  int left_wins = 0, right_wins = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string nick = "racer" + std::to_string(round);
    // Back to back, before either node can hear of the other's claim.
    left.send_line("/nick " + nick);
    right.send_line("/nick " + nick);

    // Each side's own answer: taken or refused. The winner's rename line
    // may reach the loser before or after its refusal.
    const std::string won = "> You are now known as " + nick, lost = "! nickname in use: " + nick;
    auto answer = [&](TestClient& user, const std::string& other_old) {
      bool saw_rename = false;
      for (;;) {
        const auto line = user.read_line();
        INFO("round " << round);
        REQUIRE(line);
        if (*line == "> " + other_old + " is now known as " + nick) {
          saw_rename = true;
          continue;
        }
        if (*line == won || *line == lost) return std::pair{*line == won, saw_rename};
        FAIL("unexpected line: " << *line);
      }
    };
    const auto [left_won, left_saw] = answer(left, right_name);
    const auto [right_won, right_saw] = answer(right, left_name);
    INFO("round " << round << ": left " << (left_won ? "won" : "lost") << ", right "
                  << (right_won ? "won" : "lost"));
    REQUIRE(left_won != right_won);  // exactly one
    // The loser sees the winner's rename exactly once; the winner sees none.
    TestClient& loser = left_won ? right : left;
    const std::string winner_old = left_won ? left_name : right_name;
    if (!(left_won ? right_saw : left_saw)) loser.expect_line("> " + winner_old + " is now known as " + nick);
    CHECK_FALSE((left_won ? left_saw : right_saw));
    (left_won ? left_name : right_name) = nick;
    (left_won ? left_wins : right_wins) += 1;
  }
  // Both sides agree on who is who, and nothing else is pending.
  CHECK(who_names(left) == sorted({left_name, right_name}));
  CHECK(who_names(right) == sorted({left_name, right_name}));
  INFO("left won " << left_wins << ", right won " << right_wins);
  CHECK(left_wins + right_wins == kRounds);
}

TEST_CASE("a nickname held on one node is refused on another, and free once released", "[cluster][presence][nick]") {
  Cluster cluster(2);
  auto users = cluster.join_users({0, 1});
  TestClient &holder = users[0], &other = users[1];
  holder.send_line("/nick Zed");
  holder.expect_line("> You are now known as Zed");
  other.expect_line("> " + holder.address_name() + " is now known as Zed");
  other.send_line("/nick zed");  // ASCII case does not make a new name
  other.expect_line("! nickname in use: zed");
  holder.send_line("/nick Zara");
  holder.expect_line("> You are now known as Zara");
  other.expect_line("> Zed is now known as Zara");
  other.send_line("/nick zed");
  other.expect_line("> You are now known as zed");
  holder.expect_line("> " + other.address_name() + " is now known as zed");
}


TEST_CASE("metrics on a node: the link is up, users count cluster-wide, events go both ways", "[cluster][metrics]") {
  Cluster cluster(2, {"--metrics", "127.0.0.1:0"});
  const std::uint16_t port = metrics_port(cluster[0]);
  REQUIRE(port != 0);
  auto users = cluster.join_users({0, 1});
  TestClient &alice = users[0], &bob = users[1];
  alice.send_line("from node 0");
  bob.expect_line("[" + alice.address_name() + "] from node 0");
  bob.send_line("from node 1");
  alice.expect_line("[" + bob.address_name() + "] from node 1");
  const std::string body = scrape(port);
  CHECK(sample_value(body, "chatd_cluster_link_up") == 1);
  CHECK(sample_value(body, "chatd_users") == 2);       // both nodes' users
  CHECK(sample_value(body, "chatd_connections") == 1);  // this node's
  CHECK(sample_value(body, "chatd_cluster_events_sent_total") >= 2);      // alice's enter and line
  CHECK(sample_value(body, "chatd_cluster_events_received_total") >= 2);  // bob's enter and line
}
