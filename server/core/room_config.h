// How the rooms behave: chatd's --default-room, --history, --history-time
// and --max-rooms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace chat {

struct RoomConfig {
  std::string default_room = "#lobby";
  std::size_t history = 50;  // lines kept per room; 0 = no history
  std::size_t max_rooms = 1000;
  std::size_t max_line = 4096;        // --max-line: list replies are split within it
  // A replay of history (on connect and /join) is the newest lines that
  // fit this many bytes (at least the newest line): docs/SECURITY.md.
  std::size_t replay_bytes = 8 * 1024;
  bool local_time = false;            // history times in the server's zone, not UTC
  bool guest_names = false;           // --guest-names: guest-N instead of IP:PORT (core/guest_names.cpp)
  std::int64_t (*clock)() = nullptr;  // seconds since the epoch; null: the system clock
};

}  // namespace chat
