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
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "room_config.h"
#include "server_log.h"
#include "shared_line.h"

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

  enum class Outcome { stay, quit };
  // Handles one framed line from a member. `quit` means the member asked to
  // leave (the caller calls leave() and closes after flushing).
  Outcome handle_line(MemberId id, std::string_view line);

  // Sends a line to one member / to every member.
  void send_to(MemberId id, const SharedLine& line);
  void send_to_all(const SharedLine& line);

  [[nodiscard]] std::size_t online() const { return order_.size(); }
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
  };

  void broadcast_except(MemberId sender, const SharedLine& line);
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
};

}  // namespace chat
