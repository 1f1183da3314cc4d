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

 protected:
  ~Member() = default;
};

class Room {
 public:
  using MemberId = std::uint32_t;

  explicit Room(ServerLog& log) : log_(log) {}

  // Adds a member known as `address_name` (its IP:PORT) until it picks a
  // nickname: sends it the welcome, everyone else the "New user" line. With
  // `announce` false (a join storm, see JoinGate) the "New user" line waits
  // until the member's first line, and a member that leaves unannounced
  // leaves silently; the log has both lines either way.
  MemberId join(Member& member, std::string address_name, bool announce = true);

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
    bool announced = true;
  };

  void broadcast_except(MemberId sender, const SharedLine& line);
  void announce(MemberId id);
  void reply(MemberId id, std::string line);
  void rename(MemberId id, std::string_view requested);
  void send_private(MemberId id, std::string_view target, std::string_view text);
  void send_who(MemberId id);
  std::optional<MemberId> find(std::string_view name) const;

  ServerLog& log_;
  std::vector<std::optional<Seat>> seats_;  // indexed by MemberId
  std::vector<MemberId> free_ids_;
  std::vector<MemberId> order_;  // arrival order: /who and broadcast order
  std::unordered_map<std::string, MemberId> by_nickname_;  // nickname_key -> id
};

}  // namespace chat
