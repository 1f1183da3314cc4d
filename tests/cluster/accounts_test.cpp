// Accounts across nodes (docs/CLUSTER.md "Accounts and moderation"): Redis
// holds every account, so a name registered on one node is registered on
// every node, one started later included; a login on one node closes the
// account's connection on another and takes the name back from whoever
// holds it there; failed logins count on every node; Redis decides a
// registration, and none is made while it is unreachable; and with --store
// a node's file puts its accounts back into a Redis that lost its data.
#include <csignal>

#include "cluster_fixture.h"
#include "moderation_helpers.h"

using namespace chat::test;

namespace {

// One Argon2id hash (64 MiB) on a loaded machine can take seconds.
constexpr auto kHashWait = std::chrono::seconds(20);

// The tail of an account event published by a login or a password change
// (server/core/bus.h): count 0, count2 the letter, shown. ('P' with a count
// of 0 is a password change: a registration's count is its time.)
std::string account_event_tail(char what) {
  const auto field = [](const std::string& bytes) { return std::to_string(bytes.size()) + ":" + bytes; };
  return field("0") + field(std::to_string(static_cast<int>(what))) + field("1");
}

}  // namespace

TEST_CASE("accounts: registered on one node holds on a node started later and a login there replaces the first",
          "[cluster][accounts]") {
  Cluster cluster(1);
  TestClient alice = moderation_user(cluster[0].port(), "alice", false);
  alice.send_line(std::string("/register ") + kModerationPassword);
  await_line(alice, "> Nickname alice is registered to you: next time, /login alice PASSWORD", kHashWait);
  CHECK(cluster[0].wait_stdout("> " + alice.address_name() + " registered alice\n"));

  cluster.start_node(1);  // knows alice from Redis, not from any event
  TestClient bob(cluster[1].port());
  REQUIRE(bob.read_line());
  bob.send_line("/nick alice");
  await_line(bob, "! nickname alice is registered: /login alice PASSWORD");
  bob.send_line("/nick \xD0\xB0lice");  // its confusable too
  await_line(bob, "! nickname \xD0\xB0lice is registered: /login alice PASSWORD");
  bob.send_line("/login alice wrong-password");
  await_line(bob, "! login failed", kHashWait);

  // The owner logs in on the other node: the first connection is closed.
  bob.send_line(std::string("/login alice ") + kModerationPassword);
  await_line(bob, "> You are logged in as alice", kHashWait);
  await_line(alice, "! you logged in from another connection");
  CHECK(alice.wait_closed());
  CHECK(cluster[1].wait_stdout("> " + bob.address_name() + " logged in as alice\n"));

  // The name is the owner's on every node: nobody else takes it.
  TestClient carol = moderation_user(cluster[0].port(), "carol", false);
  carol.send_line("/nick alice");
  await_line(carol, "! nickname alice is registered: /login alice PASSWORD");
  // A password changed on one node is the password on the other.
  bob.send_line(std::string("/password ") + kModerationPassword + " another-horse-2");
  await_line(bob, "> Password changed", kHashWait);
  REQUIRE(cluster.bus->wait_for(account_event_tail('P'), 5s));  // the new hash, not the password
  settle(cluster);
  carol.send_line(std::string("/login alice ") + kModerationPassword);
  await_line(carol, "! login failed", kHashWait);
  carol.send_line("/login alice another-horse-2");
  await_line(carol, "> You are logged in as alice", kHashWait);
  await_line(bob, "! you logged in from another connection");
}

TEST_CASE("accounts: failed logins on one node count on the other", "[cluster][accounts]") {
  Cluster cluster(2);
  TestClient alice = moderation_user(cluster[0].port(), "alice", true);
  TestClient guesser(cluster[0].port());
  REQUIRE(guesser.read_line());
  for (int i = 0; i < 5; ++i) {
    guesser.send_line("/login alice guess-number-" + std::to_string(i));
    await_line(guesser, "! login failed", kHashWait);
  }
  REQUIRE(cluster.bus->wait_for_count(account_event_tail('F'), 5, 5s));
  settle(cluster);
  // The other node refuses at once, without a check: the account and the
  // address are both over the limit there too.
  TestClient again(cluster[1].port());
  REQUIRE(again.read_line());
  again.send_line(std::string("/login alice ") + kModerationPassword);
  const auto line = again.read_line(kHashWait);
  REQUIRE(line);
  CHECK(line->starts_with("! too many failed logins: try again in "));
}

