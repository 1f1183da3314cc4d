// The events nodes exchange: they survive the wire, and garbage does not
// decode.
#include <catch2/catch.hpp>

#include <string>

#include "cluster/cluster_event.h"

using chat::ClusterEvent;
using chat::decode_cluster_event;

namespace {

ClusterEvent sample() {
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::move;
  e.from = "a:1";
  e.node = "a:1";
  e.user = 42;
  e.name = "alice";
  e.room = "#rust";
  e.old_room = "#lobby";
  e.count = 1;
  e.count2 = 2;
  return e;
}

}  // namespace

TEST_CASE("cluster events: every kind round-trips, bytes included") {
  for (const char kind : std::string("ELNMTPRDAK")) {
    ClusterEvent e = sample();
    e.kind = static_cast<ClusterEvent::Kind>(kind);
    e.text = std::string("x\0y:3:", 6);  // a NUL and field-like text inside a field
    e.old_name = "bob";
    e.said = chat::Event::Kind::action;
    e.shown = false;
    CHECK(decode_cluster_event(encode(e)) == e);
  }
  ClusterEvent empty;
  empty.from = "n";
  empty.node = "n";
  CHECK(decode_cluster_event(encode(empty)) == empty);
}

TEST_CASE("cluster events: the wire format is version 2, structured and length-prefixed") {
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::line;
  e.from = "a";
  e.node = "a";
  e.name = "bob";
  e.room = "#lobby";
  e.text = "hi";
  CHECK(encode(e) == "chat2 T 1:a1:a1:03:bob6:#lobby0:0:2:hi4:text1:01:01:1");
}

// A node of the release before writes and reads version 1: the classic
// lines. A node of this release reads both, and writes version 1 while
// such nodes run (chatd --cluster-wire 1).
TEST_CASE("cluster events: version 1, the release before's classic lines, both ways") {
  ClusterEvent said;
  said.kind = ClusterEvent::Kind::line;
  said.from = "a";
  said.node = "a";
  said.name = "bob";
  said.room = "#lobby";
  said.text = "hi";
  CHECK(encode(said, 1) == "chat1 T 1:a1:a1:03:bob6:#lobby0:9:[bob] hi\n0:");
  // What the release before wrote: no name on a line event, the line only.
  const auto old_line = decode_cluster_event("chat1 T 1:a1:a1:00:6:#lobby0:9:[bob] hi\n0:");
  REQUIRE(old_line);
  CHECK(*old_line == said);

  ClusterEvent e = sample();
  for (const char kind : std::string("ELNMTPR")) {
    e.kind = static_cast<ClusterEvent::Kind>(kind);
    e.said = chat::Event::Kind::text;
    e.shown = true;
    e.old_name.clear();
    e.text.clear();
    e.count2 = kind == 'M' ? 2 : 0;
    if (kind == 'N') e.old_name = "10.0.0.1:5";
    if (kind == 'T' || kind == 'P') e.text = "a [line] with ] and -> you] in it";
    if (kind == 'T' || kind == 'P' || kind == 'N' || kind == 'R') e.count = 0;
    if (kind == 'E' || kind == 'L' || kind == 'M') e.count = 1;
    CAPTURE(kind, encode(e, 1));
    CHECK(decode_cluster_event(encode(e, 1)) == e);
  }
  e.kind = ClusterEvent::Kind::line;  // a storm's member heard at last
  e.said = chat::Event::Kind::entered;
  e.text.clear();
  e.count = 3;
  CHECK(encode(e, 1).ends_with("42:> New user alice entered (3 users online)\n0:"));
  CHECK(decode_cluster_event(encode(e, 1)) == e);
  e.kind = ClusterEvent::Kind::enter;  // a silent re-announcement
  e.said = chat::Event::Kind::text;
  e.shown = false;
  e.count = 0;
  CHECK(decode_cluster_event(encode(e, 1)) == e);
}

