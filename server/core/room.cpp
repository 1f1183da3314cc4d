#include "core/room.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>

#include "classic/messages.h"
#include "command.h"
#include "nickname.h"
#include "room_name.h"
#include "utf8.h"

namespace chat {

namespace {

std::int64_t system_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// An event for the bus; `node` and `from` are the bus's to fill in.
ClusterEvent event(ClusterEvent::Kind kind, std::uint64_t user, std::string_view name, std::string_view room,
                   std::string_view line, std::string_view old_room = {}, std::string_view line2 = {}) {
  ClusterEvent e;
  e.kind = kind;
  e.user = user;
  e.name = std::string(name);
  e.room = std::string(room);
  e.old_room = std::string(old_room);
  e.line = std::string(line);
  e.line2 = std::string(line2);
  return e;
}

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
  seats_[id] = Seat{&member, std::move(address_name), default_channel_, announce, 0, {}, {}, false};
  order_.push_back(id);
  default_channel_->members.push_back(id);

  reply(id, msg::welcome(online()));
  send_history(id);
  const SharedLine entered = make_line(msg::entered(seats_[id]->name, online()));
  log_.event(*entered);
  if (announce) broadcast_except(id, entered);
  if (bus_ != nullptr) {
    Seat& seat = *seats_[id];
    seat.serial = next_serial_++;
    seat.address = seat.name;
    by_serial_[seat.serial] = id;
    publish(event(ClusterEvent::Kind::enter, seat.serial, seat.name, default_channel_->name,
                  announce ? std::string_view(*entered) : std::string_view()));
  }
  return id;
}

void Room::announce(MemberId id) {
  seats_[id]->announced = true;
  const SharedLine entered = make_line(msg::entered(seats_[id]->name, online()));
  broadcast_except(id, entered);
  if (bus_ != nullptr) {
    publish(event(ClusterEvent::Kind::line, 0, {}, seats_[id]->channel->name, *entered));
  }
}

void Room::leave(MemberId id) {
  const std::string name = std::move(seats_[id]->name);
  const bool announced = seats_[id]->announced;
  const std::uint64_t serial = seats_[id]->serial;
  Channel& ch = *seats_[id]->channel;
  const bool had_nickname = by_nickname_.erase(nickname_key(name)) > 0;  // none for an IP:PORT name
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
  if (bus_ != nullptr) {
    by_serial_.erase(serial);
    if (had_nickname) bus_->release_nickname(serial, nickname_key(name));
    publish(event(ClusterEvent::Kind::leave, serial, name, ch.name,
                  announced ? std::string_view(*left) : std::string_view()));
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
      if (seats_[id]->claiming) return Outcome::wait;  // Redis decides; on_claim() resumes
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
  if (bus_ != nullptr) {
    if (here(ch) < 2) return;
    publish_said(id, event(ClusterEvent::Kind::line, 0, {}, ch.name, *line));
  } else if (ch.members.size() < 2) {
    return;
  }
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
    reply(id, msg::now_in(from.name, here(from)));
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

  // A room only other nodes' users are in keeps their spelling.
  Channel& to = to_it != channels_.end() ? to_it->second : channel(bus_ != nullptr ? remote_spelling(room) : room);
  const std::string to_name = to.name;  // `from` may be erased below
  const SharedLine left = make_line(msg::left_for(seat.name, to_name, here(from) - 1));
  const std::string from_name = from.name;
  for (MemberId m : from.members) {
    if (m != id) seats_[m]->member->deliver(left);
  }
  remove_from(from, id);

  const SharedLine joined = make_line(msg::joined(seat.name, to.name, here(to) + 1));
  log_.event(*joined);
  for (MemberId m : to.members) seats_[m]->member->deliver(joined);
  to.members.push_back(id);
  seat.channel = &to;
  reply(id, msg::now_in(to.name, here(to)));
  if (bus_ != nullptr) {
    publish(event(ClusterEvent::Kind::move, seat.serial, seat.name, to.name, *left, from_name, *joined));
  }
  send_history(id);
}

void Room::send_rooms(MemberId id) {
  std::vector<std::pair<std::string_view, std::size_t>> list;
  list.reserve(channels_.size());
  for (const auto& [key, ch] : channels_) {
    if (!ch.members.empty() || !ch.history.empty() || &ch == default_channel_) {
      list.emplace_back(ch.name, here(ch));
    }
  }
  if (bus_ != nullptr) {  // rooms only other nodes' users are in
    std::unordered_map<std::string, std::string_view> seen;
    for (const auto& [node, users] : remote_) {
      for (const auto& [user, u] : users) {
        const std::string key = room_key(u.room);
        if (channels_.contains(key) || seen.contains(key)) continue;
        seen.emplace(key, u.room);
        list.emplace_back(u.room, remote_in(u.room));
      }
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
  if (seat.claiming) {
    reply(id, msg::nick_pending());
    return;
  }
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
  if (bus_ != nullptr) {
    if (const auto remote = remote_nicknames_.find(new_key); remote != remote_nicknames_.end()) {
      reply(id, msg::nickname_in_use(requested, remote->second->name));
      return;
    }
    if (!bus_->linked()) {
      reply(id, msg::nick_needs_link());
      return;
    }
    // Redis decides; the answer comes through on_claim().
    seat.claiming = std::string(requested);
    // A change of case keeps the key, which must not be freed.
    const std::string old_key = nickname_key(seat.name);
    const bool frees = by_nickname_.contains(old_key) && old_key != new_key;
    bus_->claim_nickname(seat.serial, requested, new_key, frees ? old_key : std::string());
    return;
  }
  apply_rename(id, requested);
}

void Room::apply_rename(MemberId id, std::string_view requested) {
  Seat& seat = *seats_[id];
  by_nickname_.erase(nickname_key(seat.name));
  by_nickname_.emplace(nickname_key(requested), id);
  std::string old_name = std::exchange(seat.name, std::string(requested));

  reply(id, msg::renamed_self(seat.name));
  const SharedLine others = make_line(msg::renamed_other(old_name, seat.name));
  log_.event(*others);
  broadcast_except(id, others);
  if (bus_ != nullptr) {
    publish(event(ClusterEvent::Kind::nick, seat.serial, seat.name, seat.channel->name, *others));
  }
}

void Room::send_private(MemberId id, std::string_view target, std::string_view text) {
  const std::string clean = sanitize_text(text);
  if (target.empty() || !has_visible_text(clean)) {
    reply(id, msg::usage("/msg NAME TEXT"));
    return;
  }
  const auto to = find(target);
  if (!to) {
    const RemoteUser* remote = bus_ != nullptr ? find_remote(target) : nullptr;
    if (remote == nullptr) {
      reply(id, msg::no_such_user(sanitize_text(target)));
      return;
    }
    // Confirmed once handed to the cluster: the other node delivers it if
    // the user is still there, and says nothing if not.
    ClusterEvent direct = event(ClusterEvent::Kind::direct, remote->user, {}, {},
                                msg::private_to_recipient(seats_[id]->name, clean));
    direct.node = remote->node;
    if (publish_said(id, std::move(direct))) reply(id, msg::private_to_sender(remote->name, clean));
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
  const bool everyone = arg == "*" || (&ch == default_channel_ && here(ch) == online());
  const std::vector<MemberId>& who = everyone ? order_ : ch.members;
  std::vector<std::string_view> names;
  names.reserve(who.size());
  for (MemberId m : who) names.push_back(seats_[m]->name);
  if (bus_ != nullptr) {  // then other nodes' users, node by node
    const std::string key = room_key(ch.name);
    for (const auto& [node, users] : remote_) {
      for (const auto& [user, u] : users) {
        if (everyone || room_key(u.room) == key) names.push_back(u.name);
      }
    }
  }
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

namespace chat {

// ---- chatd --cluster ----

void Room::set_bus(Bus* bus) {
  bus_ = bus;
  // Ids start at the clock in microseconds, so a node restarted under its
  // old name never hands out an id its previous run used.
  next_serial_ = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// Presence events: one Redis could not take makes the bus resynchronize
// (server/cluster/cluster_bus.h), so nothing more is needed here.
void Room::publish(ClusterEvent event) { bus_->publish(std::move(event)); }

// Like the slow-reader skip: a sender is told once that its lines stay on
// this node, and again only after one has gone through.
bool Room::publish_said(MemberId id, ClusterEvent event) {
  Seat& seat = *seats_[id];
  const Bus::Sent sent = bus_->publish(std::move(event));
  if (sent == Bus::Sent::behind) {
    if (!seat.told_behind) reply(id, msg::cluster_behind());
    seat.told_behind = true;
    return false;
  }
  seat.told_behind = false;
  return sent == Bus::Sent::sent;
}

std::size_t Room::remote_in(std::string_view room) const {
  if (remote_count_ == 0) return 0;
  const auto it = remote_rooms_.find(room_key(room));
  return it != remote_rooms_.end() ? it->second : 0;
}

std::size_t Room::here(const Channel& ch) const {
  return ch.members.size() + (bus_ != nullptr ? remote_in(ch.name) : 0);
}

std::string_view Room::remote_spelling(std::string_view room) const {
  if (remote_in(room) == 0) return room;
  const std::string key = room_key(room);
  for (const auto& [node, users] : remote_) {
    for (const auto& [user, u] : users) {
      if (room_key(u.room) == key) return u.room;
    }
  }
  return room;
}

const Room::RemoteUser* Room::find_remote(std::string_view name) const {
  if (const auto it = remote_nicknames_.find(nickname_key(name)); it != remote_nicknames_.end()) return it->second;
  for (const auto& [node, users] : remote_) {
    for (const auto& [user, u] : users) {
      if (u.name == name) return &u;
    }
  }
  return nullptr;
}

void Room::deliver_in(std::string_view room, std::string_view line) {
  if (line.empty()) return;
  const auto it = channels_.find(room_key(room));
  if (it == channels_.end() || it->second.members.empty()) return;
  const SharedLine shared = make_line(line);
  for (MemberId m : it->second.members) seats_[m]->member->deliver(shared);
}

void Room::add_remote(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room) {
  std::string node_name(node);
  remove_remote(node_name, user);
  RemoteUser& u = remote_[node_name][user];
  u = RemoteUser{node_name, user, std::string(name), std::string(room)};
  ++remote_rooms_[room_key(room)];
  if (is_valid_nickname(name)) remote_nicknames_[nickname_key(name)] = &u;
  ++remote_count_;
}

void Room::remove_remote(const std::string& node, std::uint64_t user) {
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

void Room::forget_remote(std::string_view node) {
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

void Room::apply_remote(const ClusterEvent& e) {
  using Kind = ClusterEvent::Kind;
  switch (e.kind) {
    case Kind::enter:
    case Kind::nick:
      add_remote(e.node, e.user, e.name, e.room);
      deliver_in(e.room, e.line);
      break;
    case Kind::move:
      add_remote(e.node, e.user, e.name, e.room);
      deliver_in(e.old_room, e.line);
      deliver_in(e.room, e.line2);
      break;
    case Kind::leave:
      remove_remote(e.node, e.user);
      deliver_in(e.room, e.line);
      break;
    case Kind::line: {
      if (e.line.empty()) break;
      const auto it = channels_.find(room_key(e.room));
      if (it == channels_.end() || it->second.members.empty()) break;
      Channel& ch = it->second;
      const SharedLine shared = make_line(e.line);
      for (MemberId m : ch.members) seats_[m]->member->deliver(shared);
      if (config_.history == 0) break;
      // History stays per node: it keeps what this node's users heard.
      const std::int64_t time = now();
      ch.history.push_back(Said{time, shared});
      if (ch.history.size() > config_.history) ch.history.pop_front();
      if (sink_ != nullptr) sink_->append(ch.name, time, shared);
      break;
    }
    case Kind::direct: {
      const auto it = by_serial_.find(e.user);
      if (it != by_serial_.end() && !e.line.empty()) reply(it->second, e.line);  // gone meanwhile: nothing
      break;
    }
    case Kind::reset:
      forget_remote(e.node);
      break;
  }
}

void Room::on_claim(std::uint64_t user, std::string_view name, ClaimResult result, std::string_view owner) {
  const auto it = by_serial_.find(user);
  if (it == by_serial_.end()) {  // left while waiting
    if (result == ClaimResult::won) bus_->release_nickname(user, nickname_key(name));
    return;
  }
  const MemberId id = it->second;
  Seat& seat = *seats_[id];
  seat.claiming.reset();
  switch (result) {
    case ClaimResult::won:
      apply_rename(id, name);
      break;
    case ClaimResult::in_use:
      reply(id, msg::nickname_in_use(name, owner));
      break;
    case ClaimResult::failed:
      reply(id, msg::nick_claim_failed());
      break;
  }
  seat.member->resume();  // its lines after the /nick, now that it is answered
}

ClusterEvent Room::remote_left(std::string_view node, std::uint64_t user, std::string_view name,
                               std::string_view room) {
  remove_remote(std::string(node), user);
  const std::string line = msg::left(name, online());
  log_.event(line);
  deliver_in(room, line);
  ClusterEvent e = event(ClusterEvent::Kind::leave, user, name, room, line);
  e.node = std::string(node);
  return e;
}

void Room::revoke_nickname(std::uint64_t user, std::string_view name) {
  const auto it = by_serial_.find(user);
  if (it == by_serial_.end()) return;
  const MemberId id = it->second;
  Seat& seat = *seats_[id];
  if (seat.name != name) return;
  const std::string address = seat.address;
  reply(id, msg::nick_lost(name, address));
  by_nickname_.erase(nickname_key(seat.name));
  const std::string old_name = std::exchange(seat.name, address);
  const SharedLine others = make_line(msg::renamed_other(old_name, seat.name));
  log_.event(*others);
  broadcast_except(id, others);
  publish(event(ClusterEvent::Kind::nick, seat.serial, seat.name, seat.channel->name, *others));
}

std::vector<Room::LocalUser> Room::local_users() const {
  std::vector<LocalUser> users;
  users.reserve(order_.size());
  for (MemberId m : order_) {
    const Seat& seat = *seats_[m];
    users.push_back({seat.serial, seat.name, seat.channel->name, seat.name != seat.address});
  }
  return users;
}

void Room::on_link_lost() {
  forget_remote();
  const SharedLine notice = make_line(msg::cluster_link_lost());
  for (MemberId m : order_) seats_[m]->member->deliver(notice);
}

void Room::on_link_restored() {
  const SharedLine notice = make_line(msg::cluster_link_restored());
  for (MemberId m : order_) seats_[m]->member->deliver(notice);
}

}  // namespace chat
