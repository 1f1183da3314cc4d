#include "room.h"

#include <algorithm>
#include <ctime>
#include <utility>

#include "command.h"
#include "messages.h"
#include "nickname.h"
#include "room_name.h"
#include "utf8.h"

namespace chat {

namespace {

std::int64_t system_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

Room::Room(ServerLog& log, RoomConfig config) : log_(log), config_(std::move(config)) {
  if (!is_valid_room_name(config_.default_room)) config_.default_room = "#lobby";
  default_channel_ = &channel(config_.default_room);
}

std::int64_t Room::now() const { return config_.clock != nullptr ? config_.clock() : system_now(); }

Room::Channel& Room::channel(std::string_view name) {
  auto [it, created] = channels_.try_emplace(room_key(name));
  if (created) it->second.name = std::string(name);
  return it->second;
}

void Room::restore_history(std::string_view room, std::int64_t time, std::string_view line) {
  if (config_.history == 0 || !is_valid_room_name(room) || line.empty() || line.back() != '\n') return;
  Channel& ch = channel(room);
  ch.history.push_back(Said{time, make_line(line)});
  if (ch.history.size() > config_.history) ch.history.pop_front();
}

Room::MemberId Room::join(Member& member, std::string address_name, bool announce) {
  MemberId id;
  if (free_ids_.empty()) {
    id = static_cast<MemberId>(seats_.size());
    seats_.emplace_back();
  } else {
    id = free_ids_.back();
    free_ids_.pop_back();
  }
  seats_[id] = Seat{&member, std::move(address_name), default_channel_, announce};
  order_.push_back(id);
  default_channel_->members.push_back(id);

  reply(id, msg::welcome(online()));
  send_history(id);
  const SharedLine entered = make_line(msg::entered(seats_[id]->name, online()));
  log_.event(*entered);
  if (announce) broadcast_except(id, entered);
  return id;
}

void Room::announce(MemberId id) {
  seats_[id]->announced = true;
  broadcast_except(id, make_line(msg::entered(seats_[id]->name, online())));
}

void Room::leave(MemberId id) {
  const std::string name = std::move(seats_[id]->name);
  const bool announced = seats_[id]->announced;
  Channel& ch = *seats_[id]->channel;
  by_nickname_.erase(nickname_key(name));  // no-op for an IP:PORT name
  seats_[id].reset();
  free_ids_.push_back(id);
  order_.erase(std::find(order_.begin(), order_.end(), id));

  const SharedLine left = make_line(msg::left(name, online()));
  log_.event(*left);
  if (announced) {
    for (MemberId m : ch.members) {
      if (m != id) seats_[m]->member->deliver(left);
    }
  }
  remove_from(ch, id);
}

void Room::remove_from(Channel& ch, MemberId id) {
  ch.members.erase(std::find(ch.members.begin(), ch.members.end(), id));
  if (!ch.members.empty() || &ch == default_channel_) return;
  // A room lives while someone is in it, or while a store keeps its history.
  if (sink_ != nullptr && !ch.history.empty()) return;
  channels_.erase(room_key(ch.name));
}

Room::Outcome Room::handle_line(MemberId id, std::string_view line) {
  if (!seats_[id]->announced) announce(id);  // its first line: now others should know it
  const Command cmd = parse_command(line);
  switch (cmd.kind) {
    case Command::Kind::empty:
      break;
    case Command::Kind::text: {
      // The hot path: "[NAME] TEXT\n" is sanitized straight into a pooled
      // buffer, and that one buffer goes to every receiver.
      const std::string& name = seats_[id]->name;
      const std::size_t text_at = name.size() + 3;
      const SharedLine out = SharedLine::build([&](std::string& s) { msg::append_text(s, name, cmd.arg); });
      if (!has_visible_text(std::string_view(*out).substr(text_at))) break;  // nothing visible left
      log_.message(*out);
      say(id, out);
      break;
    }
    case Command::Kind::me: {
      std::string clean = sanitize_text(cmd.arg);
      if (!has_visible_text(clean)) {
        reply(id, msg::usage("/me TEXT"));
        break;
      }
      const SharedLine out = make_line(msg::action(seats_[id]->name, clean));
      log_.message(*out);
      say(id, out);
      break;
    }
    case Command::Kind::nick:
      rename(id, cmd.arg);
      break;
    case Command::Kind::who:
      send_who(id, cmd.arg);
      break;
    case Command::Kind::msg:
      send_private(id, cmd.arg, cmd.text);
      break;
    case Command::Kind::join:
      move(id, cmd.arg);
      break;
    case Command::Kind::rooms:
      send_rooms(id);
      break;
    case Command::Kind::help:
      reply(id, msg::help());
      break;
    case Command::Kind::quit:
      return Outcome::quit;
    case Command::Kind::unknown:
      reply(id, msg::unknown_command(sanitize_text(cmd.arg)));
      break;
  }
  return Outcome::stay;
}

// Text and /me: to the sender's room, and into its history if anyone heard
// it (a line said to an empty room is heard by nobody, later arrivals
// included, as in the classic server).
void Room::say(MemberId id, const SharedLine& line) {
  Channel& ch = *seats_[id]->channel;
  if (ch.members.size() < 2) return;
  for (MemberId m : ch.members) {
    if (m != id) seats_[m]->member->deliver(line);
  }
  if (config_.history == 0) return;
  const std::int64_t time = now();
  ch.history.push_back(Said{time, line});
  if (ch.history.size() > config_.history) ch.history.pop_front();
  if (sink_ != nullptr) sink_->append(ch.name, time, line);
}

void Room::send_history(MemberId id) {
  const Channel& ch = *seats_[id]->channel;
  if (ch.history.empty()) return;
  // One buffer for the whole replay: it reaches one member only.
  send_to(id, SharedLine::build([&](std::string& s) {
    s.append(msg::history_begin(ch.history.size()));
    for (const Said& said : ch.history) {
      msg::append_clock(s, said.time, config_.local_time);
      s.append(*said.line);
    }
    s.append(msg::history_end());
  }));
}

void Room::move(MemberId id, std::string_view room) {
  if (room.empty()) {
    reply(id, msg::usage("/join #ROOM"));
    return;
  }
  if (!is_valid_room_name(room)) {
    reply(id, msg::invalid_room_name(sanitize_text(room)));
    return;
  }
  Seat& seat = *seats_[id];
  Channel& from = *seat.channel;
  const auto to_it = channels_.find(room_key(room));
  if (to_it != channels_.end() && &to_it->second == &from) {  // already there: just confirm
    reply(id, msg::now_in(from.name, from.members.size()));
    return;
  }
  if (to_it == channels_.end()) {
    const bool frees_one = from.members.size() == 1 && &from != default_channel_ &&
                           (sink_ == nullptr || from.history.empty());
    if (channels_.size() - (frees_one ? 1 : 0) >= config_.max_rooms) {
      reply(id, msg::too_many_rooms());
      return;
    }
  }

  Channel& to = to_it != channels_.end() ? to_it->second : channel(room);
  const std::string to_name = to.name;  // `from` may be erased below
  const SharedLine left = make_line(msg::left_for(seat.name, to_name, from.members.size() - 1));
  for (MemberId m : from.members) {
    if (m != id) seats_[m]->member->deliver(left);
  }
  remove_from(from, id);

  const SharedLine joined = make_line(msg::joined(seat.name, to.name, to.members.size() + 1));
  log_.event(*joined);
  for (MemberId m : to.members) seats_[m]->member->deliver(joined);
  to.members.push_back(id);
  seat.channel = &to;
  reply(id, msg::now_in(to.name, to.members.size()));
  send_history(id);
}

void Room::send_rooms(MemberId id) {
  std::vector<std::pair<std::string_view, std::size_t>> list;
  list.reserve(channels_.size());
  for (const auto& [key, ch] : channels_) {
    if (!ch.members.empty() || !ch.history.empty() || &ch == default_channel_) {
      list.emplace_back(ch.name, ch.members.size());
    }
  }
  // Biggest first; equal sizes by name, so the order is stable.
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return room_key(a.first) < room_key(b.first);
  });
  std::vector<std::string> items;  // "#random (3)"
  items.reserve(list.size());
  for (const auto& [name, size] : list) items.push_back(std::string(name) + " (" + std::to_string(size) + ")");
  const std::vector<std::string_view> views(items.begin(), items.end());
  send_list(id, msg::rooms_header(views.size()), views);
}

