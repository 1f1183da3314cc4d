// The chat's window on other chatd nodes (chatd --cluster). Without
// --cluster the chat holds no Bus (a null pointer, one predictable branch)
// and nothing else changes.
//
// The chat publishes what its users do as ClusterEvents: structured, never
// rendered, so each node renders them for its own users' protocols. The bus
// (server/cluster/) carries them on the wire and hands other nodes' events
// back through Chat::apply_remote(), the link's state through
// Chat::on_link_lost() and Chat::on_link_restored(), and nickname claims
// through Chat::on_claim(). Every call is on the chat's thread and never
// blocks: a nickname claim is answered later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.h"

namespace chat {

struct ClusterEvent {
  enum class Kind : char {
    // Presence events carry the user's name and room as they are after it.
    enter = 'E',   // user joined the cluster (shown: the others are told; count = online)
    leave = 'L',   // user left the chat from `room` (shown; count = online)
    nick = 'N',    // user renamed from old_name to name, in `room`
    move = 'M',    // user moved from old_room (count = users left there) to room (count2 = users there now)
    line = 'T',    // name said text in `room` (said: text or action), or a late entered line (said: entered)
    direct = 'P',  // /msg: name said text to user `user` of node `node` only
    reset = 'R',   // node `node` (re)registered: forget its users, entries follow
    // A moderation rule (core/moderation/rule.h) made or lifted: name, room,
    // old_room = its key, old_name = by, text, count = until, count2 = its
    // kind's letter, plus 0x100 for a removal.
    rule = 'D',
    // An account (core/account_sync.cpp): count2 says what happened.
    //   'P' registered or its password changed: name, text = its hash, count = created
    //   'L' logged in as `name` by user `user` of node `node`: other nodes
    //       close their connection logged in as it and take the name back
    //   'F' a failed login as `name` from host `old_room` (the throttle)
    account = 'A',
    // /kick of a user of node `node` (core/account_sync.cpp): name, room,
    // old_name = by, text = reason. count2 1: asked of that node (only it
    // reads it); 0: done there, every node shows the kick line in `room`.
    kick = 'K',
  };

  Kind kind = Kind::line;
  std::string from;        // the publishing node; a node ignores its own events
  std::string node;        // the user's node (differs from `from` for a reaped node's users)
  std::uint64_t user = 0;  // the user's id on its node
  std::string name;
  std::string room;
  std::string old_room;
  std::string old_name;
  std::string text;
  Event::Kind said = Event::Kind::text;
  std::uint64_t count = 0;
  std::uint64_t count2 = 0;
  bool shown = true;  // enter, leave: false for a join storm's unannounced member

  bool operator==(const ClusterEvent&) const = default;
};

class Bus {
 public:
  enum class Sent {
    sent,    // handed to the link, in order after everything before it
    down,    // the link is down: only this node's users got it
    behind,  // Redis is not keeping up (the outbound buffer is full): skipped
  };
  // Publishes `event` (the bus fills in `from`, and `node` when empty) and,
  // for presence events, updates this node's users in Redis with it.
  virtual Sent publish(ClusterEvent event) = 0;
  [[nodiscard]] virtual bool linked() const = 0;
  // Asks Redis for nickname `key` (nickname_key of `name`) for user
  // `user`, freeing `old_key` (empty: none) if the claim wins. The answer
  // comes through Chat::on_claim().
  virtual void claim_nickname(std::uint64_t user, std::string_view name, std::string_view key,
                              std::string_view old_key) = 0;
  // Frees nickname `key` if `user` of this node holds it.
  virtual void release_nickname(std::uint64_t user, std::string_view key) = 0;

  // --- accounts (docs/CLUSTER.md "Accounts and moderation"). Each returns
  // false when it could not be sent (the link is down).
  // Registers `name` with `hash` for `user` unless the name is registered
  // already, everywhere at once; the answer comes through
  // Chat::on_account_claim().
  virtual bool register_account(std::uint64_t /*user*/, std::string_view /*name*/, std::string_view /*hash*/) {
    return false;
  }
  // Replaces the hash of account `name` (/password) and tells every node.
  virtual bool update_account(std::string_view /*name*/, std::string_view /*hash*/) { return false; }
  // `user` takes nickname `key` (`name`) whoever holds it (a /login takes
  // its account's name back), freeing `old_key` (empty: none) if it holds it.
  virtual void take_nickname(std::uint64_t /*user*/, std::string_view /*name*/, std::string_view /*key*/,
                             std::string_view /*old_key*/) {}

 protected:
  ~Bus() = default;
};

// How a nickname claim ended.
enum class ClaimResult { won, in_use, failed };

}  // namespace chat
