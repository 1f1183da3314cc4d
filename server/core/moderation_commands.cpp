// What each moderation command does (docs/PROTOCOL.md "Moderation"): /op,
// /deop, /topic, /kick, /ban, /unban, /bans, /mute, /unmute, /private and
// /invite, and what the rules change in entering a room. The rules
// themselves (who may, who is banned until when) are core/moderation/.
// Over the house's 400 lines (479): one handler per command, each short;
// splitting by command group (roles/topic, bans/mutes, privacy) is the
// next change here.
//
// Nothing here runs for a server where nobody moderates: the line path
// asks Moderation::empty() once, and only a command above reaches this file.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/chat.h"
#include "core/moderation/address_key.h"
#include "core/moderation/duration.h"
#include "core/moderation/rule_event.h"
#include "nickname.h"
#include "room_name.h"
#include "utf8.h"

namespace chat {

namespace {

using Kind = ModerationRule::Kind;

// Splits "WORD REST" at the first blank.
std::pair<std::string_view, std::string_view> first_word(std::string_view s) {
  const auto end = s.find_first_of(" \t");
  if (end == std::string_view::npos) return {s, {}};
  std::string_view rest = s.substr(end);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  return {s.substr(0, end), rest};
}

}  // namespace

std::string_view Chat::host_of(const Seat& seat) const { return host_of_address_name(seat.peer); }

bool Chat::registered(std::string_view name) const {
  if (hasher_ != nullptr) return accounts_.find(name) != nullptr;  // the accounts' registry
  if (registered_) return registered_(name);
  // No registry yet: the accounts members are logged in as now.
  const std::string key = nickname_key(name);
  for (const MemberId m : directory_.local()) {
    const Seat& s = directory_[m];
    if (!s.account.empty() && nickname_key(s.account) == key) return true;
  }
  return false;
}

void Chat::restore_moderation(const ModerationRule& rule) {
  moderation_.apply(rule);
  if (rule.kind != Kind::owner || moderation_.is_default_room(rule.room) || !is_valid_room_name(rule.room)) return;
  Channel* ch = channels_.find(rule.room);
  // An owned room outlives its last member: it exists from start-up on.
  if (ch == nullptr && !rule.removed && channels_.size() < config_.max_rooms) ch = &channels_.get(rule.room);
  if (ch != nullptr) ch->owned = !rule.removed;
}

void Chat::enact(ModerationRule rule) {
  restore_moderation(rule);
  if (moderation_sink_ != nullptr) moderation_sink_->save(rule);
  if (bus_ != nullptr) publish(rule_event(rule));  // with --cluster, Redis keeps it too
}

void Chat::apply_remote_rule(const ClusterEvent& e) {
  const std::optional<ModerationRule> rule = rule_of(e);
  if (!rule || !is_valid_room_name(rule->room)) return;
  restore_moderation(*rule);
  if (moderation_sink_ != nullptr) moderation_sink_->save(*rule);
  enforce(*rule);
}

void Chat::enforce(const ModerationRule& rule) {
  if (rule.kind != Kind::ban || rule.removed) return;
  const bool server = moderation_.is_default_room(rule.room);
  const std::string key = room_key(rule.room);
  std::vector<MemberId> hit;
  for (const MemberId m : directory_.local()) {
    const Seat& s = directory_[m];
    if (!server && room_with_key(s, key) == nullptr) continue;
    // Whoever moderates the room is not banned from it by an address ban
    // that happens to match them (an owner behind the spammer's NAT).
    if (moderation_.is_operator(rule.room, s.account)) continue;
    if ((!s.account.empty() && rule.key == Moderation::account_key(s.account)) ||
        rule.key == Moderation::address_key(host_of(s))) {
      hit.push_back(m);
    }
  }
  for (const MemberId m : hit) {
    if (!server) {
      kick(m, *room_with_key(directory_[m], key), rule.by, rule.text);
      continue;
    }
    const Seat& s = directory_[m];
    const Event kicked{.kind = Event::Kind::kicked,
                       .name = s.name,
                       .other = rule.by,
                       .room = s.channel != nullptr ? std::string_view(s.channel->name) : std::string_view(),
                       .text = rule.text};
    Rendering rendering(renderers_, kicked);
    log_event(rendering);
    broadcast_seat(s, rendering, m);
    if (bus_ != nullptr && s.channel != nullptr) announce_kick(s, *s.channel, rule.by, rule.text);
    tell(m, Event{.kind = Event::Kind::banned_from_server});
    expel(m, DropReason::banned);
  }
}

void Chat::kick(MemberId target, Channel& ch, std::string_view by, std::string_view reason) {
  const Seat& seat = directory_[target];
  const Event kicked{.kind = Event::Kind::kicked, .name = seat.name, .other = by, .room = ch.name, .text = reason};
  Rendering rendering(renderers_, kicked);
  log_event(rendering);
  broadcast(ch, rendering, target);
  tell(target, Event{.kind = Event::Kind::kicked_you, .other = by, .room = ch.name, .text = reason});
  if (bus_ != nullptr) announce_kick(seat, ch, by, reason);
  if (seat.multi) {  // out of that room only
    drop_room(target, ch);
  } else if (channels_.is_lobby(ch)) {
    expel(target, DropReason::kicked);
  } else {
    switch_room(target, channels_.lobby(), true);
  }
}

void Chat::expel(MemberId id, DropReason why) {
  auto [seat, held_key] = directory_.remove(id);
  if (hasher_ != nullptr) leave_accounts(seat, id);
  // The room saw why; the log keeps the count of users online exact.
  const Event left{.kind = Event::Kind::left, .name = seat.name, .count = online()};
  Rendering rendering(renderers_, left);
  log_event(rendering);
  if (bus_ != nullptr) {
    if (!held_key.empty()) bus_->release_nickname(seat.serial, held_key);
    ClusterEvent e = presence(ClusterEvent::Kind::leave, seat);
    e.count = online();
    e.shown = false;  // the other nodes showed the kick (announce_kick)
    publish(std::move(e));
  }
  leave_rooms(seat, id);
  seat.member->drop(why);
}

bool Chat::may_moderate(MemberId id, const Channel& ch) {
  if (moderation_.is_operator(ch.name, directory_[id].account)) return true;
  if (std::find(ch.session_ops.begin(), ch.session_ops.end(), id) != ch.session_ops.end()) return true;
  tell(id, Event{.kind = Event::Kind::not_operator, .room = ch.name});
  return false;
}

bool Chat::may_enter(MemberId id, std::string_view room) {
  const RoomRules* rules = moderation_.find(room);
  if (rules == nullptr) return true;
  const Seat& seat = directory_[id];
  if (moderation_.is_operator(room, seat.account)) return true;
  if (moderation_.banned(room, seat.account, host_of(seat), now()) != nullptr) {
    tell(id, Event{.kind = Event::Kind::banned_from_room, .room = rules->room});
    return false;
  }
  if (rules->invite_only && !moderation_.invited(room, seat.account, seat.name)) {
    tell(id, Event{.kind = Event::Kind::invite_only, .room = rules->room});
    return false;
  }
  return true;
}

void Chat::claim_room(MemberId id, Channel& ch) {
  if (channels_.is_lobby(ch) || moderation_.has_owner(ch.name)) return;
  const Seat& seat = directory_[id];
  ModerationRule rule;
  rule.kind = Kind::owner;
  rule.room = ch.name;
  rule.name = seat.account;
  rule.by = seat.name;
  enact(std::move(rule));
  ch.owned = true;
  log_.event(*Rendering(renderers_, Event{.kind = Event::Kind::room_owned, .name = seat.account, .room = ch.name})
                  .canonical());
}

void Chat::send_topic(MemberId id, const Channel& ch) {
  const RoomRules* rules = moderation_.find(ch.name);
  if (rules == nullptr || rules->topic.empty()) return;
  tell(id, Event{.kind = Event::Kind::topic_is, .name = rules->topic_by, .room = ch.name, .text = rules->topic});
}

void Chat::mark_operators(const Channel& ch, std::span<const MemberId> who, std::vector<std::string_view>& names,
                          std::deque<std::string>& marked) const {
  const RoomRules* rules = moderation_.find(ch.name);
  for (std::size_t i = 0; i < who.size() && i < names.size(); ++i) {
    if (std::find(ch.session_ops.begin(), ch.session_ops.end(), who[i]) != ch.session_ops.end()) {
      marked.push_back("@" + directory_[who[i]].name);
      names[i] = marked.back();
      continue;
    }
    if (rules == nullptr || (rules->owner.empty() && rules->operators.empty())) continue;
    const Seat& s = directory_[who[i]];
    if (s.account.empty() || !moderation_.is_room_operator(ch.name, s.account)) continue;
    marked.push_back("@" + s.name);
    names[i] = marked.back();
  }
}

std::optional<Chat::Target> Chat::resolve_target(MemberId id, std::string_view name) {
  const Directory::Found found = directory_.find(name);
  if (found.local) {
    const Seat& t = directory_[*found.local];
    if (!t.account.empty()) return Target{Moderation::account_key(t.account), t.account, found.local, t.account};
    if (const auto key = ban_address_key(host_of(t))) return Target{"h:" + *key, *key, found.local, {}};
  } else if (const auto key = ban_address_key(name)) {
    return Target{"h:" + *key, *key, std::nullopt, {}};
  } else if (is_valid_nickname(name) && registered(name)) {
    return Target{Moderation::account_key(name), std::string(name), std::nullopt, std::string(name)};
  }
  tell(id, Event{.kind = Event::Kind::no_such_user, .name = clean(name)});
  return std::nullopt;
}

void Chat::moderate(MemberId id, const Command& cmd) {
  Seat& seat = directory_[id];
  if (seat.channel == nullptr) [[unlikely]] {  // a member in no room (IRC) moderates none
    tell(id, Event{.kind = Event::Kind::not_on_room, .room = cmd.room});
    return;
  }
  Channel& ch = *seat.channel;
  const std::string actor = seat.name;  // seats may move while this runs
  const std::string account = seat.account;
  const auto usage = [&](std::string_view synopsis) { refuse(id, Event::Kind::usage, {}, synopsis); };
  const auto announce = [&](Event e) {  // to the room, the actor included, and the log
    if (e.room.empty()) e.room = ch.name;
    Rendering rendering(renderers_, e);
    log_event(rendering);
    broadcast(ch, rendering);
  };
  // The owner and admins cannot be moderated; operators only by the owner
  // or an admin; nobody moderates itself.
  const auto untouchable = [&](const std::optional<MemberId>& local, std::string_view target_account) {
    if (local && *local == id) return true;
    if (target_account.empty()) return false;
    if (moderation_.is_admin(target_account)) return true;
    const RoomRules* rules = moderation_.find(ch.name);
    const bool owner = rules != nullptr && !rules->owner.empty() && nickname_key(rules->owner) == nickname_key(target_account);
    if (owner) return true;
    const bool actor_over = moderation_.is_admin(account) ||
                            (rules != nullptr && !rules->owner.empty() && nickname_key(rules->owner) == nickname_key(account));
    return moderation_.is_room_operator(ch.name, target_account) && !actor_over;
  };

  switch (cmd.kind) {
    case Command::Kind::op:
    case Command::Kind::deop: {
      const bool op = cmd.kind == Command::Kind::op;
      if (cmd.arg.empty()) return usage(op ? "/op NAME" : "/deop NAME");
      const RoomRules* rules = moderation_.find(ch.name);
      const bool owner = rules != nullptr && !rules->owner.empty() && !account.empty() &&
                         nickname_key(rules->owner) == nickname_key(account);
      const bool session_op = std::find(ch.session_ops.begin(), ch.session_ops.end(), id) != ch.session_ops.end();
      if (!owner && !moderation_.is_admin(account) && !session_op) {
        tell(id, Event{.kind = Event::Kind::not_operator, .room = ch.name});
        return;
      }
      std::string target;
      const Directory::Found found = directory_.find(cmd.arg);
      // IRC's operators (Channel::session_ops): given by one of them, or to
      // a member in several rooms without an account, for as long as it stays.
      if (found.local && (session_op || directory_[*found.local].multi) && directory_[*found.local].account.empty()) {
        const MemberId t = *found.local;
        if (!in_room(directory_[t], ch)) {
          tell(id, Event{.kind = Event::Kind::not_in_room, .name = directory_[t].name, .room = ch.name});
          return;
        }
        const bool had = std::find(ch.session_ops.begin(), ch.session_ops.end(), t) != ch.session_ops.end();
        if (op && !had) ch.session_ops.push_back(t);
        if (!op) std::erase(ch.session_ops, t);
        announce(Event{.kind = op ? Event::Kind::op_granted : Event::Kind::op_removed, .name = actor,
                       .other = directory_[t].name, .room = ch.name});
        return;
      }
      if (!found && session_op) {
        tell(id, Event{.kind = Event::Kind::no_such_user, .name = clean(cmd.arg)});
        return;
      }
      if (found.local && !directory_[*found.local].account.empty()) {
        target = directory_[*found.local].account;
      } else if (is_valid_nickname(cmd.arg) && registered(cmd.arg)) {
        target = std::string(cmd.arg);
      } else {
        tell(id, Event{.kind = Event::Kind::not_registered, .name = clean(cmd.arg)});
        return;
      }
      ModerationRule rule;
      rule.kind = Kind::op;
      rule.room = ch.name;
      rule.key = nickname_key(target);
      rule.name = target;
      rule.by = actor;
      if (!op) {
        if (rules == nullptr || !rules->operators.contains(rule.key)) {
          tell(id, Event{.kind = Event::Kind::not_an_operator, .name = target, .room = ch.name});
          return;
        }
        rule.removed = true;
      }
      enact(rule);
      announce(Event{.kind = op ? Event::Kind::op_granted : Event::Kind::op_removed, .name = actor, .other = target,
                     .room = ch.name});
      return;
    }
    case Command::Kind::topic: {
      if (cmd.arg.empty()) {
        const RoomRules* rules = moderation_.find(ch.name);
        if (rules == nullptr || rules->topic.empty()) {
          tell(id, Event{.kind = Event::Kind::no_topic, .room = ch.name});
        } else {
          send_topic(id, ch);
        }
        return;
      }
      // Anyone sets the topic of a room without an owner but the default
      // room's, which admins moderate.
      if ((channels_.is_lobby(ch) || moderation_.has_owner(ch.name) || !ch.session_ops.empty()) &&
          !may_moderate(id, ch)) {
        return;
      }
      const std::string topic = clean(cmd.arg);
      if (!has_visible_text(topic)) return usage("/topic [TEXT]");
      ModerationRule rule;
      rule.kind = Kind::topic;
      rule.room = ch.name;
      rule.text = topic;
      rule.by = actor;
      enact(rule);
      announce(Event{.kind = Event::Kind::topic_set, .name = actor, .text = topic});
      return;
    }
    case Command::Kind::kick: {
      if (!may_moderate(id, ch)) return;
      if (cmd.arg.empty()) return usage("/kick NAME [REASON]");
      const Directory::Found found = directory_.find(cmd.arg);
      if (!found) {
        tell(id, Event{.kind = Event::Kind::no_such_user, .name = clean(cmd.arg)});
        return;
      }
      if (!found.local && found.remote != nullptr && room_key(found.remote->room) == room_key(ch.name)) {
        // A user of another node: its node kicks it (core/moderation_sync.cpp).
        const std::string target_account = registered(found.remote->name) ? found.remote->name : std::string();
        if (untouchable(std::nullopt, target_account)) {
          tell(id, Event{.kind = Event::Kind::cannot_moderate, .name = found.remote->name, .room = ch.name});
          return;
        }
        ask_kick(*found.remote, ch, actor, clean(cmd.text));
        return;
      }
      if (!found.local || !in_room(directory_[*found.local], ch)) {
        tell(id, Event{.kind = Event::Kind::not_in_room, .name = clean(cmd.arg), .room = ch.name});
        return;
      }
      const MemberId target = *found.local;
      if (untouchable(found.local, directory_[target].account)) {
        tell(id, Event{.kind = Event::Kind::cannot_moderate, .name = directory_[target].name, .room = ch.name});
        return;
      }
      kick(target, ch, actor, clean(cmd.text));
      return;
    }
    case Command::Kind::ban:
    case Command::Kind::mute: {
      const bool ban = cmd.kind == Command::Kind::ban;
      if (!may_moderate(id, ch)) return;
      if (cmd.arg.empty()) return usage(ban ? "/ban NAME|ADDRESS [DURATION] [REASON]" : "/mute NAME [DURATION]");
      auto [word, rest] = first_word(cmd.text);
      const std::int64_t seconds = word.empty() ? 0 : parse_duration(word).value_or(0);
      const bool timed = seconds > 0;
      std::string reason = clean(timed ? rest : cmd.text);
      if (!ban && (!rest.empty() || (!word.empty() && !timed))) return usage("/mute NAME [DURATION]");
      std::optional<Target> target = resolve_target(id, cmd.arg);
      if (!target) return;
      if (untouchable(target->local, target->account)) {
        tell(id, Event{.kind = Event::Kind::cannot_moderate, .name = clean(cmd.arg), .room = ch.name});
        return;
      }
      ModerationRule rule;
      rule.kind = ban ? Kind::ban : Kind::mute;
      rule.room = ch.name;
      rule.key = target->key;
      rule.name = target->shown;
      rule.by = actor;
      rule.text = reason;
      rule.until = timed ? now() + seconds : 0;
      // Who is banned as the room knows it: the nickname of an online
      // member, else the account or the address.
      const std::string shown = target->local ? directory_[*target->local].name : target->shown;
      enact(rule);
      announce(Event{.kind = ban ? Event::Kind::banned : Event::Kind::muted, .name = actor, .other = shown,
                     .room = ch.name, .text = reason, .count = static_cast<std::size_t>(seconds)});
      enforce(rule);
      return;
    }
    case Command::Kind::unban:
    case Command::Kind::unmute: {
      const bool ban = cmd.kind == Command::Kind::unban;
      if (!may_moderate(id, ch)) return;
      if (cmd.arg.empty()) return usage(ban ? "/unban NAME|ADDRESS" : "/unmute NAME");
      const RoomRules* rules = moderation_.find(ch.name);
      std::string key;
      std::string shown(cmd.arg);
      if (rules != nullptr) {
        const auto& list = ban ? rules->bans : rules->mutes;
        std::vector<std::string> candidates;
        if (const auto address = ban_address_key(cmd.arg)) candidates.push_back("h:" + *address);
        candidates.push_back(Moderation::account_key(cmd.arg));
        const Directory::Found found = directory_.find(cmd.arg);
        if (found.local) {  // an online member: its account, then its address
          const Seat& t = directory_[*found.local];
          if (!t.account.empty()) candidates.push_back(Moderation::account_key(t.account));
          candidates.push_back(Moderation::address_key(host_of(t)));
        }
        for (const std::string& k : candidates) {
          if (const auto it = list.find(k); it != list.end()) {
            key = k;
            shown = found.local ? directory_[*found.local].name : it->second.name;
            break;
          }
        }
      }
      if (key.empty()) {
        tell(id, Event{.kind = ban ? Event::Kind::not_banned : Event::Kind::not_muted, .name = clean(cmd.arg),
                       .room = ch.name});
        return;
      }
      ModerationRule rule;
      rule.kind = ban ? Kind::ban : Kind::mute;
      rule.removed = true;
      rule.room = ch.name;
      rule.key = key;
      rule.by = actor;
      enact(rule);
      announce(Event{.kind = ban ? Event::Kind::unbanned : Event::Kind::unmuted, .name = actor, .other = shown,
                     .room = ch.name});
      return;
    }
    case Command::Kind::bans: {
      if (!may_moderate(id, ch)) return;
      for (const ModerationRule& gone : moderation_.expire(ch.name, now())) {
        if (moderation_sink_ != nullptr) moderation_sink_->save(gone);
      }
      const RoomRules* rules = moderation_.find(ch.name);
      if (rules == nullptr || rules->bans.empty()) {
        tell(id, Event{.kind = Event::Kind::no_bans, .room = ch.name});
        return;
      }
      std::vector<std::string> items;  // "bob (1h 59m left, by alice: spam)"
      items.reserve(rules->bans.size());
      const std::int64_t t = now();
      for (const auto& [key, b] : rules->bans) {
        std::string item = b.name + " (";
        if (b.until != 0) item += format_duration(b.until - t) + " left, ";
        item += "by " + b.by;
        if (!b.reason.empty()) item += ": " + b.reason;
        item += ")";
        items.push_back(std::move(item));
      }
      const std::vector<std::string_view> views(items.begin(), items.end());
      send_list(id, Event::Kind::bans, ch.name, views);
      return;
    }
    case Command::Kind::privacy: {
      if (!may_moderate(id, ch)) return;
      const bool on = cmd.arg == "on";
      if (!on && cmd.arg != "off") return usage("/private on|off");
      ModerationRule rule;
      rule.kind = Kind::invite_only;
      rule.removed = !on;
      rule.room = ch.name;
      rule.by = actor;
      enact(rule);
      announce(Event{.kind = on ? Event::Kind::invite_only_on : Event::Kind::invite_only_off, .name = actor,
                     .room = ch.name});
      return;
    }
    case Command::Kind::invite: {
      if (!may_moderate(id, ch)) return;
      if (cmd.arg.empty()) return usage("/invite NAME");
      const Directory::Found found = directory_.find(cmd.arg);
      ModerationRule rule;
      rule.kind = Kind::invite;
      rule.room = ch.name;
      rule.by = actor;
      if (found.local) {
        const Seat& t = directory_[*found.local];
        rule.name = t.name;
        rule.key = nickname_key(t.account.empty() ? t.name : t.account);
      } else if (is_valid_nickname(cmd.arg) && (found.remote != nullptr || registered(cmd.arg))) {
        rule.name = std::string(cmd.arg);
        rule.key = nickname_key(cmd.arg);
      } else {
        tell(id, Event{.kind = Event::Kind::no_such_user, .name = clean(cmd.arg)});
        return;
      }
      enact(rule);
      if (found.local) tell(*found.local, Event{.kind = Event::Kind::invited_you, .name = actor, .room = ch.name});
      tell(id, Event{.kind = Event::Kind::invited, .other = rule.name, .room = ch.name});
      log_.event(*Rendering(renderers_, Event{.kind = Event::Kind::invite_made, .name = actor, .other = rule.name,
                                              .room = ch.name})
                      .canonical());
      return;
    }
    default:
      return;
  }
}

}  // namespace chat
