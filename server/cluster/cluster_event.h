// What one chatd node tells the others through Redis pub/sub, and how it is
// written on the channel. Pure: bytes in, event out.
//
// The publishing node renders every line its users would see ("> New user
// X entered (N users online)", "[X] hi"), so a remote user gets the same
// bytes as a local one; the event also carries the presence change that
// keeps the other nodes' mirror of remote users current.
//
// Wire format, version 1: "chat1 K " followed by eight length-prefixed
// fields, each "LEN:BYTES" (LEN in decimal): from, node, user, name, room,
// old_room, line, line2. Anything else (another version, a bad length, trailing
// bytes) is refused, so a garbage message on the channel is logged and
// ignored, never half-applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

struct ClusterEvent {
  enum class Kind : char {
    // Presence events carry the user's name and room as they are after it.
    enter = 'E',    // user joined the cluster: line = "New user" line or empty
    leave = 'L',    // user left `room`: line = "left" line or empty
    nick = 'N',     // user renamed: name = new name; line for the user's room
    move = 'M',     // user moved from old_room to room: line to the old, line2 to the new
    line = 'T',     // text, /me, a late "New user" line: line to everyone in `room`
    direct = 'P',   // /msg: line to user `user` on node `node` only
    reset = 'R',    // node `node` (re)registered: forget its users, entries follow
  };

  Kind kind = Kind::line;
  std::string from;        // the publishing node; a node ignores its own events
  std::string node;        // the user's node (differs from `from` for a reaped node's users)
  std::uint64_t user = 0;  // the user's id on its node
  std::string name;
  std::string room;
  std::string old_room;
  std::string line;
  std::string line2;

  bool operator==(const ClusterEvent&) const = default;
};

std::string encode(const ClusterEvent& event);

// The event in `wire`, or nullopt when it is not a well-formed version 1
// event.
std::optional<ClusterEvent> decode_cluster_event(std::string_view wire);

// A user as kept in Redis (the per-node hash) and in a node snapshot:
// "NAME\nROOM". Names and room names never contain "\n".
std::string encode_presence(std::string_view name, std::string_view room);
struct Presence {
  std::string name;
  std::string room;
};
std::optional<Presence> decode_presence(std::string_view text);

}  // namespace chat
