#include "core/moderation/rule_event.h"

#include "room_name.h"

namespace chat {

ClusterEvent rule_event(const ModerationRule& rule) {
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::rule;
  e.name = rule.name;
  e.room = rule.room;
  e.old_room = rule.key;
  e.old_name = rule.by;
  e.text = rule.text;
  e.count = static_cast<std::uint64_t>(rule.until);
  e.count2 = static_cast<std::uint64_t>(static_cast<unsigned char>(rule.kind)) | (rule.removed ? 0x100U : 0U);
  return e;
}

std::optional<ModerationRule> rule_of(const ClusterEvent& e) {
  using Kind = ModerationRule::Kind;
  ModerationRule rule;
  rule.kind = static_cast<Kind>(static_cast<char>(e.count2 & 0xFF));
  switch (rule.kind) {
    case Kind::owner: case Kind::op: case Kind::topic: case Kind::ban:
    case Kind::mute: case Kind::invite_only: case Kind::invite:
      break;
    default:
      return std::nullopt;  // not a rule this release knows
  }
  rule.removed = (e.count2 & 0x100U) != 0;
  rule.room = e.room;
  rule.key = e.old_room;
  rule.name = e.name;
  rule.by = e.old_name;
  rule.text = e.text;
  rule.until = static_cast<std::int64_t>(e.count);
  return rule;
}

std::string rule_identity(const ModerationRule& rule) {
  std::string id(1, static_cast<char>(rule.kind));
  id += '\n';
  id += room_key(rule.room);
  id += '\n';
  id += rule.key;
  return id;
}

}  // namespace chat
