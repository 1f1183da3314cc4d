// What each command does (docs/PROTOCOL.md): /nick, /msg, /who, /rooms and
// /join. Text, /me, /help and /quit are handled in core/chat.cpp.
#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/chat.h"
#include "nickname.h"
#include "room_name.h"
#include "utf8.h"

namespace chat {

void Chat::rename(MemberId id, std::string_view requested) {
  if (requested.empty()) {
    refuse(id, Event::Kind::usage, {}, "/nick NAME");
    return;
  }
  if (const NicknameProblem problem = check_nickname(requested); problem != NicknameProblem::none) {
    refuse(id, Event::Kind::invalid_nickname, clean(requested), describe(problem));
    return;
  }
  if (is_guest_name(requested)) {
    refuse(id, Event::Kind::invalid_nickname, requested, "reserved");
    return;
  }
  if (!accounts_.empty() && reserved(id, requested)) return;
  Seat& seat = directory_[id];
  if (seat.claiming) {
    refuse(id, Event::Kind::nick_pending);
    return;
  }
  if (const auto owner = directory_.local_owner(requested, id)) {
    refuse(id, Event::Kind::nickname_in_use, requested, {}, *owner);
    return;
  }
  if (seat.name == requested) {  // nothing changes; just confirm
    tell(id, Event{.kind = Event::Kind::renamed_self, .name = requested});
    return;
  }
  if (bus_ != nullptr) {
    if (const auto owner = directory_.remote_owner(requested)) {
      refuse(id, Event::Kind::nickname_in_use, requested, {}, *owner);
      return;
    }
    if (!bus_->linked()) {
      refuse(id, Event::Kind::nick_needs_link);
      return;
    }
    // Redis decides; the answer comes through on_claim().
    seat.claiming = std::string(requested);
    // A change of case keeps the key, which must not be freed.
    const std::string new_key = nickname_key(requested);
    const std::string old_key = nickname_key(seat.name);
    const bool frees = directory_.has_nickname(id) && old_key != new_key;
    bus_->claim_nickname(seat.serial, requested, new_key, frees ? old_key : std::string());
    return;
  }
  apply_rename(id, requested);
}

void Chat::apply_rename(MemberId id, std::string_view requested) {
  if (directory_[id].guest != 0) release_guest(directory_[id]);
  const std::string old_name = directory_.rename(id, std::string(requested));
  Seat& seat = directory_[id];
  tell(id, Event{.kind = Event::Kind::renamed_self, .name = seat.name});
  const Event renamed{.kind = Event::Kind::renamed, .name = seat.name, .other = old_name};
  Rendering rendering(renderers_, renamed);
  log_event(rendering);
  broadcast_seat(seat, rendering, id);
  if (bus_ != nullptr) {
    ClusterEvent e = presence(ClusterEvent::Kind::nick, seat);
    e.old_name = old_name;
    publish(std::move(e));
  }
}

void Chat::send_private(MemberId id, std::string_view target, std::string_view text) {
  const std::string text_clean = clean(text);
  if (target.empty() || !has_visible_text(text_clean)) {
    refuse(id, Event::Kind::usage, {}, "/msg NAME TEXT");
    return;
  }
  const Directory::Found to = directory_.find(target);
  if (!to) {
    refuse(id, Event::Kind::no_such_user, clean(target));
    return;
  }
  directory_[id].spoke_at = now();
  const std::string& sender = directory_[id].name;
  if (to.remote != nullptr) {
    // Confirmed once handed to the cluster: the other node delivers it if
    // the user is still there, and says nothing if not.
    ClusterEvent direct;
    direct.kind = ClusterEvent::Kind::direct;
    direct.node = to.remote->node;
    direct.user = to.remote->user;
    direct.name = sender;
    direct.text = text_clean;
    const std::string recipient = to.remote->name;
    if (publish_said(id, std::move(direct))) {
      tell(id, Event{.kind = Event::Kind::private_out, .name = recipient, .text = text_clean});
    }
    return;
  }
  tell(*to.local, Event{.kind = Event::Kind::private_in, .name = sender, .text = text_clean});
  tell(id, Event{.kind = Event::Kind::private_out, .name = directory_[*to.local].name, .text = text_clean});
}

// `/who` lists the sender's room; `/who *` everyone. While every user is in
// the default room the two are the same, and the reply is the "everyone"
// list (the classic "> Online (N): ..." line).
void Chat::send_who(MemberId id, std::string_view arg) {
  const Channel* in = directory_[id].channel;  // none: a member in no room (IRC) asks for everyone
  const Channel& ch = in != nullptr ? *in : channels_.lobby();
  const bool everyone = arg == "*" || in == nullptr || (channels_.is_lobby(ch) && here(ch) == online());
  const std::vector<MemberId>& who = everyone ? directory_.local() : ch.members;
  std::vector<std::string_view> names;
  names.reserve(who.size());
  for (MemberId m : who) names.push_back(directory_[m].name);
  std::deque<std::string> marked;  // "@name": stable storage for the views
  if (!moderation_.empty() || !ch.session_ops.empty()) [[unlikely]] mark_operators(ch, who, names, marked);
  if (bus_ != nullptr) {  // then other nodes' users, node by node
    const std::string key = room_key(ch.name);
    for (const auto& [node, users] : directory_.remote()) {
      for (const auto& [user, u] : users) {
        if (everyone || room_key(u.room) == key) names.push_back(remote_mark(ch, u.name, marked));
      }
    }
  }
  send_list(id, everyone ? Event::Kind::who_all : Event::Kind::who_room, ch.name, names);
}

void Chat::send_rooms(MemberId id) {
  std::vector<std::pair<std::string_view, std::size_t>> list;
  list.reserve(channels_.size());
  std::vector<std::string_view> hidden_private;  // of the rooms listed, those marked "(private)"
  for (const auto& [key, ch] : channels_.all()) {
    if (!ch.members.empty() || !ch.history.empty() || channels_.is_lobby(ch) || ch.owned) {
      if (!moderation_.empty()) [[unlikely]] {
        const RoomRules* rules = moderation_.find(ch.name);
        if (rules != nullptr && rules->invite_only) {
          const Seat& seat = directory_[id];
          const bool member = in_room(seat, ch);
          if (!member && !moderation_.invited(ch.name, seat.account, seat.name) &&
              !moderation_.is_operator(ch.name, seat.account)) {
            continue;
          }
          hidden_private.push_back(ch.name);
        }
      }
      list.emplace_back(ch.name, here(ch));
    }
  }
  if (bus_ != nullptr) {  // rooms only other nodes' users are in
    std::unordered_map<std::string, std::string_view> seen;
    for (const auto& [node, users] : directory_.remote()) {
      for (const auto& [user, u] : users) {
        const std::string key = room_key(u.room);
        if (channels_.all().contains(key) || seen.contains(key)) continue;
        seen.emplace(key, u.room);
        list.emplace_back(u.room, directory_.remote_in(u.room));
      }
    }
  }
  // Biggest first; equal sizes by name ignoring ASCII case, so the order is
  // stable and reads alphabetically (room_key's skeleton would not: "m" is
  // "rn" there).
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const auto before = [&](std::string_view x, std::string_view y) {
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(),
                                        [&](char p, char q) { return lower(p) < lower(q); });
  };
  std::sort(list.begin(), list.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return before(a.first, b.first);
  });
  std::vector<std::string> items;  // "#random (3)"
  items.reserve(list.size());
  for (const auto& [name, size] : list) {
    items.push_back(std::string(name) + " (" + std::to_string(size) + ")");
    if (std::find(hidden_private.begin(), hidden_private.end(), name) != hidden_private.end()) items.back() += " (private)";
  }
  const std::vector<std::string_view> views(items.begin(), items.end());
  send_list(id, Event::Kind::rooms, {}, views);
}

