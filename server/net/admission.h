// Who may connect: the --max-clients cap and the --max-per-ip cap, counted
// in one place for every engine. Pure bookkeeping, unit-tested.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "socket_address.h"

namespace chat {

class Chat;

class Admission {
 public:
  // max_per_address 0 means no per-address cap. Loopback peers are never
  // capped per address: local load tests and tunnels all come from there.
  Admission(std::size_t max_clients, std::size_t max_per_address)
      : max_clients_(max_clients), max_per_address_(max_per_address) {}

  enum class Verdict { admitted, server_full, too_many_from_address, banned };

  // Refuses addresses `chat` bans server-wide (an admin's ban in the
  // default room, core/moderation): "! you are banned from this server".
  // Not owned; the check costs one branch while there are no such bans.
  void watch_bans(const Chat* chat) noexcept { chat_ = chat; }

  // Counts the peer in if there is room for it.
  Verdict admit(const PeerAddress& peer);
  // Counts out a peer admitted earlier.
  void release(const PeerAddress& peer);

  // New caps (SIGHUP): those already in stay; the caps apply to who comes next.
  void set_limits(std::size_t max_clients, std::size_t max_per_address) noexcept {
    max_clients_ = max_clients;
    max_per_address_ = max_per_address;
  }

  [[nodiscard]] std::size_t clients() const noexcept { return clients_; }
  [[nodiscard]] std::size_t max_clients() const noexcept { return max_clients_; }
  [[nodiscard]] std::size_t max_per_address() const noexcept { return max_per_address_; }

 private:
  // Remote addresses are counted even with no cap, so that a cap set by
  // a reload counts the connections already there.
  [[nodiscard]] static bool counted(const PeerAddress& peer) noexcept { return !peer.loopback; }

  std::size_t max_clients_;
  std::size_t max_per_address_;
  std::size_t clients_ = 0;
  const Chat* chat_ = nullptr;
  std::unordered_map<std::string, std::size_t> per_address_;  // remote hosts only
};

}  // namespace chat
