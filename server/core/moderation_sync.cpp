// Moderation over --cluster (docs/CLUSTER.md "Accounts and moderation"):
// the rules as Redis holds them (a node that starts later, or comes back
// after a lost link, takes them in), /kick of a user of another node, and
// the "@name" marks of other nodes' users in /who.
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/chat.h"
#include "core/moderation/rule_event.h"
#include "nickname.h"
#include "room_name.h"

namespace chat {

namespace {

// What Moderation::rules() gives back of `r` (it keeps only what applies).
ModerationRule kept_form(const ModerationRule& r) {
  using Kind = ModerationRule::Kind;
  ModerationRule k;
  k.kind = r.kind;
  k.room = r.room;
  switch (r.kind) {
    case Kind::owner: k.name = r.name; break;
    case Kind::op: case Kind::invite: k.key = r.key; k.name = r.name; break;
    case Kind::topic: k.text = r.text; k.by = r.by; break;
    case Kind::invite_only: break;
    case Kind::ban: case Kind::mute:
      k.key = r.key; k.name = r.name; k.by = r.by; k.text = r.text; k.until = r.until;
      break;
  }
  return k;
}

}  // namespace

void Chat::load_rules(const std::vector<ClusterEvent>& events) {
  const std::int64_t t = now();
  std::map<std::string, ModerationRule> in_force;  // identity -> rule, as held here now
  for (ModerationRule& rule : moderation_.rules()) {
    std::string identity = rule_identity(rule);
    in_force.emplace(std::move(identity), std::move(rule));
  }
  std::set<std::string> held;
  for (const ClusterEvent& e : events) {
    const std::optional<ModerationRule> rule = rule_of(e);
    if (!rule || rule->removed || !is_valid_room_name(rule->room)) continue;
    if (rule->until != 0 && rule->until <= t) continue;  // expired while kept
    std::string identity = rule_identity(*rule);
    const auto known = in_force.find(identity);
    held.insert(std::move(identity));
    // Already in force here as it is (the usual case on a link restored):
    // not stored again, nor enforced again.
    if (known != in_force.end() && known->second == kept_form(*rule)) continue;
    restore_moderation(*rule);
    if (moderation_sink_ != nullptr) moderation_sink_->save(*rule);
    enforce(*rule);
  }
  // What this node still holds that the cluster lifted meanwhile.
  for (ModerationRule rule : moderation_.rules()) {
    if (held.contains(rule_identity(rule))) continue;
    rule.removed = true;
    restore_moderation(rule);
    if (moderation_sink_ != nullptr) moderation_sink_->save(rule);
  }
}

std::vector<ClusterEvent> Chat::rule_events() const {
  std::vector<ClusterEvent> events;
  for (const ModerationRule& rule : moderation_.rules()) events.push_back(rule_event(rule));
  return events;
}

void Chat::ask_kick(const Directory::RemoteUser& target, const Channel& ch, std::string_view by,
                    std::string_view reason) {
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::kick;
  e.node = target.node;
  e.user = target.user;
  e.name = target.name;
  e.room = ch.name;
  e.old_name = std::string(by);
  e.text = std::string(reason);
  e.count2 = 1;
  publish(std::move(e));
}

void Chat::announce_kick(const Seat& seat, const Channel& ch, std::string_view by, std::string_view reason) {
  ClusterEvent e = presence(ClusterEvent::Kind::kick, seat);
  e.room = ch.name;
  e.old_name = std::string(by);
  e.text = std::string(reason);
  publish(std::move(e));
}

void Chat::apply_remote_kick(const ClusterEvent& e) {
  if (e.count2 == 0) {  // done on its node: shown here
    deliver_in(e.room, Event{.kind = Event::Kind::kicked, .name = e.name, .other = e.old_name, .text = e.text});
    return;
  }
  // Asked of this node (the bus passes on only those addressed to it).
  const auto id = directory_.by_serial(e.user);
  if (!id) return;  // gone meanwhile
  Channel& ch = *directory_[*id].channel;
  if (room_key(ch.name) != room_key(e.room) || directory_[*id].name != e.name) return;  // moved or renamed meanwhile
  kick(*id, ch, e.old_name, e.text);
}

std::string_view Chat::remote_mark(const Channel& ch, std::string_view name, std::deque<std::string>& marked) const {
  if (moderation_.empty() || !registered(name) || !moderation_.is_room_operator(ch.name, name)) return name;
  marked.push_back("@" + std::string(name));
  return marked.back();
}

}  // namespace chat
