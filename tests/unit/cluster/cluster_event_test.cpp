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
  e.line = "< alice left for #rust (1 user here)\n";
  e.line2 = "> alice joined #rust (2 users here)\n";
  return e;
}

}  // namespace

TEST_CASE("cluster events: every kind round-trips, bytes included") {
  for (const char kind : std::string("ELNMTPR")) {
    ClusterEvent e = sample();
    e.kind = static_cast<ClusterEvent::Kind>(kind);
    e.line = std::string("x\0y:3:\n", 7);  // a NUL and field-like text inside a field
    CHECK(decode_cluster_event(encode(e)) == e);
  }
  ClusterEvent empty;
  empty.from = "n";
  empty.node = "n";
  CHECK(decode_cluster_event(encode(empty)) == empty);
}

TEST_CASE("cluster events: the wire format is version 1, length-prefixed") {
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::line;
  e.from = "a";
  e.node = "a";
  e.room = "#lobby";
  e.line = "[bob] hi\n";
  CHECK(encode(e) == "chat1 T 1:a1:a1:00:6:#lobby0:9:[bob] hi\n0:");
}

TEST_CASE("cluster events: malformed input is refused, not half-read") {
  const std::string good = encode(sample());
  REQUIRE(decode_cluster_event(good));
  for (std::size_t cut = 0; cut < good.size(); ++cut) {  // every truncation
    CHECK_FALSE(decode_cluster_event(good.substr(0, cut)));
  }
  CHECK_FALSE(decode_cluster_event(good + "x"));                 // trailing bytes
  CHECK_FALSE(decode_cluster_event("chat2" + good.substr(5)));   // another version
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
