// Two Rooms joined by an in-memory bus: what users on two nodes see, the
// mirror of remote users, nickname claims and link loss, all without Redis.
// (Redis itself is exercised by tests/integration/cluster_smoke_test.cpp.)
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "nickname.h"
#include "../core/room_fixture.h"
#include "cluster/cluster_event.h"

using chat::Bus;
using chat::ClaimResult;
using chat::ClusterEvent;
using chat::Chat;
using chat::test::Fixture;
using chat::test::Lines;

namespace {

struct FakeCluster;

// One node's bus: events go through the wire format to every other node;
// claims wait in a queue until the test answers them, as Redis would later.
struct FakeBus final : Bus {
  FakeCluster* cluster = nullptr;
  std::string node;
  Chat* room = nullptr;
  bool up = true;
  bool full = false;  // Redis behind: text is skipped
  std::vector<std::tuple<std::uint64_t, std::string, std::string, std::string>> claims;  // user, name, key, old

  Sent publish(ClusterEvent event) override;
  bool linked() const override { return up; }
  void claim_nickname(std::uint64_t user, std::string_view name, std::string_view key,
                      std::string_view old_key) override {
    claims.emplace_back(user, std::string(name), std::string(key), std::string(old_key));
  }
  void release_nickname(std::uint64_t user, std::string_view key) override;
  void answer_claims();
};

struct FakeCluster {
  std::vector<FakeBus*> nodes;
  std::map<std::string, std::pair<std::string, std::string>> nicknames;  // key -> (owner "node/user", name)
  int garbage = 0;
};

Bus::Sent FakeBus::publish(ClusterEvent event) {
  if (!up) return Sent::down;
  if (full && event.kind == ClusterEvent::Kind::line) return Sent::behind;
  event.from = node;
  if (event.node.empty()) event.node = node;
  const auto decoded = chat::decode_cluster_event(encode(event));
  REQUIRE(decoded);
  for (FakeBus* other : cluster->nodes) {
    if (other != this && other->up) other->room->apply_remote(*decoded);
  }
  return Sent::sent;
}

void FakeBus::release_nickname(std::uint64_t user, std::string_view key) {
  const auto it = cluster->nicknames.find(std::string(key));
  if (it != cluster->nicknames.end() && it->second.first == node + "/" + std::to_string(user)) {
    cluster->nicknames.erase(it);
  }
}

void FakeBus::answer_claims() {
  for (auto& [user, name, key, old_key] : std::exchange(claims, {})) {
    const std::string owner = node + "/" + std::to_string(user);
    auto it = cluster->nicknames.find(key);
    if (it != cluster->nicknames.end() && it->second.first != owner) {
      room->on_claim(user, name, ClaimResult::in_use, it->second.second);
      continue;
    }
    cluster->nicknames[key] = {owner, name};
    if (!old_key.empty()) cluster->nicknames.erase(old_key);
    room->on_claim(user, name, ClaimResult::won, {});
  }
}

struct Node {
  Fixture f;
  FakeBus bus;
  Node(FakeCluster& cluster, std::string name) {
    bus.cluster = &cluster;
    bus.node = std::move(name);
    bus.room = &f.room;
    f.room.set_bus(&bus);
    cluster.nodes.push_back(&bus);
  }
};

}  // namespace

