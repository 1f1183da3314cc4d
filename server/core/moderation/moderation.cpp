#include "core/moderation/moderation.h"

#include "core/moderation/address_key.h"
#include "nickname.h"
#include "room_name.h"

namespace chat {

Moderation::Moderation(std::string default_room) : default_key_(room_key(default_room)) {}

void Moderation::set_admins(const std::vector<std::string>& accounts) {
  admins_.clear();
  for (const std::string& a : accounts) admins_.insert(nickname_key(a));
}

bool Moderation::is_admin(std::string_view account) const {
  return !account.empty() && !admins_.empty() && admins_.contains(nickname_key(account));
}

std::string Moderation::account_key(std::string_view account) { return "a:" + nickname_key(account); }

std::string Moderation::address_key(std::string_view host) {
  const std::optional<std::string> key = ban_address_key(host);
  return key ? "h:" + *key : std::string();
}

bool Moderation::apply(const ModerationRule& r) {
  using Kind = ModerationRule::Kind;
  const std::string key = room_key(r.room);
  const bool is_default = key == default_key_;
  if (r.removed && !rooms_.contains(key)) return false;
  RoomRules& rules = rooms_[key];
  if (rules.room.empty()) rules.room = r.room;
  bool changed = true;
  switch (r.kind) {
    case Kind::owner:
      if (is_default) break;  // the default room has no owner
      changed = rules.owner != (r.removed ? std::string() : r.name);
      rules.owner = r.removed ? std::string() : r.name;
      break;
    case Kind::op:
      if (r.removed) {
        changed = rules.operators.erase(r.key) > 0;
      } else {
        rules.operators[r.key] = r.name;
      }
      break;
    case Kind::topic:
      rules.topic = r.removed ? std::string() : r.text;
      rules.topic_by = r.removed ? std::string() : r.by;
      break;
    case Kind::invite_only:
      changed = rules.invite_only == r.removed;
      rules.invite_only = !r.removed;
      if (r.removed) rules.invited.clear();
      break;
    case Kind::invite:
      if (r.removed) {
        changed = rules.invited.erase(r.key) > 0;
      } else {
        rules.invited[r.key] = r.name;
      }
      break;
    case Kind::ban:
    case Kind::mute: {
      auto& list = r.kind == Kind::ban ? rules.bans : rules.mutes;
      const bool address_ban = is_default && r.kind == Kind::ban && r.key.starts_with("h:");
      if (r.removed) {
        changed = list.erase(r.key) > 0;
        if (changed && address_ban) --server_address_bans_;
      } else {
        const auto [it, added] = list.insert_or_assign(r.key, Restriction{r.name, r.by, r.text, r.until});
        if (added && address_ban) ++server_address_bans_;
      }
      break;
    }
  }
  if (rules.empty()) rooms_.erase(key);
  return changed;
}

const RoomRules* Moderation::find(std::string_view room) const {
  if (rooms_.empty()) return nullptr;
  const auto it = rooms_.find(room_key(room));
  return it != rooms_.end() ? &it->second : nullptr;
}

bool Moderation::is_room_operator(std::string_view room, std::string_view account) const {
  if (account.empty()) return false;
  const RoomRules* rules = find(room);
  if (rules == nullptr) return false;
  return (!rules->owner.empty() && nickname_key(rules->owner) == nickname_key(account)) ||
         rules->operators.contains(nickname_key(account));
}

bool Moderation::is_operator(std::string_view room, std::string_view account) const {
  return is_admin(account) || is_room_operator(room, account);
}

bool Moderation::has_owner(std::string_view room) const {
  const RoomRules* rules = find(room);
  return rules != nullptr && !rules->owner.empty();
}

bool Moderation::is_default_room(std::string_view room) const { return room_key(room) == default_key_; }

const Restriction* Moderation::match(const std::map<std::string, Restriction>& list, std::string_view account,
                                     std::string_view host, std::int64_t now) {
  if (list.empty()) return nullptr;
  if (!account.empty()) {
    const auto it = list.find(account_key(account));
    if (it != list.end() && it->second.active(now)) return &it->second;
  }
  if (!host.empty()) {
    const auto it = list.find(address_key(host));
    if (it != list.end() && it->second.active(now)) return &it->second;
  }
  return nullptr;
}

const Restriction* Moderation::banned(std::string_view room, std::string_view account, std::string_view host,
                                      std::int64_t now) const {
  const RoomRules* rules = find(room);
  return rules != nullptr ? match(rules->bans, account, host, now) : nullptr;
}

const Restriction* Moderation::muted(std::string_view room, std::string_view account, std::string_view host,
                                     std::int64_t now) const {
  const RoomRules* rules = find(room);
  return rules != nullptr ? match(rules->mutes, account, host, now) : nullptr;
}

bool Moderation::server_banned_address(std::string_view host, std::int64_t now) const {
  if (server_address_bans_ == 0) return false;
  const auto it = rooms_.find(default_key_);
  return it != rooms_.end() && match(it->second.bans, {}, host, now) != nullptr;
}

bool Moderation::server_banned_account(std::string_view account, std::int64_t now) const {
  if (rooms_.empty() || account.empty()) return false;
  const auto it = rooms_.find(default_key_);
  return it != rooms_.end() && match(it->second.bans, account, {}, now) != nullptr;
}

bool Moderation::invited(std::string_view room, std::string_view account, std::string_view name) const {
  const RoomRules* rules = find(room);
  if (rules == nullptr) return false;
  return (!account.empty() && rules->invited.contains(nickname_key(account))) ||
         rules->invited.contains(nickname_key(name));
}

std::vector<ModerationRule> Moderation::expire(std::string_view room, std::int64_t now) {
  std::vector<ModerationRule> gone;
  const auto it = rooms_.find(room_key(room));
  if (it == rooms_.end()) return gone;
  RoomRules& rules = it->second;
  for (auto* list : {&rules.bans, &rules.mutes}) {
    for (auto e = list->begin(); e != list->end();) {
      if (e->second.active(now)) {
        ++e;
        continue;
      }
      ModerationRule r;
      r.kind = list == &rules.bans ? ModerationRule::Kind::ban : ModerationRule::Kind::mute;
      r.removed = true;
      r.room = rules.room;
      r.key = e->first;
      gone.push_back(std::move(r));
      ++e;
    }
  }
  for (const ModerationRule& r : gone) apply(r);
  return gone;
}

std::vector<ModerationRule> Moderation::rules() const {
  using Kind = ModerationRule::Kind;
  std::vector<ModerationRule> out;
  for (const auto& [key, rules] : rooms_) {
    const auto add = [&](Kind kind) -> ModerationRule& {
      ModerationRule& r = out.emplace_back();
      r.kind = kind;
      r.room = rules.room;
      return r;
    };
    if (!rules.owner.empty()) add(Kind::owner).name = rules.owner;
    for (const auto& [k, name] : rules.operators) {
      ModerationRule& r = add(Kind::op);
      r.key = k;
      r.name = name;
    }
    if (!rules.topic.empty()) {
      ModerationRule& r = add(Kind::topic);
      r.text = rules.topic;
      r.by = rules.topic_by;
    }
    if (rules.invite_only) add(Kind::invite_only);
    for (const auto& [k, name] : rules.invited) {
      ModerationRule& r = add(Kind::invite);
      r.key = k;
      r.name = name;
    }
    for (const auto* list : {&rules.bans, &rules.mutes}) {
      for (const auto& [k, x] : *list) {
        ModerationRule& r = add(list == &rules.bans ? Kind::ban : Kind::mute);
        r.key = k;
        r.name = x.name;
        r.by = x.by;
        r.text = x.reason;
        r.until = x.until;
      }
    }
  }
  return out;
}

}  // namespace chat
