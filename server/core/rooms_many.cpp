// Members in several rooms (the IRC port, docs/IRC.md "Rooms"): a member
// joined with Chat::join(..., multi = true) starts in no room, enters rooms
// beside each other (JOIN) and leaves them one by one (PART). Its
// Seat::channel is the room it last acted in, Seat::also its other rooms;
// a command naming a room (Command::room) acts there. A line user is never
// multi: its `also` stays empty and none of this runs for it.
#include <algorithm>
#include <vector>

#include "core/chat.h"
#include "room_name.h"

namespace chat {

bool Chat::in_room(const Seat& seat, const Channel& ch) {
  return seat.channel == &ch || std::find(seat.also.begin(), seat.also.end(), &ch) != seat.also.end();
}

Channel* Chat::room_with_key(const Seat& seat, std::string_view key) {
  if (seat.channel != nullptr && room_key(seat.channel->name) == key) return seat.channel;
  for (Channel* ch : seat.also) {
    if (room_key(ch->name) == key) return ch;
  }
  return nullptr;
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// "*" matches any run, "?" one character; ASCII case ignored.
bool glob(std::string_view mask, std::string_view name) {
  if (mask.empty()) return name.empty();
  if (mask.front() == '*') {
    for (std::size_t i = 0; i <= name.size(); ++i) {
      if (glob(mask.substr(1), name.substr(i))) return true;
    }
    return false;
  }
  if (name.empty()) return false;
  if (mask.front() != '?' && lower(mask.front()) != lower(name.front())) return false;
  return glob(mask.substr(1), name.substr(1));
}

}  // namespace

std::vector<Chat::WhoEntry> Chat::who(std::string_view mask) const {
  std::vector<WhoEntry> out;
  if (mask.starts_with('#')) {
    const Channel* ch = channels_.find(mask);
    if (ch == nullptr) return out;
    const RoomRules* rules = moderation_.empty() ? nullptr : moderation_.find(ch->name);
    for (const MemberId m : ch->members) {
      const Seat& s = directory_[m];
      const bool op = std::find(ch->session_ops.begin(), ch->session_ops.end(), m) != ch->session_ops.end() ||
                      (rules != nullptr && !s.account.empty() && moderation_.is_room_operator(ch->name, s.account));
      out.push_back(WhoEntry{s.name, ch->name, s.member->user_info(), op});
    }
    return out;
  }
  if (mask.find_first_of("*?") == std::string_view::npos) {
    const Directory::Found found = directory_.find(mask);
    if (found.local) {
      const Seat& s = directory_[*found.local];
      out.push_back(WhoEntry{s.name, {}, s.member->user_info(), false});
    }
    return out;
  }
  for (const MemberId m : directory_.local()) {
    const Seat& s = directory_[m];
    if (glob(mask, s.name)) out.push_back(WhoEntry{s.name, {}, s.member->user_info(), false});
  }
  return out;
}

bool Chat::is_in_room(MemberId id, std::string_view room) const {
  return room_with_key(directory_[id], room_key(room)) != nullptr;
}

void Chat::broadcast_seat(const Seat& seat, Rendering& rendering, MemberId except) {
  if (seat.also.empty()) {
    if (seat.channel != nullptr) broadcast(*seat.channel, rendering, except);
    return;
  }
  // Several rooms: whoever shares two of them hears it once.
  std::vector<MemberId> to(seat.channel->members.begin(), seat.channel->members.end());
  for (const Channel* ch : seat.also) to.insert(to.end(), ch->members.begin(), ch->members.end());
  std::sort(to.begin(), to.end());
  to.erase(std::unique(to.begin(), to.end()), to.end());
  for (const MemberId m : to) {
    if (m == except) continue;
    Member& member = *directory_[m].member;
    member.deliver(rendering.line(member.protocol()));
  }
}

bool Chat::focus(MemberId id, std::string_view room) {
  Seat& seat = directory_[id];
  if (Channel* ch = channels_.find(room); ch != nullptr && seat.channel != ch) {
    const auto it = std::find(seat.also.begin(), seat.also.end(), ch);
    if (it != seat.also.end()) {
      *it = seat.channel;
      seat.channel = ch;
    }
  }
  if (seat.channel != nullptr && room_key(seat.channel->name) == room_key(room)) return true;
  const std::string shown = clean(room);
  if (channels_.find(room) == nullptr) {  // IRC's 403: no such channel
    tell(id, Event{.kind = Event::Kind::invalid_room_name, .name = shown});
    return false;
  }
  tell(id, Event{.kind = Event::Kind::not_on_room, .room = shown});
  return false;
}

void Chat::enter(MemberId id, std::string_view room) {
  Seat& seat = directory_[id];
  if (!seat.multi) {
    join_room(id, room);
    return;
  }
  if (refused_room_name(id, room)) return;
  Channel* existing = channels_.find(room);
  if (existing != nullptr && in_room(seat, *existing)) return;  // already there: IRC says nothing
  if (seat.channel != nullptr && seat.also.size() + 1 >= kMaxRoomsPerMember) {
    const std::string shown = clean(room);
    tell(id, Event{.kind = Event::Kind::too_many_rooms, .room = shown});
    return;
  }
  if (!moderation_.empty() && !may_enter(id, room)) return;
  if (existing == nullptr && channels_.size() >= config_.max_rooms && !channels_.evict_idlest()) {
    const std::string shown = clean(room);
    tell(id, Event{.kind = Event::Kind::too_many_rooms, .room = shown});
    return;
  }
  Channel& to = existing != nullptr ? *existing : channels_.get(room);
  if (existing == nullptr && !moderation_.empty()) to.owned = moderation_.has_owner(to.name);
  if (existing == nullptr && !seat.account.empty()) claim_room(id, to);
  if (existing == nullptr && !to.owned && !channels_.is_lobby(to)) to.session_ops.push_back(id);  // IRC: its creator

  const Event joined{.kind = Event::Kind::joined, .name = seat.name, .room = to.name, .count = here(to) + 1};
  Rendering joined_rendering(renderers_, joined);
  log_event(joined_rendering);
  broadcast(to, joined_rendering);
  if (seat.channel != nullptr) seat.also.push_back(seat.channel);
  to.members.push_back(id);
  seat.channel = &to;
  tell(id, Event{.kind = Event::Kind::now_in, .room = to.name, .count = here(to)});
  if (!moderation_.empty()) [[unlikely]] send_topic(id, to);
  send_history(id);
}

void Chat::part(MemberId id, std::string_view room, std::string_view reason) {
  if (!directory_[id].multi) {
    move(id, config_.default_room);
    return;
  }
  if (room.empty()) {
    refuse(id, Event::Kind::usage, {}, "/part #ROOM");
    return;
  }
  if (!focus(id, room)) return;
  Seat& seat = directory_[id];
  Channel& ch = *seat.channel;
  const Event parted{
      .kind = Event::Kind::parted, .name = seat.name, .room = ch.name, .text = reason, .count = here(ch) - 1};
  Rendering rendering(renderers_, parted);
  log_event(rendering);
  broadcast(ch, rendering);  // the member too: IRC shows a PART to whoever parts
  drop_room(id, ch);
}

void Chat::drop_room(MemberId id, Channel& ch) {
  Seat& seat = directory_[id];
  if (seat.channel == &ch) {
    if (seat.also.empty()) {
      seat.channel = nullptr;
    } else {
      seat.channel = seat.also.back();
      seat.also.pop_back();
    }
  } else {
    std::erase(seat.also, &ch);
  }
  std::erase(ch.session_ops, id);
  channels_.remove_member(ch, id, sink_ != nullptr, now());
}

void Chat::leave_rooms(const Seat& seat, MemberId id) {
  for (Channel* ch : seat.also) {
    std::erase(ch->session_ops, id);
    channels_.remove_member(*ch, id, sink_ != nullptr, now());
  }
  if (seat.channel != nullptr) {
    if (!seat.channel->session_ops.empty()) [[unlikely]] std::erase(seat.channel->session_ops, id);
    channels_.remove_member(*seat.channel, id, sink_ != nullptr, now());
  }
}

}  // namespace chat
