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
  if (created) {
    it->second.name = std::string(name);
    it->second.active_seq = ++seq_;
  }
  return it->second;
}

void Channels::touch(Channel& ch, std::int64_t now) noexcept {
  ch.active_at = now;
  ch.active_seq = ++seq_;
}

// A scan of every room, but only when a new room is needed at the cap: at
// most --max-rooms entries, behind a /join that passed the rate limit.
bool Channels::evict_idlest() {
  auto idlest = rooms_.end();
  for (auto it = rooms_.begin(); it != rooms_.end(); ++it) {
    const Channel& ch = it->second;
    if (!ch.members.empty() || &ch == default_) continue;
    if (idlest == rooms_.end() || ch.active_at < idlest->second.active_at ||
        (ch.active_at == idlest->second.active_at && ch.active_seq < idlest->second.active_seq)) {
      idlest = it;
    }
  }
  if (idlest == rooms_.end()) return false;
  rooms_.erase(idlest);
  return true;
}

Channel* Channels::find(std::string_view name) {
  const auto it = rooms_.find(room_key(name));
  return it != rooms_.end() ? &it->second : nullptr;
}

const Channel* Channels::find(std::string_view name) const {
  const auto it = rooms_.find(room_key(name));
  return it != rooms_.end() ? &it->second : nullptr;
}

bool Channels::would_free(const Channel& ch, bool keep_history) const {
  return ch.members.size() == 1 && &ch != default_ && !ch.owned && (!keep_history || ch.history.empty());
}

void Channels::remove_member(Channel& ch, Directory::MemberId id, bool keep_history, std::int64_t now) {
  ch.members.erase(std::find(ch.members.begin(), ch.members.end(), id));
  touch(ch, now);
  if (!ch.members.empty() || &ch == default_ || ch.owned) return;
  if (keep_history && !ch.history.empty()) return;
  rooms_.erase(room_key(ch.name));
}

const HistoryEntry* Channels::remember(Channel& ch, HistoryEntry entry) {
  if (history_ == 0) return nullptr;
  touch(ch, entry.time());
  ++ch.kept_total;
  ch.history.push_back(std::move(entry));
  if (ch.history.size() > history_) ch.history.pop_front();
  return &ch.history.back();
}

}  // namespace chat
