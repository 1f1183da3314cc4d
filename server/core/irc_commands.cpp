// The commands IRC users type by habit (issue 24, docs/PROTOCOL.md):
// `/join NAME` without its "#", and `/whois NAME`. `/part`, `/list` and
// `/names` need no code of their own (core/chat.cpp, common/command.cpp).
#include <string>

#include "core/chat.h"

namespace chat {

// `/join ops` is `/join #ops`, as `chat --room ops` already was.
void Chat::join_room(MemberId id, std::string_view room) {
  if (room.empty() || room.front() == '#') {
    move(id, room);
    return;
  }
  move(id, "#" + std::string(room));
}

// One line about a user: where they are, since when, idle how long. A user
// of another node (--cluster) is known here only by name and room.
void Chat::send_whois(MemberId id, std::string_view name) {
  if (name.empty()) {
    refuse(id, Event::Kind::usage, {}, "/whois NAME");
    return;
  }
  const Directory::Found found = directory_.find(name);
  if (!found) {
    refuse(id, Event::Kind::no_such_user, clean(name));
    return;
  }
  if (found.remote != nullptr) {
    const Directory::RemoteUser& u = *found.remote;
    tell(id, Event{.kind = Event::Kind::whois, .name = u.name, .other = u.node, .room = u.room});
    return;
  }
  const Seat& seat = directory_[*found.local];
  const std::int64_t idle = now() - seat.spoke_at;
  const UserInfo info = seat.member->user_info();
  tell(id, Event{.kind = Event::Kind::whois,
                 .name = seat.name,
                 .room = seat.channel != nullptr ? std::string_view(seat.channel->name) : std::string_view(),
                 .text = seat.account,  // empty when not logged in
                 .count = static_cast<std::size_t>(idle > 0 ? idle : 0),
                 .time = seat.connected_at,
                 .user = &info});
  // --guest-names hides addresses from everyone but admins (issue 24,
  // item 11): an admin's /whois of a guest says where it connects from.
  const std::string& asker = directory_[id].account;
  if (seat.guest != 0 && !asker.empty() && moderation_.is_admin(asker)) {
    tell(id, Event{.kind = Event::Kind::guest_address, .name = seat.name, .other = seat.peer});
  }
}

}  // namespace chat
