// The chat: who is here, under which name, in which room, and who gets
// which line.
//
// Pure protocol logic: it sees framed lines and hands finished lines to
// Members; it never touches a socket, so every rule of docs/PROTOCOL.md is
// unit-tested without the network. Members are identified by small ids that
// the room hands out and reuses. One Room object holds the whole server:
// every member sits in exactly one named room ("#lobby" by default), which
// scopes text, /me, joins, leaves, nick changes and the recent history.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/server_log.h"
#include "base/shared_line.h"
#include "core/bus.h"
#include "core/room_config.h"

namespace chat {

// What the room needs from a connection: somewhere to put lines. deliver()
// only queues; it must not call back into the room.
class Member {
 public:
  virtual void deliver(const SharedLine& line) = 0;
  // Whether a reply of `lines` lines, `bytes` in total, built for this
  // member alone would be queued now. If not, the room does not build it;
  // the member counts it as one skipped message.
  virtual bool accepts_reply(std::size_t /*bytes*/, std::size_t /*lines*/) { return true; }
  // The line that returned Outcome::wait has been answered: hand the room
  // this member's next lines again. May be called from a Bus callback.
  virtual void resume() {}

 protected:
  ~Member() = default;
};

// Where history goes to outlive the process (server/history_store.h). Called
// on the room's thread with the line as sent (ending in "\n"); must not block
// on the disk. It may keep the handle (lines are immutable).
class HistorySink {
 public:
  virtual void append(std::string_view room, std::int64_t time, const SharedLine& line) = 0;

 protected:
  ~HistorySink() = default;
};

class Room {
 public:
  using MemberId = std::uint32_t;

  explicit Room(ServerLog& log, RoomConfig config = {});

  // Persists every kept history line to `sink` from now on; rooms with
  // history then outlive their last member. Not owned.
  void set_history_sink(HistorySink* sink) { sink_ = sink; }
  // Adds one line of history (as loaded from a store) to `room`, creating
  // it; an invalid room name is ignored.
  void restore_history(std::string_view room, std::int64_t time, std::string_view line);

  // Adds a member known as `address_name` (its IP:PORT) until it picks a
  // nickname, in the default room: sends it the welcome and the room's
  // recent history, everyone else there the "New user" line. With
  // `announce` false (a join storm, see JoinGate) the "New user" line waits
  // until the member's first line, and a member that leaves unannounced
  // leaves silently; the log has both lines either way.
  MemberId join(Member& member, std::string address_name, bool announce = true);

  // Removes a member: everyone left in its room gets the "left" line.
  void leave(MemberId id);

  enum class Outcome { stay, quit, wait };
  // Handles one framed line from a member. `quit` means the member asked to
  // leave (the caller calls leave() and closes after flushing). `wait`
  // (only with a cluster Bus) means the line's answer depends on Redis (a
  // /nick claim): the caller hands this member no further line until the
  // room calls Member::resume(), so its lines take effect in the order sent.
  Outcome handle_line(MemberId id, std::string_view line);

  // Sends a line to one member / to every member.
  void send_to(MemberId id, const SharedLine& line);
  void send_to_all(const SharedLine& line);

  // --- chatd --cluster (server/bus.h). Not owned; set before anyone joins.
  void set_bus(Bus* bus);
  // Another node's event (never one of this node's own).
  void apply_remote(const ClusterEvent& event);
  // The answer to Bus::claim_nickname() for `user`'s claim of `name`.
  void on_claim(std::uint64_t user, std::string_view name, ClaimResult result, std::string_view owner);
  // The link is gone: remote users are forgotten, local users told once.
  void on_link_lost();
  // The link is back and the mirror reloaded: local users are told.
  void on_link_restored();
  // Drops the remote users of `node` (all nodes but this one when empty).
  void forget_remote(std::string_view node = {});
  // Adds or replaces a remote user (a snapshot entry).
  void add_remote(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room);
  // A reaped node's user: removed, its "left" line delivered here and
  // logged; returns the event that tells the other nodes.
  ClusterEvent remote_left(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room);
  // After a restore: `user` lost nickname `name` to someone who claimed it
  // while the link was down; it goes back to its address name.
  void revoke_nickname(std::uint64_t user, std::string_view name);
  struct LocalUser {
    std::uint64_t user;
    std::string_view name;
    std::string_view room;
    bool named;  // has a nickname (not its IP:PORT)
  };
  // This node's users, for republishing presence.
  [[nodiscard]] std::vector<LocalUser> local_users() const;

