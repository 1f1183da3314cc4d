// chatd --cluster: the Bus over Redis (docs/ARCHITECTURE.md "Cluster").
//
// What lives in Redis (one database per cluster, keys under "chat:"):
//   chat:events          the pub/sub channel every node subscribes to
//                        ("chat:events:DB" for a database other than 0)
//   chat:epoch           a token set by the first node to find it missing: a
//                        new one means Redis lost its data (restarted)
//   chat:nodes           set of registered node names
//   chat:alive:NODE      the node's heartbeat, a key that expires after --node-timeout
//   chat:users:NODE      hash USER-ID -> "NAME\nROOM" of the node's users
//   chat:nicks:NODE      set of the nickname keys the node's users hold
//   chat:nick:KEY        "NODE\nUSER-ID\nNAME": who holds the nickname whose
//                        nickname_key() is KEY (common/nickname.h)
//   chat:accounts        hash nickname key -> "NAME\nCREATED\nHASH": every account
//   chat:rules           hash rule identity -> rule event: every moderation rule
//   chat:rules:seeded    set once a node has put its rules in (cluster_scripts.h)
// Every change that touches more than one key is one Lua script, so it is
// atomic: a nickname claim, a presence change with its event, registering a
// node, and reaping a dead one (exactly one node wins each dead node).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/server_log.h"
#include "cluster/redis_link.h"
#include "core/bus.h"
#include "cluster/cluster_event.h"
#include "core/chat.h"
#include "net/loop_task.h"

namespace chat {

class ClusterBus final : public Bus, public LoopTask, private RedisLink::Handler {
 public:
  // `address` is url.host resolved (resolve_redis_host); url.host names it in the log.
  // `wire_version`: what this node writes (cluster/cluster_event.h).
  ClusterBus(Chat& room, Poller& poller, const RedisUrl& url, const std::string& address, std::string node,
             std::chrono::seconds node_timeout, ServerLog& log, int wire_version = kClusterWireVersion);
  ~ClusterBus();
  ClusterBus(const ClusterBus&) = delete;
  ClusterBus& operator=(const ClusterBus&) = delete;

  // Bus
  Sent publish(ClusterEvent event) override;
  [[nodiscard]] bool linked() const override { return ready_; }
  void claim_nickname(std::uint64_t user, std::string_view name, std::string_view key,
                      std::string_view old_key) override;
  void release_nickname(std::uint64_t user, std::string_view key) override;
  // (cluster/cluster_bus_state.cpp)
  bool register_account(std::uint64_t user, std::string_view name, std::string_view hash) override;
  bool update_account(std::string_view name, std::string_view hash) override;
  void take_nickname(std::uint64_t user, std::string_view name, std::string_view key,
                     std::string_view old_key) override;

  // LoopTask
  void on_event(const PollEvent& event) override;
  void on_tick(Clock::time_point now) override;
  [[nodiscard]] int timeout_ms(Clock::time_point now) const override;
  void on_shutdown() override;
  [[nodiscard]] bool finished() const override { return link_.closed(); }

  // Lines published while Redis was behind (skipped, the sender told).
  [[nodiscard]] std::size_t skipped() const { return skipped_; }
  // Events this node sent to Redis, and other nodes' events it received (--metrics).
  [[nodiscard]] std::uint64_t events_sent() const { return events_sent_; }
  [[nodiscard]] std::uint64_t events_received() const { return events_received_; }

 private:
  // RedisLink::Handler
  void on_link_up() override;
  void on_link_down(const std::string& reason, bool was_up) override;
  void on_message(std::string_view payload) override;

  void on_snapshot(const redisReply* reply);
  // Accounts and rules (cluster/cluster_bus_state.cpp): what this node
  // knows goes in where Redis lacks it, and Redis's comes back.
  void load_state();
  // A rule event: kept in chat:rules and published, in one script.
  bool publish_rule(const ClusterEvent& event, const std::string& payload);
  // A rule made while the link is down, for load_state() to send.
  void keep_rule(ClusterEvent event);
  // Announces the leaves of this node's users the others still mirror but
  // who are gone, then registers the node (replacing its entry) and
  // republishes its users.
  struct Gone {
    std::uint64_t user;
    std::string name, room;
    std::string record;  // "NAME\nROOM" as read from Redis; empty: Redis lost it
  };
  void announce_gone(const std::vector<Gone>& gone, bool first);
  // An event about one of this node's users, sent by this node: shown to
  // the other nodes' users with `count` users online, or (no count) a
  // silent re-announcement.
  ClusterEvent own_event(ClusterEvent::Kind kind, std::uint64_t user, std::string_view name, std::string_view room,
                         std::optional<std::size_t> count) const;
  void register_node();
  void send_heartbeat(Clock::time_point now);
  void send_reap();
  void on_reaped(const redisReply* reply);
  [[nodiscard]] std::string key(std::string_view kind) const;  // "chat:KIND:NODE"
  [[nodiscard]] std::string owner(std::uint64_t user) const;   // "NODE\nUSER\n"

  Chat& room_;
  int wire_;  // the wire version written
  std::string node_;
  std::chrono::milliseconds node_timeout_;
  std::chrono::milliseconds heartbeat_every_;
  ServerLog& log_;
  std::string channel_;
  RedisLink link_;

  bool ready_ = false;       // registered and the mirror loaded
  bool ever_ready_ = false;
  bool told_lost_ = false;   // users told the link is lost, not yet that it is back
  bool reported_unreachable_ = false;
  std::vector<ClusterEvent> early_;  // events that came before the snapshot
  // Rules made or lifted here while the link was down: put into Redis when
  // it is back, before its rules are loaded (which would lift them).
  std::vector<ClusterEvent> unsent_rules_;
  std::string epoch_;                // chat:epoch when last registered
  // This node's users as the cluster knew them when the link was lost (for
  // leaves to announce if Redis lost them meanwhile); empty while linked.
  std::vector<Gone> known_;
  Clock::time_point next_heartbeat_{};
  Clock::time_point next_reap_{};
  std::optional<Clock::time_point> heartbeat_sent_;  // awaiting its answer since
  bool reap_pending_ = false;
  std::size_t skipped_ = 0;
  std::size_t malformed_ = 0;
  std::uint64_t events_sent_ = 0;
  std::uint64_t events_received_ = 0;
};

}  // namespace chat