// A list reply (/who, /rooms) is not even built for a receiver whose queue
// cannot take it. Its size is estimated before rendering: the items with a
// separator each, a header, and a line per --max-line of them.
void Chat::send_list(MemberId id, Event::Kind kind, std::string_view room, std::span<const std::string_view> items) {
  constexpr std::size_t kHeader = 24;  // "> In " ROOM " (N): " and the like
  std::size_t bytes = 0;
  for (const std::string_view item : items) bytes += item.size() + 2;
  const std::size_t header = kHeader + room.size();
  const std::size_t width = config_.max_line > header ? config_.max_line - header : 1;
  if (!directory_[id].member->accepts_reply(header + bytes, 1 + bytes / width)) return;
  tell(id, Event{.kind = kind, .room = room, .items = items});
}

bool Chat::refused_room_name(MemberId id, std::string_view room) {
  if (room.empty()) {
    refuse(id, Event::Kind::usage, {}, "/join #ROOM");
    return true;
  }
  if (!is_valid_room_name(room)) {
    refuse(id, Event::Kind::invalid_room_name, clean(room));
    return true;
  }
  return false;
}

void Chat::move(MemberId id, std::string_view room) {
  if (refused_room_name(id, room)) return;
  const Seat& seat = directory_[id];
  if (seat.multi) [[unlikely]] {
    enter(id, room);
    return;
  }
  Channel& from = *seat.channel;
  Channel* existing = channels_.find(room);
  if (existing == &from) {  // already there: just confirm
    tell(id, Event{.kind = Event::Kind::now_in, .room = from.name, .count = here(from)});
    return;
  }
  if (!moderation_.empty() && !may_enter(id, room)) return;
  if (existing == nullptr) {
    // At the cap, a room nobody is in (kept for its history) gives its
    // place, the one idle longest first; only rooms that all have members
    // refuse a newcomer.
    const bool frees_one = channels_.would_free(from, sink_ != nullptr);
    if (channels_.size() - (frees_one ? 1 : 0) >= config_.max_rooms && !channels_.evict_idlest()) {
      refuse(id, Event::Kind::too_many_rooms);
      return;
    }
  }

  // A room only other nodes' users are in keeps their spelling.
  Channel& to = existing != nullptr ? *existing : channels_.get(bus_ != nullptr ? directory_.remote_spelling(room) : room);
  if (existing == nullptr && !moderation_.empty()) to.owned = moderation_.has_owner(to.name);
  if (existing == nullptr && !seat.account.empty()) claim_room(id, to);
  switch_room(id, to, false);
}

