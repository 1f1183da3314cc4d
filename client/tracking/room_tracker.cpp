#include "tracking/room_tracker.h"

#include <algorithm>

#include "room_name.h"

namespace chat::client {

namespace {

// "#NAME" at the start of `text`, up to the next space.
std::string_view room_at(std::string_view text) {
  const auto end = text.find(' ');
  return text.substr(0, end);
}

}  // namespace

void RoomTracker::add(std::string_view room) {
  if (!is_valid_room_name(room)) return;
  const std::string key = room_key(room);
  if (std::none_of(known_.begin(), known_.end(), [&](const std::string& r) { return room_key(r) == key; })) {
    known_.emplace_back(room);
  }
}

bool RoomTracker::observe(std::string_view line) {
  if (replaying_) {
    if (line == "> End of recent messages") {
      replaying_ = false;
      return false;
    }
    return true;
  }
  if (line.starts_with("> Recent messages (") && line.ends_with("):")) {
    replaying_ = true;
  } else if (line.starts_with("> You are now in #")) {
    const std::string_view room = room_at(line.substr(std::string_view("> You are now in ").size()));
    if (is_valid_room_name(room)) {
      current_ = std::string(room);
      add(room);
    }
  } else if (line.starts_with("> Rooms (")) {
    const auto colon = line.find("): ");
    if (colon == std::string_view::npos) return false;
    known_.clear();
    std::string_view list = line.substr(colon + 3);
    while (!list.empty()) {
      add(room_at(list));
      const auto comma = list.find(", ");
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 2);
    }
  } else if (const auto at = line.find(" joined #"); at != std::string_view::npos && line.starts_with("> ")) {
    add(room_at(line.substr(at + 8)));
  } else if (const auto to = line.find(" left for #"); to != std::string_view::npos && line.starts_with("< ")) {
    add(room_at(line.substr(to + 10)));
  }
  return false;
}

}  // namespace chat::client
