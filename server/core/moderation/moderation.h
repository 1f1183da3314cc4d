// The rules of every room, pure state (no clock of its own: every question
// that depends on time is given `now`): who owns a room and who operates
// it, its topic, whether it is invite-only and who is invited, who is
// banned or muted there and until when; and the admins, who moderate every
// room. The default room has no owner, and its bans are server-wide.
//
// Everything changes through apply(ModerationRule), whether the rule comes
// from a command here, the store at start-up or another node of a cluster,
// so the three cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/moderation/rule.h"

namespace chat {

// A ban or a mute.
struct Restriction {
  std::string name;        // as shown: the account or the address (IPv6: its /64)
  std::string by;
  std::string reason;
  std::int64_t until = 0;  // 0: permanent
  [[nodiscard]] bool active(std::int64_t now) const noexcept { return until == 0 || now < until; }
};

struct RoomRules {
  std::string room;   // as spelled
  std::string owner;  // the owning account as shown; empty: none
  std::map<std::string, std::string> operators;  // account key -> as shown
  std::string topic, topic_by;
  bool invite_only = false;
  std::map<std::string, std::string> invited;  // account or nickname key -> as shown
  std::map<std::string, Restriction> bans;     // "a:KEY" / "h:ADDRESS" -> ban
  std::map<std::string, Restriction> mutes;

  [[nodiscard]] bool empty() const noexcept {
    return owner.empty() && operators.empty() && topic.empty() && !invite_only && invited.empty() &&
           bans.empty() && mutes.empty();
  }
};

class Moderation {
 public:
  explicit Moderation(std::string default_room = "#lobby");

  // --admin: accounts that moderate every room.
  void set_admins(const std::vector<std::string>& accounts);
  [[nodiscard]] bool is_admin(std::string_view account) const;

  // The keys a member is matched by: its account ("a:" + nickname_key),
  // and its address ("h:" + ban_address_key of the host).
  [[nodiscard]] static std::string account_key(std::string_view account);
  [[nodiscard]] static std::string address_key(std::string_view host);

  // Applies a rule (or its removal). Returns false if it changed nothing.
  bool apply(const ModerationRule& rule);

  [[nodiscard]] const RoomRules* find(std::string_view room) const;
  // Whether nothing at all is set: the plain path's one check.
  [[nodiscard]] bool empty() const noexcept { return rooms_.empty(); }

  // The owner, an operator of `room` or an admin.
  [[nodiscard]] bool is_operator(std::string_view room, std::string_view account) const;
  // The owner or an operator of `room` (shown as @name; admins are not).
  [[nodiscard]] bool is_room_operator(std::string_view room, std::string_view account) const;
  [[nodiscard]] bool has_owner(std::string_view room) const;
  [[nodiscard]] bool is_default_room(std::string_view room) const;

  // The ban or mute in force in `room` for a member logged in as `account`
  // (empty: none) connecting from `host` (empty: unknown), if any.
  [[nodiscard]] const Restriction* banned(std::string_view room, std::string_view account, std::string_view host,
                                          std::int64_t now) const;
  [[nodiscard]] const Restriction* muted(std::string_view room, std::string_view account, std::string_view host,
                                         std::int64_t now) const;
  // Server-wide (the default room's) bans of an address, for the accept
  // check; false at once while there are none.
  [[nodiscard]] bool server_banned_address(std::string_view host, std::int64_t now) const;
  [[nodiscard]] bool has_server_address_bans() const noexcept { return server_address_bans_ > 0; }
  [[nodiscard]] bool server_banned_account(std::string_view account, std::int64_t now) const;
  [[nodiscard]] bool invited(std::string_view room, std::string_view account, std::string_view name) const;

  // Drops the bans and mutes of `room` that expired by `now`; returns them
  // as removal rules (for the store).
  std::vector<ModerationRule> expire(std::string_view room, std::int64_t now);

  // Every rule in force, for a snapshot.
  [[nodiscard]] std::vector<ModerationRule> rules() const;

 private:
  [[nodiscard]] static const Restriction* match(const std::map<std::string, Restriction>& list,
                                                std::string_view account, std::string_view host, std::int64_t now);

  std::string default_key_;
  std::unordered_set<std::string> admins_;  // account keys
  std::unordered_map<std::string, RoomRules> rooms_;  // room_key -> rules
  std::size_t server_address_bans_ = 0;  // "h:" entries in the default room's bans
};

}  // namespace chat
