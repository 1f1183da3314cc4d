// The Room's window on other chatd nodes (chatd --cluster). Without
// --cluster the Room holds no Bus (a null pointer, one predictable branch)
// and nothing else changes.
//
// The Room publishes what its users do, rendered (server/cluster/
// cluster_event.h); the bus hands other nodes' events back through
// Room::apply_remote() and the link's state through Room::on_link_lost(),
// Room::on_link_restored() and Room::on_claim(). Every call is on the
// Room's thread and never blocks: a nickname claim is answered later.
#pragma once

#include <cstdint>
#include <string_view>

#include "cluster/cluster_event.h"

namespace chat {

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
  // comes through Room::on_claim().
  virtual void claim_nickname(std::uint64_t user, std::string_view name, std::string_view key,
                              std::string_view old_key) = 0;
  // Frees nickname `key` if `user` of this node holds it.
  virtual void release_nickname(std::uint64_t user, std::string_view key) = 0;

 protected:
  ~Bus() = default;
};

// How a nickname claim ended.
enum class ClaimResult { won, in_use, failed };

}  // namespace chat