// A list reply (/who, /rooms): split into lines within --max-line, and not
// even built for a receiver whose queue cannot take it.
void Room::send_list(MemberId id, const std::string& header, std::span<const std::string_view> items) {
  std::size_t bytes = 0;
  for (const std::string_view item : items) bytes += item.size() + 2;
  const std::size_t max_line = config_.max_line;
  const std::size_t width = max_line > header.size() ? max_line - header.size() : 1;
  if (!seats_[id]->member->accepts_reply(header.size() + bytes, 1 + bytes / width)) return;
  for (std::string& line : msg::list_lines(header, items, max_line)) reply(id, std::move(line));
}

void Room::send_to(MemberId id, const SharedLine& line) { seats_[id]->member->deliver(line); }

void Room::send_to_all(const SharedLine& line) {
  for (MemberId m : order_) seats_[m]->member->deliver(line);
}

void Room::broadcast_except(MemberId sender, const SharedLine& line) {
  for (MemberId m : seats_[sender]->channel->members) {
    if (m != sender) seats_[m]->member->deliver(line);
  }
}

void Room::reply(MemberId id, std::string line) { send_to(id, make_line(std::move(line))); }

void Room::rename(MemberId id, std::string_view requested) {
  if (requested.empty()) {
    reply(id, msg::usage("/nick NAME"));
    return;
  }
  if (const NicknameProblem problem = check_nickname(requested); problem != NicknameProblem::none) {
    reply(id, msg::invalid_nickname(sanitize_text(requested), describe(problem)));
    return;
  }
  Seat& seat = *seats_[id];
  const std::string new_key = nickname_key(requested);
  const auto owner = by_nickname_.find(new_key);
  if (owner != by_nickname_.end() && owner->second != id) {
    reply(id, msg::nickname_in_use(requested, seats_[owner->second]->name));
    return;
  }
  if (seat.name == requested) {  // nothing changes; just confirm
    reply(id, msg::renamed_self(requested));
    return;
  }

  by_nickname_.erase(nickname_key(seat.name));
  by_nickname_.emplace(new_key, id);
  std::string old_name = std::exchange(seat.name, std::string(requested));

  reply(id, msg::renamed_self(seat.name));
  const SharedLine others = make_line(msg::renamed_other(old_name, seat.name));
  log_.event(*others);
  broadcast_except(id, others);
}