TEST_CASE("accounts: a --store node puts its accounts back into a Redis that lost them", "[cluster][accounts]") {
  StoreDir dir;
  Cluster cluster(1, {"--store", dir.db()});
  TestClient alice = moderation_user(cluster[0].port(), "alice", true);

  TestClient bob = moderation_user(cluster[0].port(), "bob", false);

  cluster.redis.kill();
  await_line(alice, "! cluster link lost: local users only");
  // Only Redis can say a name is free on every node: no registration now.
  await_line(bob, "! cluster link lost: local users only");
  bob.send_line(std::string("/register ") + kModerationPassword);
  await_line(bob, "! server busy: try again");
  cluster.redis.restart();  // empty
  await_line(alice, "> cluster link restored", 10s);

  cluster.start_node(1);  // no store: it knows alice only if Redis does again
  TestClient carol(cluster[1].port());
  REQUIRE(carol.read_line());
  carol.send_line("/nick alice");
  await_line(carol, "! nickname alice is registered: /login alice PASSWORD");
}

TEST_CASE("accounts: a registration is decided in Redis, not by what the node knows", "[cluster][accounts]") {
  Cluster cluster(1);
  TestClient alice = moderation_user(cluster[0].port(), "alice", false);
  // Registered meanwhile behind this node's back (as by a node whose event
  // has not arrived yet): only Redis knows.
  REQUIRE(redis_query(cluster.redis.port(), {"HSET", "chat:accounts", "alice", "alice\n1\n$argon2id$x"}) == ":1");
  alice.send_line(std::string("/register ") + kModerationPassword);
  await_line(alice, "! nickname alice is already registered", kHashWait);
  alice.send_line("/logout");  // not logged in: the registration did not happen here
  await_line(alice, "! you are not logged in");
}

namespace {

// Registers account ARGV[2] with the hash of account ARGV[1] (KEYS[1] is
// chat:accounts) and tells every node, as a node's registration event
// would (version 2, kind 'A', 'P' = 80): a name registered behind the back
// of whoever holds it, as when a --store node refills an emptied Redis.
constexpr const char* kCopyAccount = R"(
local rec = redis.call('HGET', KEYS[1], ARGV[1])
local hash = string.match(rec, '^[^\n]*\n[^\n]*\n(.*)$')
redis.call('HSET', KEYS[1], ARGV[2], ARGV[2] .. '\n1\n' .. hash)
local function f(s) return #s .. ':' .. s end
redis.call('PUBLISH', ARGV[3], 'chat2 A ' .. f('node9') .. f('node9') .. f('0') .. f(ARGV[2]) .. f('') .. f('') ..
  f('') .. f(hash) .. f('text') .. f('1') .. f('80') .. f('1'))
return 1)";

}  // namespace

TEST_CASE("accounts: a login takes the name back from an unlogged holder on another node", "[cluster][accounts]") {
  Cluster cluster(2);
  TestClient holder = moderation_user(cluster[1].port(), "alice", false);  // not registered yet
  TestClient donor = moderation_user(cluster[0].port(), "donor", true);    // a real hash of kModerationPassword
  REQUIRE(redis_query(cluster.redis.port(), {"EVAL", kCopyAccount, "1", "chat:accounts", "donor", "alice",
                                             "chat:events"}) == ":1");
  settle(cluster);

  TestClient owner(cluster[0].port());
  REQUIRE(owner.read_line());
  owner.send_line(std::string("/login alice ") + kModerationPassword);
  await_line(owner, "> You are logged in as alice", kHashWait);
  await_line(holder, "! nickname alice belongs to its registered owner: you are " + holder.address_name() + " again");
  // The name is the owner's in Redis too (node 0's), and the old holder
  // cannot take it back.
  CHECK(redis_query(cluster.redis.port(),
                    {"EVAL", "return string.sub(redis.call('GET', KEYS[1]), 1, #ARGV[1]) == ARGV[1] and 1 or 0", "1",
                     "chat:nick:alice", "node0\n"}) == ":1");
  holder.send_line("/nick alice");
  await_line(holder, "! nickname alice is registered: /login alice PASSWORD");
}