TEST_CASE("cluster events: malformed input is refused, not half-read") {
  const std::string good = encode(sample());
  REQUIRE(decode_cluster_event(good));
  for (std::size_t cut = 0; cut < good.size(); ++cut) {  // every truncation
    CHECK_FALSE(decode_cluster_event(good.substr(0, cut)));
  }
  CHECK_FALSE(decode_cluster_event(good + "x"));                 // trailing bytes
  CHECK_FALSE(decode_cluster_event("chat3" + good.substr(5)));   // another version
  CHECK_FALSE(decode_cluster_event("chat1" + good.substr(5)));   // fields of one version, magic of another
  CHECK_FALSE(decode_cluster_event("chat1 X " + good.substr(8)));  // unknown kind
  CHECK_FALSE(decode_cluster_event("chat1 T1:a"));
  CHECK_FALSE(decode_cluster_event("hello"));
  CHECK_FALSE(decode_cluster_event(""));
  CHECK_FALSE(decode_cluster_event("chat1 T 0:1:a1:00:0:0:0:0:"));  // no sender
  CHECK_FALSE(decode_cluster_event("chat1 T 1:a1:a1:x0:0:0:0:0:"));  // user not a number
  CHECK_FALSE(decode_cluster_event("chat1 T 1:a1:a0:0:0:0:0:0:"));   // user empty
  CHECK_FALSE(decode_cluster_event("chat1 T 1:a1:a1:00:0:0:2:hi0:"));  // a line without its "\n"
  CHECK_FALSE(decode_cluster_event("chat1 T 1:a1:a1:00:0:0:99999999999:x0:"));  // absurd length
  CHECK_FALSE(decode_cluster_event("chat1 T 1:a1:a1:00:0:0:-1:x0:"));
  CHECK_FALSE(decode_cluster_event("chat1 T 1:a1:a1:00:0:0:4:\x01x\n0:"));  // not a line chatd writes
  CHECK_FALSE(decode_cluster_event("chat2 T 1:a1:a1:03:bob0:0:0:3:a\nb4:text1:01:01:1"));  // a line break in text
  CHECK_FALSE(decode_cluster_event("chat2 T 1:a1:a1:03:bob0:0:0:2:hi4:shout1:01:01:1"));  // unknown said
  CHECK_FALSE(decode_cluster_event("chat2 T 1:a1:a1:03:bob0:0:0:2:hi4:text1:01:01:2"));  // shown not 0/1
}

TEST_CASE("cluster events: the sender is read without decoding the rest, in both versions") {
  ClusterEvent e = sample();
  e.from = "node-7";
  CHECK(chat::cluster_event_sender(encode(e)) == "node-7");
  CHECK(chat::cluster_event_sender(encode(e, 1)) == "node-7");
  CHECK_FALSE(chat::cluster_event_sender("chat3 T 6:node-7"));
  CHECK_FALSE(chat::cluster_event_sender("chat2 T 9:node-7"));  // the length runs past the end
  CHECK_FALSE(chat::cluster_event_sender("chat2 T"));
}

TEST_CASE("cluster events: presence records") {
  const auto p = chat::decode_presence(chat::encode_presence("alice", "#lobby"));
  REQUIRE(p);
  CHECK(p->name == "alice");
  CHECK(p->room == "#lobby");
  CHECK_FALSE(chat::decode_presence("alice"));
  CHECK_FALSE(chat::decode_presence("\n#lobby"));
  CHECK_FALSE(chat::decode_presence("alice\n"));
  CHECK_FALSE(chat::decode_presence("a\nb\nc"));
}

TEST_CASE("cluster events: a moderation rule travels in version 2 only") {
  ClusterEvent e = sample();
  e.kind = ClusterEvent::Kind::rule;
  e.old_room = "h:2001:db8:1:2::/64";  // the rule's key
  e.count = 1'800'000'000;              // until
  e.count2 = 'B' | 0x100U;              // an unban
  CHECK(decode_cluster_event(encode(e)) == e);
  CHECK_FALSE(decode_cluster_event(encode(e, 1)));  // a version 1 node knows no rules
}

TEST_CASE("cluster events: accounts and kicks travel in version 2 only") {
  ClusterEvent account = sample();
  account.kind = ClusterEvent::Kind::account;
  account.text = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";  // a hash, never a password
  account.count2 = 'P';
  CHECK(decode_cluster_event(encode(account)) == account);
  CHECK_FALSE(decode_cluster_event(encode(account, 1)));
  ClusterEvent kick = sample();
  kick.kind = ClusterEvent::Kind::kick;
  kick.old_name = "alice";  // by
  kick.text = "spam";       // reason
  kick.count2 = 1;          // asked of the user's node
  CHECK(decode_cluster_event(encode(kick)) == kick);
  CHECK_FALSE(decode_cluster_event(encode(kick, 1)));
}
