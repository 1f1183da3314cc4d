// The rooms: each with its members (this node's, in arrival order) and its
// recent history. The default room always exists; another lives while
// someone is in it, or while a store keeps its history, until a new room
// needs its place (evict_idlest).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/directory.h"
#include "core/event.h"

namespace chat {

struct Channel {
  std::string name;                           // as first spelled, with its "#"
  std::vector<Directory::MemberId> members;   // arrival order
  std::deque<HistoryEntry> history;           // oldest first
  // Its last activity (a line kept, a member leaving, its creation): the
  // time in seconds, then the order of events for equal times.
  std::int64_t active_at = 0;
  std::uint64_t active_seq = 0;
  // Lines ever kept here (said or restored); the newest line's number.
  // /history counts back from a member's Seat::shown_from with it.
  std::uint64_t kept_total = 0;
  // Has an owner (core/moderation): outlives its last member.
  bool owned = false;
  // Operators by IRC's rule rather than an account's (core/rooms_many.cpp):
  // the member in several rooms that created it (no account owns it), and
  // whoever such an operator gives +o to. Lost when they leave the room.
  std::vector<Directory::MemberId> session_ops;
};

class Channels {
 public:
  // `history`: lines kept per room (0: none).
  Channels(std::string_view default_room, std::size_t history);

  // The room called `name` (up to room_key), created if needed; nodes are
  // stable, so a Channel& stays valid until the room is removed.
  Channel& get(std::string_view name);
  [[nodiscard]] Channel* find(std::string_view name);
  [[nodiscard]] const Channel* find(std::string_view name) const;
  [[nodiscard]] Channel& lobby() noexcept { return *default_; }
  [[nodiscard]] bool is_lobby(const Channel& ch) const noexcept { return &ch == default_; }

  // Takes `id` out of `ch` at time `now`, and removes `ch` if that left it
  // empty, unless it is the default room or `keep_history` and it has
  // history.
  void remove_member(Channel& ch, Directory::MemberId id, bool keep_history, std::int64_t now = 0);

  // Frees the place of the room without members whose last activity is the
  // oldest (never the default room), so a new room can be made when rooms
  // kept for their history fill --max-rooms. Its history leaves memory (a
  // store keeps its own copy). False when every room has members.
  bool evict_idlest();
  // Records activity in `ch` at `now`.
  void touch(Channel& ch, std::int64_t now) noexcept;
  // Whether removing `id` from `ch` would free the room.
  [[nodiscard]] bool would_free(const Channel& ch, bool keep_history) const;

  // Adds one line to `ch`'s history, dropping the oldest beyond the limit,
  // and counts it as activity at its time. Returns the entry kept, or
  // nullptr with history off.
  const HistoryEntry* remember(Channel& ch, HistoryEntry entry);

  [[nodiscard]] std::size_t size() const noexcept { return rooms_.size(); }
  [[nodiscard]] const std::unordered_map<std::string, Channel>& all() const noexcept { return rooms_; }

 private:
  std::size_t history_;
  std::unordered_map<std::string, Channel> rooms_;  // room_key -> room
  Channel* default_ = nullptr;
  std::uint64_t seq_ = 0;  // activity events so far
};

}  // namespace chat
