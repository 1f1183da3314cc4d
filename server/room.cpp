#include "room.h"

#include <algorithm>
#include <utility>

#include "command.h"
#include "messages.h"
#include "nickname.h"
#include "utf8.h"

namespace chat {

Room::MemberId Room::join(Member& member, std::string address_name) {
  MemberId id;
  if (free_ids_.empty()) {
    id = static_cast<MemberId>(seats_.size());
    seats_.emplace_back();
  } else {
    id = free_ids_.back();
    free_ids_.pop_back();
  }
  seats_[id] = Seat{&member, std::move(address_name)};
  order_.push_back(id);

  reply(id, msg::welcome(online()));
  const SharedLine entered = make_line(msg::entered(seats_[id]->name, online()));
  log_.event(*entered);
  broadcast_except(id, entered);
  return id;
}

void Room::leave(MemberId id) {
  const std::string name = std::move(seats_[id]->name);
  by_nickname_.erase(nickname_key(name));  // no-op for an IP:PORT name
  seats_[id].reset();
  free_ids_.push_back(id);
  order_.erase(std::find(order_.begin(), order_.end(), id));

  const SharedLine left = make_line(msg::left(name, online()));
  log_.event(*left);
  send_to_all(left);
}

Room::Outcome Room::handle_line(MemberId id, std::string_view line) {
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
      if (out->find_first_not_of(" \t\n", text_at) == std::string::npos) break;  // nothing visible left
      log_.message(*out);
      broadcast_except(id, out);
      break;
    }
    case Command::Kind::me: {
      std::string clean = sanitize_text(cmd.arg);
      if (clean.empty()) {
        reply(id, msg::usage("/me TEXT"));
        break;
      }
      const SharedLine out = make_line(msg::action(seats_[id]->name, clean));
      log_.message(*out);
      broadcast_except(id, out);
      break;
    }
    case Command::Kind::nick:
      rename(id, cmd.arg);
      break;
    case Command::Kind::who:
      send_who(id);
      break;
    case Command::Kind::msg:
      send_private(id, cmd.arg, cmd.text);
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

void Room::send_to(MemberId id, const SharedLine& line) { seats_[id]->member->deliver(line); }

void Room::send_to_all(const SharedLine& line) {
  for (MemberId m : order_) seats_[m]->member->deliver(line);
}

void Room::broadcast_except(MemberId sender, const SharedLine& line) {
  for (MemberId m : order_) {
    if (m != sender) seats_[m]->member->deliver(line);
  }
}

void Room::reply(MemberId id, std::string line) { send_to(id, make_line(std::move(line))); }

void Room::rename(MemberId id, std::string_view requested) {
  if (requested.empty()) {
    reply(id, msg::usage("/nick NAME"));
    return;
  }
  if (!is_valid_nickname(requested)) {
    reply(id, msg::invalid_nickname(sanitize_text(requested)));
    return;
  }
  Seat& seat = *seats_[id];
  const std::string new_key = nickname_key(requested);
  const auto owner = by_nickname_.find(new_key);
  if (owner != by_nickname_.end() && owner->second != id) {
    reply(id, msg::nickname_in_use(requested));
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
  if (target.empty() || clean.empty()) {
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

void Room::send_who(MemberId id) {
  std::vector<std::string_view> names;
  names.reserve(order_.size());
  std::size_t bytes = 0;
  for (MemberId m : order_) {
    names.push_back(seats_[m]->name);
    bytes += seats_[m]->name.size() + 2;
  }
  // A receiver whose queue cannot take the reply does not cost building it.
  const std::string header = msg::online_header(names.size());
  const std::size_t width = max_line_ > header.size() ? max_line_ - header.size() : 1;
  if (!seats_[id]->member->accepts_reply(header.size() + bytes, 1 + bytes / width)) return;
  for (std::string& line : msg::list_lines(header, names, max_line_)) reply(id, std::move(line));
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
