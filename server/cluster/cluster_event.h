// How one chatd node's events (core/bus.h) are written on the Redis
// channel. Pure: event in, bytes out, and back.
//
// Version 2 (this release's default): "chat2 K " and twelve length-prefixed
// fields, each "LEN:BYTES" (LEN in decimal): from, node, user, name, room,
// old_room, old_name, text, said, count, count2, shown. The event is
// structured, never rendered: each node renders it for its own users'
// protocols.
//
// Version 1 (the release before): "chat1 K " and eight fields: from, node,
// user, name, room, old_room, line, line2, where the lines are the classic
// protocol's rendering. Both versions are always read, so nodes of two
// releases run side by side in one cluster; during a rolling upgrade the new
// nodes write version 1 (chatd --cluster-wire 1) until the last old node is
// gone (docs/CLUSTER.md, "Upgrades").
//
// Anything else (another version, a bad length, trailing bytes, a line
// that is not one the classic protocol writes) is refused, so a garbage
// message on the channel is logged and ignored, never half-applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bus.h"

namespace chat {

inline constexpr int kClusterWireVersion = 2;  // what this release writes by default

// `event` on the wire, in `version` (1 or 2).
std::string encode(const ClusterEvent& event, int version = kClusterWireVersion);

// The event in `wire` (either version), or nullopt when it is not a
// well-formed one.
std::optional<ClusterEvent> decode_cluster_event(std::string_view wire);

// The publishing node of the event in `wire`, read without decoding the
// rest (a node skips its own events coming back); nullopt if malformed.
std::optional<std::string_view> cluster_event_sender(std::string_view wire);

// A user as kept in Redis (the per-node hash) and in a node snapshot:
// "NAME\nROOM". Names and room names never contain "\n".
std::string encode_presence(std::string_view name, std::string_view room);
struct Presence {
  std::string name;
  std::string room;
};
std::optional<Presence> decode_presence(std::string_view text);

}  // namespace chat