void Room::send_private(MemberId id, std::string_view target, std::string_view text) {
  const std::string clean = sanitize_text(text);
  if (target.empty() || !has_visible_text(clean)) {
    reply(id, msg::usage("/msg NAME TEXT"));
    return;
  }
  const auto to = find(target);
  if (!to) {
    reply(id, msg::no_such_user(sanitize_text(target)));
    return;
  }
  reply(*to, msg::private_to_recipient(seats_[id]->name, clean));
  reply(id, msg::private_to_sender(seats_[*to]->name, clean));
}

// `/who` lists the sender's room; `/who *` everyone. While every user is in
// the default room the two are the same, and the reply is the classic
// "> Online (N): ..." line.
void Room::send_who(MemberId id, std::string_view arg) {
  const Channel& ch = *seats_[id]->channel;
  const bool everyone = arg == "*" || (&ch == default_channel_ && ch.members.size() == order_.size());
  const std::vector<MemberId>& who = everyone ? order_ : ch.members;
  std::vector<std::string_view> names;
  names.reserve(who.size());
  for (MemberId m : who) names.push_back(seats_[m]->name);
  send_list(id, everyone ? msg::online_header(names.size()) : msg::room_header(ch.name, names.size()), names);
}

std::optional<Room::MemberId> Room::find(std::string_view name) const {
  if (const auto it = by_nickname_.find(nickname_key(name)); it != by_nickname_.end()) {
    return it->second;
  }
  // Users without a nickname are reachable by their IP:PORT name.
  for (MemberId m : order_) {
    if (seats_[m]->name == name) return m;
  }
  return std::nullopt;
}

}  // namespace chat
