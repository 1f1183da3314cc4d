// chatd --cluster: what the chat publishes on its Bus (core/bus.h), and how
// other nodes' events, nickname claims and the link's state change it.
#include <chrono>
#include <utility>

#include "core/chat.h"
#include "nickname.h"

namespace chat {

void Chat::set_bus(Bus* bus) {
  bus_ = bus;
  // Ids start at the clock in microseconds, so a node restarted under its
  // old name never hands out an id its previous run used.
  next_serial_ = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

ClusterEvent Chat::presence(ClusterEvent::Kind kind, const Seat& seat) const {
  ClusterEvent e;
  e.kind = kind;
  e.user = seat.serial;
  e.name = seat.name;
  e.room = seat.channel != nullptr ? seat.channel->name : config_.default_room;
  return e;
}

// Presence events: one Redis could not take makes the bus resynchronize
// (server/cluster/cluster_bus.h), so nothing more is needed here.
void Chat::publish(ClusterEvent event) { bus_->publish(std::move(event)); }

// Like the slow-reader skip: a sender is told once that its lines stay on
// this node, and again only after one has gone through.
bool Chat::publish_said(MemberId id, ClusterEvent event) {
  Seat& seat = directory_[id];
  const Bus::Sent sent = bus_->publish(std::move(event));
  if (sent == Bus::Sent::behind) {
    if (!seat.told_behind) refuse(id, Event::Kind::cluster_behind);
    seat.told_behind = true;
    return false;
  }
  seat.told_behind = false;
  return sent == Bus::Sent::sent;
}

void Chat::deliver_in(std::string_view room, const Event& event) {
  const Channel* ch = channels_.find(room);
  if (ch == nullptr || ch->members.empty()) return;
  Rendering rendering(renderers_, event);
  broadcast(*ch, rendering);
}

void Chat::apply_remote(const ClusterEvent& e) {
  using Kind = ClusterEvent::Kind;
  switch (e.kind) {
    case Kind::enter:
      directory_.add_remote(e.node, e.user, e.name, e.room);
      if (e.shown) deliver_in(e.room, Event{.kind = Event::Kind::entered, .name = e.name, .count = e.count});
      break;
    case Kind::nick:
      directory_.add_remote(e.node, e.user, e.name, e.room);
      deliver_in(e.room, Event{.kind = Event::Kind::renamed, .name = e.name, .other = e.old_name});
      break;
    case Kind::move:
      directory_.add_remote(e.node, e.user, e.name, e.room);
      if (e.shown) {  // not after a kick (the kick line was shown)
        deliver_in(e.old_room, Event{.kind = Event::Kind::left_for, .name = e.name, .room = e.room, .count = e.count});
      }
      deliver_in(e.room, Event{.kind = Event::Kind::joined, .name = e.name, .room = e.room, .count = e.count2});
      break;
    case Kind::leave:
      directory_.remove_remote(e.node, e.user);
      if (e.shown) deliver_in(e.room, Event{.kind = Event::Kind::left, .name = e.name, .count = e.count});
      break;
    case Kind::line: {
      if (e.said == Event::Kind::entered) {  // a storm's member, heard at last
        deliver_in(e.room, Event{.kind = Event::Kind::entered, .name = e.name, .count = e.count});
        break;
      }
      Channel* ch = channels_.find(e.room);
      if (ch == nullptr || ch->members.empty()) break;
      const Event said{.kind = e.said, .name = e.name, .text = e.text};
      Rendering rendering(renderers_, said);
      broadcast(*ch, rendering);
      // History stays per node: it keeps what this node's users heard.
      remember(*ch, e.said, e.name, e.text, rendering);
      break;
    }
    case Kind::direct:
      if (const auto id = directory_.by_serial(e.user)) {  // gone meanwhile: nothing
        tell(*id, Event{.kind = Event::Kind::private_in, .name = e.name, .text = e.text});
      }
      break;
    case Kind::reset:
      directory_.forget_remote(e.node);
      break;
    case Kind::rule:
      apply_remote_rule(e);
      break;
    case Kind::account:
      apply_remote_account(e);
      break;
    case Kind::kick:
      apply_remote_kick(e);
      break;
  }
}

void Chat::on_claim(std::uint64_t user, std::string_view name, ClaimResult result, std::string_view owner) {
  const auto id = directory_.by_serial(user);
  if (!id) {  // left while waiting
    if (result == ClaimResult::won) bus_->release_nickname(user, nickname_key(name));
    return;
  }
  Seat& seat = directory_[*id];
  seat.claiming.reset();
  switch (result) {
    case ClaimResult::won:
      apply_rename(*id, name);
      break;
    case ClaimResult::in_use:
      refuse(*id, Event::Kind::nickname_in_use, name, {}, owner);
      break;
    case ClaimResult::failed:
      refuse(*id, Event::Kind::nick_claim_failed);
      break;
  }
  seat.member->resume();  // its lines after the /nick, now that it is answered
}

ClusterEvent Chat::remote_left(std::string_view node, std::uint64_t user, std::string_view name,
                               std::string_view room) {
  directory_.remove_remote(std::string(node), user);
  const Event left{.kind = Event::Kind::left, .name = name, .count = online()};
  Rendering rendering(renderers_, left);
  log_event(rendering);
  if (const Channel* ch = channels_.find(room); ch != nullptr) broadcast(*ch, rendering);
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::leave;
  e.node = std::string(node);
  e.user = user;
  e.name = std::string(name);
  e.room = std::string(room);
  e.count = online();
  return e;
}

void Chat::revoke_nickname(std::uint64_t user, std::string_view name) {
  const auto id = directory_.by_serial(user);
  if (!id) return;
  Seat& seat = directory_[*id];
  if (seat.name != name) return;
  refuse(*id, Event::Kind::nick_lost, name, {}, seat.address);
  const std::string old_name = directory_.drop_nickname(*id);
  const Event renamed{.kind = Event::Kind::renamed, .name = seat.name, .other = old_name};
  Rendering rendering(renderers_, renamed);
  log_event(rendering);
  broadcast_seat(seat, rendering, *id);
  ClusterEvent e = presence(ClusterEvent::Kind::nick, seat);
  e.old_name = old_name;
  publish(std::move(e));
}

std::vector<Chat::LocalUser> Chat::local_users() const {
  std::vector<LocalUser> users;
  users.reserve(directory_.local().size());
  for (MemberId m : directory_.local()) {
    const Seat& seat = directory_[m];
    users.push_back({seat.serial, seat.name, seat.channel != nullptr ? std::string_view(seat.channel->name) : std::string_view(config_.default_room),
                     seat.name != seat.address});
  }
  return users;
}

void Chat::on_link_lost() {
  directory_.forget_remote();
  tell_everyone(Event{.kind = Event::Kind::cluster_link_lost});
}

void Chat::on_link_restored() {
  tell_everyone(Event{.kind = Event::Kind::cluster_link_restored});
}

}  // namespace chat