TEST_CASE("cluster room: users on two nodes see one chat") {
  FakeCluster cluster;
  Node a(cluster, "a"), b(cluster, "b");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  CHECK(m1->take() == Lines{"> Connected to the chat server (1 user online)\n"});
  auto [u2, m2] = b.f.join("10.0.0.2:2");
  CHECK(m2->take() == Lines{"> Connected to the chat server (2 users online)\n"});
  CHECK(m1->take() == Lines{"> New user 10.0.0.2:2 entered (2 users online)\n"});

  a.f.room.handle_line(u1, "/nick alice");
  CHECK(m1->take().empty());  // waits for the claim
  a.bus.answer_claims();
  CHECK(m1->take() == Lines{"> You are now known as alice\n"});
  CHECK(m2->take() == Lines{"> 10.0.0.1:1 is now known as alice\n"});

  b.f.room.handle_line(u2, "hello");
  CHECK(m1->take() == Lines{"[10.0.0.2:2] hello\n"});
  CHECK(m2->take().empty());

  b.f.room.handle_line(u2, "/who");
  CHECK(m2->take() == Lines{"> Online (2): 10.0.0.2:2, alice\n"});

  b.f.room.handle_line(u2, "/msg ALICE psst");
  CHECK(m2->take() == Lines{"[You -> alice] psst\n"});
  CHECK(m1->take() == Lines{"[10.0.0.2:2 -> you] psst\n"});

  a.f.room.handle_line(u1, "/join #rust");
  CHECK(m1->take() == Lines{"> You are now in #rust (1 user here)\n"});
  CHECK(m2->take() == Lines{"< alice left for #rust (1 user here)\n"});
  b.f.room.handle_line(u2, "/rooms");
  CHECK(m2->take() == Lines{"> Rooms (2): #lobby (1), #rust (1)\n"});
  b.f.room.handle_line(u2, "/join #rust");
  CHECK(m2->take() == Lines{"> You are now in #rust (2 users here)\n"});
  CHECK(m1->take() == Lines{"> 10.0.0.2:2 joined #rust (2 users here)\n"});

  a.f.room.leave(u1);
  CHECK(m2->take() == Lines{"< The user alice left (1 user online)\n"});
  CHECK(b.f.room.online() == 1);
  CHECK(cluster.nicknames.empty());  // freed on leave
}

TEST_CASE("cluster room: a nickname race between two nodes has one winner") {
  FakeCluster cluster;
  Node a(cluster, "a"), b(cluster, "b");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  auto [u2, m2] = b.f.join("10.0.0.2:2");
  m1->take();
  m2->take();
  a.f.room.handle_line(u1, "/nick bob");
  b.f.room.handle_line(u2, "/nick Bob");
  a.f.room.handle_line(u1, "/nick carol");
  CHECK(m1->take() == Lines{"! nickname change pending: wait for the answer\n"});
  b.bus.answer_claims();
  a.bus.answer_claims();
  CHECK(m2->take() == Lines{"> You are now known as Bob\n"});
  // b won (answered first); a is told who holds it.
  CHECK(m1->take() == Lines{"> 10.0.0.2:2 is now known as Bob\n", "! nickname in use: bob\n"});
  a.f.room.handle_line(u1, "/nick bob");  // now the mirror answers at once
  CHECK(m1->take() == Lines{"! nickname in use: bob\n"});
  CHECK(a.bus.claims.empty());
}

TEST_CASE("cluster room: a claim answered after its user left frees the nickname") {
  FakeCluster cluster;
  Node a(cluster, "a");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  a.f.room.handle_line(u1, "/nick dave");
  a.f.room.leave(u1);
  a.bus.answer_claims();
  CHECK(cluster.nicknames.empty());
}

TEST_CASE("cluster room: link lost, then restored") {
  FakeCluster cluster;
  Node a(cluster, "a"), b(cluster, "b");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  auto [u2, m2] = b.f.join("10.0.0.2:2");
  auto [u3, m3] = a.f.join("10.0.0.1:3");
  m1->take();
  m2->take();
  m3->take();
  CHECK(a.f.room.online() == 3);

  a.bus.up = false;
  a.f.room.on_link_lost();
  CHECK(m1->take() == Lines{"! cluster link lost: local users only\n"});
  CHECK(a.f.room.online() == 2);  // remote users forgotten
  a.f.room.handle_line(u1, "/nick erin");
  CHECK(m1->take() == Lines{"! nickname changes need the cluster link: try again later\n"});
  a.f.room.handle_line(u1, "still here");
  CHECK(m3->take() == Lines{"! cluster link lost: local users only\n", "[10.0.0.1:1] still here\n"});

  a.bus.up = true;
  a.f.room.add_remote("b", 1, "10.0.0.2:2", "#lobby");  // the snapshot
  a.f.room.on_link_restored();
  CHECK(m1->take() == Lines{"> cluster link restored\n"});
  CHECK(a.f.room.online() == 3);
  const auto users = a.f.room.local_users();
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "10.0.0.1:1");
  CHECK_FALSE(users[0].named);
}

