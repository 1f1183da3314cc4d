// The moderation rules alone (core/moderation/): durations, address keys
// (IPv6 by its /64), bans and mutes with their expiry on a fixed clock,
// roles and invitations.
#include <catch2/catch.hpp>

#include "core/moderation/address_key.h"
#include "core/moderation/duration.h"
#include "core/moderation/moderation.h"
#include "core/moderation/rule_event.h"

using chat::ModerationRule;
using chat::Moderation;
using Kind = chat::ModerationRule::Kind;

namespace {

ModerationRule rule(Kind kind, std::string room, std::string key = {}, std::string name = {}, std::int64_t until = 0) {
  ModerationRule r;
  r.kind = kind;
  r.room = std::move(room);
  r.key = std::move(key);
  r.name = std::move(name);
  r.by = "alice";
  r.until = until;
  return r;
}

}  // namespace

TEST_CASE("durations: 30m 2h 7d and nothing else") {
  CHECK(chat::parse_duration("30m") == 1800);
  CHECK(chat::parse_duration("2h") == 7200);
  CHECK(chat::parse_duration("7d") == 7 * 86400);
  CHECK(chat::parse_duration("45s") == 45);
  CHECK(chat::parse_duration("2w") == 14 * 86400);
  CHECK_FALSE(chat::parse_duration(""));
  CHECK_FALSE(chat::parse_duration("m"));
  CHECK_FALSE(chat::parse_duration("10"));
  CHECK_FALSE(chat::parse_duration("0m"));
  CHECK_FALSE(chat::parse_duration("-5m"));
  CHECK_FALSE(chat::parse_duration("1y"));
  CHECK_FALSE(chat::parse_duration("400d"));  // past a year: use permanent
  CHECK_FALSE(chat::parse_duration("99999999999h"));
  CHECK(chat::format_duration(7200) == "2h");
  CHECK(chat::format_duration(7140) == "1h 59m");
  CHECK(chat::format_duration(45) == "45s");
  CHECK(chat::format_duration(3 * 86400 + 4 * 3600 + 5) == "3d 4h");
  CHECK(chat::format_duration(0) == "1s");
}

TEST_CASE("address keys: IPv4 as itself and IPv6 as its /64") {
  CHECK(chat::ban_address_key("203.0.113.9") == "203.0.113.9");
  CHECK(chat::ban_address_key("2001:db8:1:2::5") == "2001:db8:1:2::/64");
  CHECK(chat::ban_address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
  CHECK(chat::ban_address_key("2001:db8:1:2::/64") == "2001:db8:1:2::/64");
  CHECK(chat::ban_address_key("::ffff:203.0.113.9") == "203.0.113.9");
  CHECK_FALSE(chat::ban_address_key("bob"));
  CHECK_FALSE(chat::ban_address_key("1.2.3"));
  CHECK(chat::host_of_address_name("10.0.0.1:4000") == "10.0.0.1");
  CHECK(chat::host_of_address_name("[2001:db8::1]:4000") == "2001:db8::1");
  CHECK(chat::host_of_address_name("bob").empty());
}

TEST_CASE("bans match an account or an address and end at their expiry") {
  Moderation m("#lobby");
  CHECK(m.empty());
  m.apply(rule(Kind::ban, "#rust", Moderation::account_key("Bob"), "Bob", 1000));
  m.apply(rule(Kind::ban, "#rust", Moderation::address_key("2001:db8:1:2::7"), "2001:db8:1:2::/64"));
  CHECK_FALSE(m.empty());
  CHECK(m.banned("#rust", "bob", "", 999) != nullptr);    // accounts match by their key
  CHECK(m.banned("#RUST", "bob", "", 999) != nullptr);    // rooms too
  CHECK(m.banned("#rust", "bob", "", 1000) == nullptr);   // expired
  CHECK(m.banned("#rust", "", "2001:db8:1:2::99", 5) != nullptr);  // the same /64
  CHECK(m.banned("#rust", "", "2001:db8:1:3::99", 5) == nullptr);
  CHECK(m.banned("#go", "bob", "", 5) == nullptr);
  CHECK_FALSE(m.server_banned_address("2001:db8:1:2::99", 5));  // a room's ban is not server-wide

  const auto gone = m.expire("#rust", 1000);
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].removed);
  CHECK(gone[0].key == Moderation::account_key("bob"));
}

