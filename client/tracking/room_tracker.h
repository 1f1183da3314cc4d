// Which room the user is in and which rooms exist, as far as the client can
// tell from the server's lines ("> You are now in #X (...)", "> Rooms (K):
// ...", joins and leaves), and whether a line is part of a history replay.
// Pure: lines in, state out. Feeds the prompt and Tab completion of "#".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::client {

class RoomTracker {
 public:
  // Feeds one (sanitized) line from the server; returns true if it is one
  // of the replayed history lines between "> Recent messages (K):" and
  // "> End of recent messages" (the markers themselves are not).
  bool observe(std::string_view line);

  // The current room ("#random"), once the server has named it.
  [[nodiscard]] const std::optional<std::string>& current() const noexcept { return current_; }
  // Every room seen, in the order of the last /rooms reply, then others.
  [[nodiscard]] const std::vector<std::string>& known() const noexcept { return known_; }
  // A new connection: still remembers the room (to rejoin) and the names.
  void reset_replay() noexcept { replaying_ = false; }

 private:
  void add(std::string_view room);

  std::optional<std::string> current_;
  std::vector<std::string> known_;
  bool replaying_ = false;
};

}  // namespace chat::client