void Chat::switch_room(MemberId id, Channel& to, bool quietly) {
  Seat& seat = directory_[id];
  Channel& from = *seat.channel;
  const std::string from_name = from.name;  // `from` may be erased below
  const std::size_t left_behind = here(from) - 1;
  if (!quietly) {
    const Event left{.kind = Event::Kind::left_for, .name = seat.name, .other = from.name, .room = to.name,
                     .count = left_behind};
    Rendering left_rendering(renderers_, left);
    broadcast(from, left_rendering, id);
  }
  channels_.remove_member(from, id, sink_ != nullptr, now());

  const std::size_t there = here(to) + 1;
  const Event joined{.kind = Event::Kind::joined, .name = seat.name, .room = to.name, .count = there};
  Rendering joined_rendering(renderers_, joined);
  log_event(joined_rendering);
  broadcast(to, joined_rendering);
  to.members.push_back(id);
  seat.channel = &to;
  tell(id, Event{.kind = Event::Kind::now_in, .room = to.name, .count = here(to)});
  if (!moderation_.empty()) [[unlikely]] send_topic(id, to);
  if (bus_ != nullptr) {
    ClusterEvent e = presence(ClusterEvent::Kind::move, seat);
    e.old_room = from_name;
    e.count = left_behind;
    e.count2 = there;
    e.shown = !quietly;  // a kick: the other nodes showed the kick line instead
    publish(std::move(e));
  }
  send_history(id);
}

}  // namespace chat