TEST_CASE("cluster room: a nickname taken while the link was down goes back") {
  FakeCluster cluster;
  Node a(cluster, "a"), b(cluster, "b");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  auto [u2, m2] = b.f.join("10.0.0.2:2");
  a.f.room.handle_line(u1, "/nick frank");
  a.bus.answer_claims();
  m1->take();
  m2->take();
  const std::uint64_t serial = a.f.room.local_users()[0].user;
  a.f.room.revoke_nickname(serial, "frank");
  CHECK(m1->take() == Lines{"! nickname frank was taken while the cluster link was down: you are 10.0.0.1:1 again\n"});
  CHECK(m2->take() == Lines{"> frank is now known as 10.0.0.1:1\n"});
}

TEST_CASE("cluster room: Redis behind: the sender is told its line stayed here") {
  FakeCluster cluster;
  Node a(cluster, "a"), b(cluster, "b");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  auto [u2, m2] = b.f.join("10.0.0.2:2");
  m1->take();
  m2->take();
  a.bus.full = true;
  a.f.room.handle_line(u1, "lost");
  a.f.room.handle_line(u1, "lost too");  // told once per episode
  CHECK(m1->take() == Lines{"! cluster busy: your line reached this server's users only\n"});
  CHECK(m2->take().empty());
  a.bus.full = false;
  a.f.room.handle_line(u1, "through");
  CHECK(m2->take() == Lines{"[10.0.0.1:1] through\n"});
  a.bus.full = true;
  a.f.room.handle_line(u1, "lost again");
  CHECK(m1->take() == Lines{"! cluster busy: your line reached this server's users only\n"});
}

TEST_CASE("cluster room: a /msg to a user who vanished is confirmed, then dropped by its node") {
  FakeCluster cluster;
  Node a(cluster, "a");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  m1->take();
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::direct;
  e.from = "b";
  e.node = "a";
  e.user = 999;  // no such user here
  e.name = "x";
  e.text = "hi";
  a.f.room.apply_remote(e);
  CHECK(m1->take().empty());
}

TEST_CASE("cluster room: a reaped node's users leave once, a reset forgets a node") {
  FakeCluster cluster;
  Node a(cluster, "a");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  m1->take();
  a.f.room.add_remote("b", 7, "gil", "#lobby");
  a.f.room.add_remote("b", 8, "hap", "#other");
  a.f.room.add_remote("c", 1, "ivy", "#lobby");
  CHECK(a.f.room.online() == 4);
  a.f.room.handle_line(u1, "/who");
  CHECK(m1->take() == Lines{"> In #lobby (3): 10.0.0.1:1, gil, ivy\n"});

  const ClusterEvent gone = a.f.room.remote_left("b", 7, "gil", "#lobby");
  CHECK(m1->take() == Lines{"< The user gil left (3 users online)\n"});
  CHECK(gone.kind == ClusterEvent::Kind::leave);
  CHECK(gone.node == "b");
  CHECK(gone.name == "gil");
  CHECK(gone.count == 3);
  CHECK(gone.shown);
  (void)a.f.room.remote_left("b", 8, "hap", "#other");
  CHECK(m1->take().empty());  // nobody here is in #other

  ClusterEvent reset;
  reset.kind = ClusterEvent::Kind::reset;
  reset.from = "c";
  reset.node = "c";
  a.f.room.apply_remote(reset);
  CHECK(a.f.room.online() == 1);
  CHECK(m1->take().empty());  // silently: its users come back with its entries
  a.f.room.handle_line(u1, "/nick ivy");  // no longer held in the mirror
  CHECK(a.bus.claims.size() == 1);
}

TEST_CASE("cluster room: a room only remote users are in keeps their spelling") {
  FakeCluster cluster;
  Node a(cluster, "a"), b(cluster, "b");
  auto [u1, m1] = a.f.join("10.0.0.1:1");
  auto [u2, m2] = b.f.join("10.0.0.2:2");
  b.f.room.handle_line(u2, "/join #Random");
  m1->take();
  m2->take();
  a.f.room.handle_line(u1, "/join #RANDOM");
  CHECK(m1->take() == Lines{"> You are now in #Random (2 users here)\n"});
  CHECK(m2->take() == Lines{"> 10.0.0.1:1 joined #Random (2 users here)\n"});
}
