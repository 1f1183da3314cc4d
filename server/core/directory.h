// Who is online under which name: this node's users (members, by small
// ids handed out and reused) and, with a cluster, the mirror of the other
// nodes' users. One directory, so a name is looked up, checked for
// collisions and counted the same way wherever its user is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/member.h"

namespace chat {

struct Channel;

class Directory {
 public:
  using MemberId = chat::MemberId;

  // A user of this node.
  struct Seat {
    Member* member = nullptr;
    std::string name;  // its nickname, or its IP:PORT address name
    Channel* channel = nullptr;
    bool announced = true;
    // --cluster only:
    std::uint64_t serial = 0;             // the user's id in the cluster: never reused
    std::string address;                  // its IP:PORT name
    std::optional<std::string> claiming;  // a /nick waiting for Redis
    bool told_behind = false;  // told its lines stay here; again only after one got through
    std::string account;  // the account this member is logged in as; empty if none
    // /whois (core/irc_commands.cpp):
    std::int64_t connected_at = 0;  // seconds since the epoch
    std::int64_t spoke_at = 0;      // its last text, /me or /msg (connected_at before)
    unsigned guest = 0;             // --guest-names: N of its guest-N name; 0: none
    // /history: the number (Channel::kept_total) of the oldest line of its
    // room it has been shown; older lines are what /history pages back to.
    std::uint64_t shown_from = 0;
    // Its IP:PORT, whatever it is shown as (`address` is the name it goes
    // back to, guest-N with --guest-names): address bans, login throttles,
    // the log, an admin's /whois of a guest.
    std::string peer;
    // A member that may be in several rooms, or none (the IRC port): it
    // starts in no room (`channel` null), JOINs rooms alongside each other
    // and PARTs them one by one; a kick takes it out of that room only.
    // `channel` is then the room it last acted in, `also` its other rooms.
    // A line user's `also` stays empty (no allocation).
    bool multi = false;
    std::vector<Channel*> also;
    std::string quit_reason{};  // IRC's QUIT message, shown to IRC users as it leaves
  };
  // A user of another node.
  struct RemoteUser {
    std::string node;
    std::uint64_t user;
    std::string name;
    std::string room;  // as spelled, with its "#"
  };

  // --- this node's users
  MemberId add(Seat seat);
  // Frees `id`'s seat (and its nickname); returns what it held, with the
  // nickname's key if it had one (empty for an address name).
  struct Removed {
    Seat seat;
    std::string nickname_key;
  };
  Removed remove(MemberId id);
  [[nodiscard]] Seat& operator[](MemberId id) { return *seats_[id]; }
  [[nodiscard]] const Seat& operator[](MemberId id) const { return *seats_[id]; }
  // In arrival order: /who * and shutdown order.
  [[nodiscard]] const std::vector<MemberId>& local() const noexcept { return order_; }
  // Gives `id` the nickname `nickname` (its old one, if any, is freed);
  // returns the name it had.
  std::string rename(MemberId id, std::string nickname);
  // --cluster: `id` goes back to its address name; returns the name it had.
  std::string drop_nickname(MemberId id);
  [[nodiscard]] bool has_nickname(MemberId id) const;
  [[nodiscard]] std::optional<MemberId> by_serial(std::uint64_t serial) const;
  void set_serial(MemberId id, std::uint64_t serial);

  // --- other nodes' users
  // Adds or replaces a remote user.
  void add_remote(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room);
  void remove_remote(const std::string& node, std::uint64_t user);
  // Drops the remote users of `node` (all nodes when empty).
  void forget_remote(std::string_view node = {});
  // How many of them are in `room`.
  [[nodiscard]] std::size_t remote_in(std::string_view room) const;
  // How other nodes' users spell `room`, or `room` if none is in it.
  [[nodiscard]] std::string_view remote_spelling(std::string_view room) const;
  // Node by node, each node's users in order of arrival (ids only grow).
  [[nodiscard]] const std::map<std::string, std::map<std::uint64_t, RemoteUser>>& remote() const noexcept {
    return remote_;
  }

  // --- both
  struct Found {
    std::optional<MemberId> local;
    const RemoteUser* remote = nullptr;
    explicit operator bool() const noexcept { return local || remote != nullptr; }
  };
  // The user called `name`: by nickname (up to its skeleton), or, for a
  // user without one, by its exact IP:PORT name; this node's users first.
  [[nodiscard]] Found find(std::string_view name) const;
  // Whoever holds the nickname `name` collides with (up to its skeleton),
  // as that holder is called: a user of this node other than `except`, or
  // one of another node.
  [[nodiscard]] std::optional<std::string_view> local_owner(std::string_view name, MemberId except) const;
  [[nodiscard]] std::optional<std::string_view> remote_owner(std::string_view name) const;
  [[nodiscard]] std::size_t online() const noexcept { return order_.size() + remote_count_; }

 private:
  std::vector<std::optional<Seat>> seats_;  // indexed by MemberId
  std::vector<MemberId> free_ids_;
  std::vector<MemberId> order_;
  std::unordered_map<std::string, MemberId> by_nickname_;  // nickname_key -> id
  std::unordered_map<std::uint64_t, MemberId> by_serial_;

  std::map<std::string, std::map<std::uint64_t, RemoteUser>> remote_;
  std::unordered_map<std::string, std::size_t> remote_rooms_;            // room_key -> remote users there
  std::unordered_map<std::string, const RemoteUser*> remote_nicknames_;  // nickname_key -> user
  std::size_t remote_count_ = 0;
};

}  // namespace chat
