// A moderation rule as it travels between the nodes of a cluster (a
// ClusterEvent of kind `rule`, core/bus.h) and as Redis keeps it (the same
// event, in the hash chat:rules, server/cluster/cluster_bus.h). Pure.
#pragma once

#include <optional>
#include <string>

#include "core/bus.h"
#include "core/moderation/rule.h"

namespace chat {

// `rule` as an event: name, room, old_room = its key, old_name = by, text,
// count = until, count2 = its kind's letter, plus 0x100 for a removal.
[[nodiscard]] ClusterEvent rule_event(const ModerationRule& rule);
// The rule in `event`; nullopt for a kind this release does not know.
[[nodiscard]] std::optional<ModerationRule> rule_of(const ClusterEvent& event);
// What makes a rule the same rule (a later one replaces it): its kind, its
// room (room_key) and its key, "K\nROOM\nKEY". Removals share it.
[[nodiscard]] std::string rule_identity(const ModerationRule& rule);

}  // namespace chat