  // Users online: here, plus those of other nodes in a cluster.
  [[nodiscard]] std::size_t online() const { return order_.size() + remote_count_; }
  [[nodiscard]] std::size_t room_count() const { return channels_.size(); }
  [[nodiscard]] const std::string& name_of(MemberId id) const { return seats_[id]->name; }

 private:
  struct Said {
    std::int64_t time;
    SharedLine line;
  };
  struct Channel {
    std::string name;               // as first spelled, with its "#"
    std::vector<MemberId> members;  // arrival order
    std::deque<Said> history;       // oldest first, at most config_.history
  };
  struct Seat {
    Member* member;
    std::string name;
    Channel* channel;
    bool announced = true;
    // --cluster only:
    std::uint64_t serial = 0;           // the user's id in the cluster: never reused
    std::string address;                // its IP:PORT name
    std::optional<std::string> claiming;  // a /nick waiting for Redis
    bool told_behind = false;  // told its lines stay here; again only after one got through
  };
  struct RemoteUser {
    std::string node;
    std::uint64_t user;
    std::string name;
    std::string room;  // as spelled, with its "#"
  };

  void broadcast_except(MemberId sender, const SharedLine& line);
  void publish(ClusterEvent event);
  // Publishes a line `id` said; tells it once if Redis is too far behind.
  bool publish_said(MemberId id, ClusterEvent event);
  void apply_rename(MemberId id, std::string_view requested);
  void deliver_in(std::string_view room, std::string_view line);
  void remove_remote(const std::string& node, std::uint64_t user);
  [[nodiscard]] std::size_t remote_in(std::string_view room) const;
  [[nodiscard]] std::size_t here(const Channel& ch) const;
  [[nodiscard]] const RemoteUser* find_remote(std::string_view name) const;
  // How other nodes' users spell `room`, if any are in it.
  [[nodiscard]] std::string_view remote_spelling(std::string_view room) const;
  void announce(MemberId id);
  void reply(MemberId id, std::string line);
  void rename(MemberId id, std::string_view requested);
  void send_private(MemberId id, std::string_view target, std::string_view text);
  void send_who(MemberId id, std::string_view arg);
  void send_rooms(MemberId id);
  void send_list(MemberId id, const std::string& header, std::span<const std::string_view> items);
  void move(MemberId id, std::string_view room);
  void say(MemberId id, const SharedLine& line);
  void send_history(MemberId id);
  Channel& channel(std::string_view name);
  void remove_from(Channel& ch, MemberId id);
  std::optional<MemberId> find(std::string_view name) const;
  [[nodiscard]] std::int64_t now() const;

  ServerLog& log_;
  RoomConfig config_;
  HistorySink* sink_ = nullptr;
  std::vector<std::optional<Seat>> seats_;  // indexed by MemberId
  std::vector<MemberId> free_ids_;
  std::vector<MemberId> order_;  // arrival order: /who * and shutdown order
  std::unordered_map<std::string, MemberId> by_nickname_;  // nickname_key -> id
  std::unordered_map<std::string, Channel> channels_;      // room_key -> room; nodes are stable
  Channel* default_channel_ = nullptr;                     // always exists

  // --cluster: a mirror of the other nodes' users, kept by their events.
  Bus* bus_ = nullptr;
  std::uint64_t next_serial_ = 1;
  std::unordered_map<std::uint64_t, MemberId> by_serial_;
  // node -> user id -> user: sorted, so /who lists them node by node, each
  // node's users in order of arrival (ids only grow).
  std::map<std::string, std::map<std::uint64_t, RemoteUser>> remote_;
  std::unordered_map<std::string, std::size_t> remote_rooms_;  // room_key -> remote users there
  std::unordered_map<std::string, const RemoteUser*> remote_nicknames_;  // nickname_key -> user
  std::size_t remote_count_ = 0;
};

}  // namespace chat
