#include "core/channels.h"

#include <algorithm>
#include <utility>

#include "room_name.h"

namespace chat {

Channels::Channels(std::string_view default_room, std::size_t history) : history_(history) {
  default_ = &get(default_room);
}

Channel& Channels::get(std::string_view name) {
  auto [it, created] = rooms_.try_emplace(room_key(name));
  if (created) it->second.name = std::string(name);
  return it->second;
}

Channel* Channels::find(std::string_view name) {
  const auto it = rooms_.find(room_key(name));
  return it != rooms_.end() ? &it->second : nullptr;
}

bool Channels::would_free(const Channel& ch, bool keep_history) const {
  return ch.members.size() == 1 && &ch != default_ && (!keep_history || ch.history.empty());
}

void Channels::remove_member(Channel& ch, Directory::MemberId id, bool keep_history) {
  ch.members.erase(std::find(ch.members.begin(), ch.members.end(), id));
  if (!ch.members.empty() || &ch == default_) return;
  if (keep_history && !ch.history.empty()) return;
  rooms_.erase(room_key(ch.name));
}

const HistoryEntry* Channels::remember(Channel& ch, HistoryEntry entry) {
  if (history_ == 0) return nullptr;
  ch.history.push_back(std::move(entry));
  if (ch.history.size() > history_) ch.history.pop_front();
  return &ch.history.back();
}

}  // namespace chat
