// The chat room: who is here, under which name, and who gets which line.
//
// Pure protocol logic: it sees framed lines and hands finished lines to
// Members; it never touches a socket, so every rule of docs/PROTOCOL.md is
// unit-tested without the network. Members are identified by small ids that
// the room hands out and reuses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

class Room {
 public:
  using MemberId = std::uint32_t;

  // Replies listing names (/who) are split into lines of at most
  // `max_line` bytes (--max-line).
  explicit Room(ServerLog& log, std::size_t max_line = 4096) : log_(log), max_line_(max_line) {}

  // Adds a member known as `address_name` (its IP:PORT) until it picks a
  // nickname: sends it the welcome, everyone else the "New user" line.
  MemberId join(Member& member, std::string address_name);

  // Removes a member: everyone left gets the "left" line.
  void leave(MemberId id);

  enum class Outcome { stay, quit };
  // Handles one framed line from a member. `quit` means the member asked to
  // leave (the caller calls leave() and closes after flushing).
  Outcome handle_line(MemberId id, std::string_view line);

  // Sends a line to one member / to every member.
  void send_to(MemberId id, const SharedLine& line);
  void send_to_all(const SharedLine& line);

  [[nodiscard]] std::size_t online() const { return order_.size(); }
  [[nodiscard]] const std::string& name_of(MemberId id) const { return seats_[id]->name; }

 private:
  struct Seat {
    Member* member;
    std::string name;
  };

  void broadcast_except(MemberId sender, const SharedLine& line);
  void reply(MemberId id, std::string line);
  void rename(MemberId id, std::string_view requested);
  void send_private(MemberId id, std::string_view target, std::string_view text);
  void send_who(MemberId id);
  std::optional<MemberId> find(std::string_view name) const;

  ServerLog& log_;
  std::size_t max_line_;
  std::vector<std::optional<Seat>> seats_;  // indexed by MemberId
  std::vector<MemberId> free_ids_;
  std::vector<MemberId> order_;  // arrival order: /who and broadcast order
  std::unordered_map<std::string, MemberId> by_nickname_;  // nickname_key -> id
};

}  // namespace chat
