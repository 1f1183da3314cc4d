#include "core/directory.h"

#include <algorithm>
#include <utility>

#include "nickname.h"
#include "room_name.h"

namespace chat {

Directory::MemberId Directory::add(Seat seat) {
  MemberId id;
  if (free_ids_.empty()) {
    id = static_cast<MemberId>(seats_.size());
    seats_.emplace_back();
  } else {
    id = free_ids_.back();
    free_ids_.pop_back();
  }
  seats_[id] = std::move(seat);
  order_.push_back(id);
  return id;
}

Directory::Removed Directory::remove(MemberId id) {
  Seat seat = std::move(*seats_[id]);
  std::string key = nickname_key(seat.name);
  if (const auto it = by_nickname_.find(key); it != by_nickname_.end() && it->second == id) {
    by_nickname_.erase(it);
  } else {
    key.clear();
  }
  if (seat.serial != 0) by_serial_.erase(seat.serial);
  seats_[id].reset();
  free_ids_.push_back(id);
  order_.erase(std::find(order_.begin(), order_.end(), id));
  return {std::move(seat), std::move(key)};
}

std::string Directory::rename(MemberId id, std::string nickname) {
  Seat& seat = *seats_[id];
  // Only its own key: an address name's key could be another's nickname's.
  if (const auto it = by_nickname_.find(nickname_key(seat.name)); it != by_nickname_.end() && it->second == id) {
    by_nickname_.erase(it);
  }
  by_nickname_.emplace(nickname_key(nickname), id);
  return std::exchange(seat.name, std::move(nickname));
}

std::string Directory::drop_nickname(MemberId id) {
  Seat& seat = *seats_[id];
  by_nickname_.erase(nickname_key(seat.name));
  return std::exchange(seat.name, seat.address);
}

bool Directory::has_nickname(MemberId id) const {
  const auto it = by_nickname_.find(nickname_key(seats_[id]->name));
  return it != by_nickname_.end() && it->second == id;
}

std::optional<Directory::MemberId> Directory::by_serial(std::uint64_t serial) const {
  const auto it = by_serial_.find(serial);
  if (it == by_serial_.end()) return std::nullopt;
  return it->second;
}

void Directory::set_serial(MemberId id, std::uint64_t serial) {
  seats_[id]->serial = serial;
  by_serial_[serial] = id;
}

void Directory::add_remote(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room) {
  std::string node_name(node);
  remove_remote(node_name, user);
  RemoteUser& u = remote_[node_name][user];
  u = RemoteUser{node_name, user, std::string(name), std::string(room)};
  ++remote_rooms_[room_key(room)];
  if (is_valid_nickname(name)) remote_nicknames_[nickname_key(name)] = &u;
  ++remote_count_;
}

void Directory::remove_remote(const std::string& node, std::uint64_t user) {
  const auto users = remote_.find(node);
  if (users == remote_.end()) return;
  const auto it = users->second.find(user);
  if (it == users->second.end()) return;
  const RemoteUser& u = it->second;
  const auto nick = remote_nicknames_.find(nickname_key(u.name));
  if (nick != remote_nicknames_.end() && nick->second == &u) remote_nicknames_.erase(nick);
  const auto room = remote_rooms_.find(room_key(u.room));
  if (room != remote_rooms_.end() && --room->second == 0) remote_rooms_.erase(room);
  --remote_count_;
  users->second.erase(it);
  if (users->second.empty()) remote_.erase(users);
}

void Directory::forget_remote(std::string_view node) {
  if (node.empty()) {
    remote_.clear();
    remote_rooms_.clear();
    remote_nicknames_.clear();
    remote_count_ = 0;
    return;
  }
  const auto users = remote_.find(std::string(node));
  if (users == remote_.end()) return;
  std::vector<std::uint64_t> ids;
  for (const auto& [user, u] : users->second) ids.push_back(user);
  const std::string node_name(node);
  for (std::uint64_t user : ids) remove_remote(node_name, user);
}

std::size_t Directory::remote_in(std::string_view room) const {
  if (remote_count_ == 0) return 0;
  const auto it = remote_rooms_.find(room_key(room));
  return it != remote_rooms_.end() ? it->second : 0;
}

std::string_view Directory::remote_spelling(std::string_view room) const {
  if (remote_in(room) == 0) return room;
  const std::string key = room_key(room);
  for (const auto& [node, users] : remote_) {
    for (const auto& [user, u] : users) {
      if (room_key(u.room) == key) return u.room;
    }
  }
  return room;
}

Directory::Found Directory::find(std::string_view name) const {
  if (const auto it = by_nickname_.find(nickname_key(name)); it != by_nickname_.end()) return {it->second, nullptr};
  // Users without a nickname are reachable by their IP:PORT name.
  for (MemberId m : order_) {
    if (seats_[m]->name == name) return {m, nullptr};
  }
  if (remote_count_ == 0) return {};
  if (const auto it = remote_nicknames_.find(nickname_key(name)); it != remote_nicknames_.end()) {
    return {std::nullopt, it->second};
  }
  for (const auto& [node, users] : remote_) {
    for (const auto& [user, u] : users) {
      if (u.name == name) return {std::nullopt, &u};
    }
  }
  return {};
}

std::optional<std::string_view> Directory::local_owner(std::string_view name, MemberId except) const {
  const auto it = by_nickname_.find(nickname_key(name));
  if (it == by_nickname_.end() || it->second == except) return std::nullopt;
  return std::string_view(seats_[it->second]->name);
}

std::optional<std::string_view> Directory::remote_owner(std::string_view name) const {
  const auto it = remote_nicknames_.find(nickname_key(name));
  if (it == remote_nicknames_.end()) return std::nullopt;
  return std::string_view(it->second->name);
}

}  // namespace chat