TEST_CASE("the default room's bans are server-wide") {
  Moderation m("#lobby");
  m.apply(rule(Kind::ban, "#lobby", Moderation::address_key("203.0.113.9"), "203.0.113.9", 100));
  m.apply(rule(Kind::ban, "#lobby", Moderation::account_key("mallory"), "mallory"));
  CHECK(m.server_banned_address("203.0.113.9", 50));
  CHECK_FALSE(m.server_banned_address("203.0.113.9", 100));
  CHECK_FALSE(m.server_banned_address("203.0.113.10", 50));
  CHECK(m.server_banned_account("Mallory", 1'000'000));
  auto lift = rule(Kind::ban, "#lobby", Moderation::address_key("203.0.113.9"));
  lift.removed = true;
  CHECK(m.apply(lift));
  CHECK_FALSE(m.server_banned_address("203.0.113.9", 50));
}

TEST_CASE("owners operators and admins") {
  Moderation m("#lobby");
  m.set_admins({"root"});
  m.apply(rule(Kind::owner, "#rust", {}, "alice"));
  m.apply(rule(Kind::owner, "#lobby", {}, "alice"));  // the default room has no owner
  m.apply(rule(Kind::op, "#rust", "bob", "bob"));
  CHECK(m.has_owner("#rust"));
  CHECK_FALSE(m.has_owner("#lobby"));
  CHECK(m.is_operator("#rust", "Alice"));
  CHECK(m.is_operator("#rust", "bob"));
  CHECK(m.is_operator("#rust", "root"));
  CHECK(m.is_operator("#lobby", "root"));
  CHECK_FALSE(m.is_room_operator("#rust", "root"));  // admins are not shown as @
  CHECK_FALSE(m.is_operator("#rust", "carol"));
  CHECK_FALSE(m.is_operator("#rust", ""));
  auto deop = rule(Kind::op, "#rust", "bob");
  deop.removed = true;
  CHECK(m.apply(deop));
  CHECK_FALSE(m.apply(deop));
  CHECK_FALSE(m.is_operator("#rust", "bob"));
}

TEST_CASE("invite-only rooms and their invitations") {
  Moderation m("#lobby");
  m.apply(rule(Kind::invite_only, "#club"));
  m.apply(rule(Kind::invite, "#club", "bob", "bob"));
  CHECK(m.find("#club")->invite_only);
  CHECK(m.invited("#club", "", "Bob"));
  CHECK(m.invited("#club", "bob", "someone"));
  CHECK_FALSE(m.invited("#club", "", "carol"));
  auto open = rule(Kind::invite_only, "#club");
  open.removed = true;
  m.apply(open);
  CHECK(m.find("#club") == nullptr);  // invitations go with it
}

TEST_CASE("rules() gives back what apply() was given") {
  Moderation m("#lobby");
  auto topic = rule(Kind::topic, "#rust");
  topic.text = "systems";
  m.apply(topic);
  m.apply(rule(Kind::mute, "#rust", "a:bob", "bob", 77));
  Moderation copy("#lobby");
  for (const ModerationRule& r : m.rules()) copy.apply(r);
  CHECK(copy.find("#rust")->topic == "systems");
  CHECK(copy.muted("#rust", "bob", "", 76) != nullptr);
  CHECK(copy.muted("#rust", "bob", "", 77) == nullptr);
}

TEST_CASE("a rule as a cluster event and its identity in Redis") {
  auto ban = rule(Kind::ban, "#Rust", "h:2001:db8:1:2::/64", "2001:db8:1:2::/64", 1'800'000'000);
  ban.text = "spam";
  ban.removed = true;
  CHECK(chat::rule_of(chat::rule_event(ban)) == ban);
  // One identity per kind, room (any spelling) and key: a later rule replaces it.
  auto again = rule(Kind::ban, "#rust", "h:2001:db8:1:2::/64");
  CHECK(chat::rule_identity(again) == chat::rule_identity(ban));
  CHECK(chat::rule_identity(rule(Kind::mute, "#rust", "h:2001:db8:1:2::/64")) != chat::rule_identity(ban));
  CHECK(chat::rule_identity(rule(Kind::topic, "#rust")) == std::string("T\n#rust\n"));
  // A kind this release does not know is not a rule.
  auto unknown = chat::rule_event(ban);
  unknown.count2 = 'Z';
  CHECK_FALSE(chat::rule_of(unknown));
}
