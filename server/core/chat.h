// The chat: who is here under which name (core/directory.h), in which room
// with which history (core/channels.h), and what each command does
// (core/commands.cpp). With --cluster, the same chat spans several nodes
// (core/cluster_sync.cpp).
//
// Pure: it sees framed lines and produces events (core/event.h), which it
// hands to each receiver rendered in that receiver's protocol
// (core/renderer.h): one shared line per protocol, whatever the number of
// receivers. It never touches a socket and holds no protocol text, so
// every rule of docs/PROTOCOL.md is unit-tested without the network, and a
// new protocol is a new renderer and parser, not a branch here. Members are
// identified by small ids that the chat hands out and reuses. Every member
// sits in exactly one named room ("#lobby" by default), which scopes text,
// /me, joins, leaves, nick changes and the recent history.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/server_log.h"
#include "base/shared_line.h"
#include "command.h"
#include "core/accounts.h"
#include "core/bus.h"
#include "core/channels.h"
#include "core/directory.h"
#include "core/event.h"
#include "core/history_sink.h"
#include "core/member.h"
#include "core/password_hasher.h"
#include "core/moderation/moderation.h"
#include "core/moderation/moderation_sink.h"
#include "core/renderer.h"
#include "core/room_config.h"

namespace chat {

class Chat {
 public:
  using MemberId = Directory::MemberId;

  // `renderers` (not owned) render every event; its canonical protocol's
  // text is what `log` prints and the history sink keeps.
  Chat(ServerLog& log, const Renderers& renderers, RoomConfig config = {});

  // Persists every kept history line to `sink` from now on; rooms with
  // history then outlive their last member. Not owned.
  void set_history_sink(HistorySink* sink) { sink_ = sink; }
  // Adds one line of history (as the store kept it: the canonical
  // protocol's text) to `room`, creating it; an invalid room name, or a
  // line the canonical renderer cannot read back, is ignored.
  void restore_history(std::string_view room, std::int64_t time, std::string_view line);

  // Adds a member known as `address_name` (its IP:PORT) until it picks a
  // nickname, in the default room: sends it the welcome and the room's
  // recent history, everyone else there the "entered" event. With
  // `announce` false (a join storm, see JoinGate) that event waits until
  // the member's first line, and a member that leaves unannounced leaves
  // silently; the log has both lines either way.
  // With `multi` (the IRC port) the member may be in several rooms and
  // starts in none: no history, nobody told; it enters rooms with
  // Command::Kind::enter and leaves them with Command::Kind::leave.
  MemberId join(Member& member, std::string address_name, bool announce = true, bool multi = false);

  // Removes a member: everyone left in its room is told.
  void leave(MemberId id);

  enum class Outcome { stay, quit, wait };
  // Handles what a member asked for, as its protocol's parser read it
  // (common/command.h: a protocol is a parser to Commands and a Renderer of
  // Events). `quit` means the member asked to leave (the caller calls
  // leave() and closes after flushing). `wait` (only with a cluster Bus)
  // means the answer depends on Redis (a /nick claim): the caller hands
  // this member no further command until the chat calls Member::resume(),
  // so its commands take effect in the order sent.
  Outcome handle(MemberId id, const Command& command);
  // handle() of one line of the classic line protocol (parse_command).
  Outcome handle_line(MemberId id, std::string_view line) { return handle(id, parse_command(line)); }

  // Sends `event` to one member / to every member of this node.
  void tell(MemberId id, const Event& event);
  void tell_everyone(const Event& event);

  // --- chatd --cluster (core/bus.h). Not owned; set before anyone joins.
  void set_bus(Bus* bus);
  // Another node's event (never one of this node's own).
  void apply_remote(const ClusterEvent& event);
  // The answer to Bus::claim_nickname() for `user`'s claim of `name`.
  void on_claim(std::uint64_t user, std::string_view name, ClaimResult result, std::string_view owner);
  // The link is gone: remote users are forgotten, local users told once.
  void on_link_lost();
  // The link is back and the mirror reloaded: local users are told.
  void on_link_restored();
  // Drops the remote users of `node` (all nodes but this one when empty).
  void forget_remote(std::string_view node = {}) { directory_.forget_remote(node); }
  // Adds or replaces a remote user (a snapshot entry).
  void add_remote(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room) {
    directory_.add_remote(node, user, name, room);
  }
  // A reaped node's user: removed, its "left" event delivered here and
  // logged; returns the event that tells the other nodes.
  ClusterEvent remote_left(std::string_view node, std::uint64_t user, std::string_view name, std::string_view room);
  // After a restore: `user` lost nickname `name` to someone who claimed it
  // while the link was down; it goes back to its address name.
  void revoke_nickname(std::uint64_t user, std::string_view name);
  struct LocalUser {
    std::uint64_t user;
    std::string_view name;
    std::string_view room;
    bool named;  // has a nickname (not its IP:PORT)
  };
  // This node's users, for republishing presence.
  [[nodiscard]] std::vector<LocalUser> local_users() const;

  // --- accounts and rules over --cluster (core/account_sync.cpp,
  // core/moderation_sync.cpp; docs/CLUSTER.md "Accounts and moderation")
  // The answer to Bus::register_account() for `user`'s registration of `name`.
  void on_account_claim(std::uint64_t user, std::string_view name, std::string_view hash, ClaimResult result);
  // An account as the cluster holds it: kept, and stored with --store, if new or changed.
  void learn_account(std::string_view name, std::string_view hash);
  // The rules as the cluster holds them (each a rule event): applied, and
  // those in force here but not among them lifted.
  void load_rules(const std::vector<ClusterEvent>& rules);
  // Every rule in force here, as events (to seed a Redis that lost them).
  [[nodiscard]] std::vector<ClusterEvent> rule_events() const;

  // --- accounts (core/account_commands.cpp). Not owned; set before anyone
  // joins. Without a hasher, /register and /login are refused.
  void set_accounts(PasswordHasher* hasher, AccountSink* sink, AccountConfig config);
  // Adds or replaces an account as the store or the cluster kept it.
  void restore_account(std::string_view name, std::string_view hash) {
    accounts_.put(std::string(name), std::string(hash));
  }
  // The answer to a PasswordHasher job; resumes the member that waits for it.
  void on_password(PasswordResult result);
  [[nodiscard]] const Accounts& accounts() const noexcept { return accounts_; }

  // Users online: here, plus those of other nodes in a cluster.
  [[nodiscard]] std::size_t online() const { return directory_.online(); }
  [[nodiscard]] std::size_t room_count() const { return channels_.size(); }
  // This node's users by the protocol they speak: counts[p] += the users of
  // ProtocolId p (ids past the span are not counted). A walk over them, for
  // a scrape, so that the plain path keeps no count of its own.
  void count_local_by_protocol(std::span<std::uint64_t> counts) const {
    for (const MemberId id : directory_.local()) {
      const ProtocolId p = directory_[id].member->protocol();
      if (p < counts.size()) ++counts[p];
    }
  }
  [[nodiscard]] const std::string& name_of(MemberId id) const { return directory_[id].name; }
  // IRC's WHO: the users `mask` names: a room's members ("#room", with
  // whether each operates it), everyone ("*"), or nicknames matching a
  // mask ("*" any run of characters, ASCII case ignored); local users only.
  struct WhoEntry {
    std::string_view name;
    std::string_view room;  // the room listed, or empty
    UserInfo info;
    bool op = false;
  };
  [[nodiscard]] std::vector<WhoEntry> who(std::string_view mask) const;
  // What IRC users are shown when `id` leaves (its QUIT message).
  void set_quit_reason(MemberId id, std::string_view reason) { directory_[id].quit_reason = clean(reason); }
  // Whether `id` is in `room` (a member in several rooms: any of them).
  [[nodiscard]] bool is_in_room(MemberId id, std::string_view room) const;

  // --- moderation (core/moderation_commands.cpp, docs/PROTOCOL.md "Moderation")
  // --admin: accounts that moderate every room once logged in.
  void set_admins(const std::vector<std::string>& accounts) { moderation_.set_admins(accounts); }
  // Persists every rule made or lifted to `sink` from now on. Not owned.
  void set_moderation_sink(ModerationSink* sink) { moderation_sink_ = sink; }
  // Whether `name` is a registered account (the accounts registry); until
  // one is set, only members logged in now count.
  void set_registered_check(std::function<bool(std::string_view)> check) { registered_ = std::move(check); }
  // A rule as the store kept it (at start-up): applied, not stored again.
  void restore_moderation(const ModerationRule& rule);
  [[nodiscard]] const Moderation& moderation() const noexcept { return moderation_; }
  // Whether the server bans `account` (an admin's ban in the default room):
  // a login as it is refused with "! you are banned from this server".
  [[nodiscard]] bool server_banned_account(std::string_view account) const {
    return moderation_.server_banned_account(account, now());
  }
  // Whether the server bans connections from `host` (its IP address).
  [[nodiscard]] bool server_banned_address(std::string_view host) const {
    return moderation_.has_server_address_bans() && moderation_.server_banned_address(host, now());
  }
  // `id` is logged in as `account` from now on (empty: logged out). The
  // accounts' /login calls it; unit tests call it directly.
  void set_account(MemberId id, std::string account) { directory_[id].account = std::move(account); }

 private:
  using Seat = Directory::Seat;

  // What a member says is at most --max-line bytes as it arrives; replacing
  // invalid bytes by U+FFFD (three bytes each) may grow it up to threefold,
  // so after sanitizing it is cut, at a character boundary, to --max-line
  // plus this slack: a line with a few bad bytes passes whole, a line of
  // 0xFF bytes does not triple (docs/SECURITY.md).
  static constexpr std::size_t kSanitizeSlack = 64;
  [[nodiscard]] std::size_t max_text() const noexcept { return config_.max_line + kSanitizeSlack; }
  // sanitize_text(in) cut to max_text(): for text and names echoed back.
  [[nodiscard]] std::string clean(std::string_view in) const;

  // --- delivery (core/chat.cpp)
  // `event` to every member of `ch` but `except`.
  static constexpr MemberId kNobody = ~MemberId{0};
  void broadcast(const Channel& ch, Rendering& rendering, MemberId except = kNobody);
  void log_event(Rendering& rendering) { log_.event(*rendering.canonical()); }
  // The text and /me path: to the sender's room and into its history.
  void say(MemberId id, Event::Kind kind, std::string_view text);
  // Keeps a said line in `ch`'s history (and the store).
  void remember(Channel& ch, Event::Kind kind, std::string_view name, std::string_view text, Rendering& rendering);
  void send_history(MemberId id);
  void announce(MemberId id);
  MemberId join_multi(Member& member, std::string address_name);
  // Users in `ch`: here, plus other nodes' users in a cluster.
  [[nodiscard]] std::size_t here(const Channel& ch) const;
  [[nodiscard]] std::int64_t now() const;

  // --- commands (core/commands.cpp)
  void rename(MemberId id, std::string_view requested);
  void apply_rename(MemberId id, std::string_view requested);
  void send_private(MemberId id, std::string_view target, std::string_view text);
  void send_who(MemberId id, std::string_view arg);
  void send_rooms(MemberId id);
  void send_list(MemberId id, Event::Kind kind, std::string_view room, std::span<const std::string_view> items);
  void move(MemberId id, std::string_view room);
  // /join's and JOIN's check of a room name: refuses an empty or invalid
  // one to `id` and says so.
  bool refused_room_name(MemberId id, std::string_view room);

  // --- members in several rooms (core/rooms_many.cpp)
  // The most rooms one member is in at once (ISUPPORT CHANLIMIT).
  static constexpr std::size_t kMaxRoomsPerMember = 20;
  // `rendering` to everyone in `seat`'s rooms but `except`, once each.
  void broadcast_seat(const Seat& seat, Rendering& rendering, MemberId except);
  // Makes `room` the room `id` acts in (Seat::channel); tells it if it is
  // not in it and returns false.
  bool focus(MemberId id, std::string_view room);
  // IRC's JOIN and PART.
  void enter(MemberId id, std::string_view room);
  void part(MemberId id, std::string_view room, std::string_view reason);
  // Takes `id` out of `ch`, one of its rooms; its next room becomes its own.
  void drop_room(MemberId id, Channel& ch);
  // Takes a removed seat out of every room it was in.
  void leave_rooms(const Seat& seat, MemberId id);
  [[nodiscard]] static bool in_room(const Seat& seat, const Channel& ch);
  // The room of `seat` whose room_key is `key`, or null.
  [[nodiscard]] static Channel* room_with_key(const Seat& seat, std::string_view key);

  // --- IRC habits (core/irc_commands.cpp): /join without "#", /whois
  void join_room(MemberId id, std::string_view room);
  void send_whois(MemberId id, std::string_view name);

  // --- /history [N] (core/history_pages.cpp)
  void send_older(MemberId id, std::string_view arg);

  // --- --guest-names (core/guest_names.cpp)
  // Names `id` guest-N (the smallest N free) and logs its address with it.
  void name_guest(MemberId id);
  // `id` leaves or takes a nickname: its N is free again.
  void release_guest(Seat& seat);
  // Whether `name` is a guest-N name, which only chatd gives.
  [[nodiscard]] bool is_guest_name(std::string_view name) const;
  void refuse(MemberId id, Event::Kind kind, std::string_view name = {}, std::string_view text = {},
              std::string_view other = {});

  // --- accounts (core/account_commands.cpp); each returns whether the
  // member now waits for a password check.
  bool register_account(MemberId id, std::string_view password);
  bool login(MemberId id, std::string_view name, std::string_view password);
  void logout(MemberId id);
  bool change_password(MemberId id, std::string_view old_password, std::string_view new_password);
  // Whether `id` may send a password here (the TLS rule); tells it if not.
  bool passwords_allowed(MemberId id);
  // Whether `requested` is registered to another account than `id`'s; tells it.
  bool reserved(MemberId id, std::string_view requested);
  bool submit(MemberId id, Accounts::What what, std::string name, PasswordJob job);
  void finish_login(MemberId id, const std::string& account);
  // `id` goes back to its address name (told as `notice`, or not at all).
  void to_address_name(MemberId id, std::optional<Event::Kind> notice);
  void log_account(MemberId id, std::string_view what, std::string_view account);
  void leave_accounts(const Seat& seat, MemberId id);
  // --- moderation (core/moderation_commands.cpp)
  void moderate(MemberId id, const Command& command);
  // Whether `id` may moderate `ch`; if not it is told so.
  bool may_moderate(MemberId id, const Channel& ch);
  // Applies `rule` here, keeps it (store) and sends it to the other nodes.
  void enact(ModerationRule rule);
  // Another node's rule (ClusterEvent::Kind::rule): applied, kept, enforced.
  void apply_remote_rule(const ClusterEvent& event);
  // What a rule does to this node's members (a ban kicks them).
  void enforce(const ModerationRule& rule);
  // `target` leaves `ch` kicked by `by`: to the default room, or out of
  // the chat from the default room.
  void kick(MemberId target, Channel& ch, std::string_view by, std::string_view reason);
  // Takes `id` out of the chat without the "left" line (it was told why).
  void expel(MemberId id, DropReason why);
  // The /join checks: bans and invite-only. Refuses and returns false.
  bool may_enter(MemberId id, std::string_view room);
  // A logged-in member created `ch`: it owns it.
  void claim_room(MemberId id, Channel& ch);
  // "> Topic: ..." on entering, if the room has one.
  void send_topic(MemberId id, const Channel& ch);
  // /who: "@name" for the owner and operators of `ch`.
  void mark_operators(const Channel& ch, std::span<const MemberId> who, std::vector<std::string_view>& names,
                      std::deque<std::string>& marked) const;
  // Moves `id` to `to`, telling `from` it left unless `quietly`.
  void switch_room(MemberId id, Channel& to, bool quietly);
  struct Target {
    std::string key;    // Moderation::account_key / address_key
    std::string shown;  // the account, or the address (IPv6: its /64)
    std::optional<MemberId> local;
    std::string account;  // if the target is an account
  };
  // NAME|ADDRESS as /ban and /mute read it; refuses and returns nullopt.
  std::optional<Target> resolve_target(MemberId id, std::string_view name);
  [[nodiscard]] bool registered(std::string_view name) const;
  [[nodiscard]] std::string_view host_of(const Seat& seat) const;

  // --- accounts, kicks and marks over --cluster (core/account_sync.cpp,
  // core/moderation_sync.cpp)
  void apply_remote_account(const ClusterEvent& event);
  void apply_remote_kick(const ClusterEvent& event);
  // Tells the other nodes about the account `name` ('L' logged in, 'F' a
  // failed login from `host`: core/bus.h).
  void publish_account(char what, MemberId id, std::string_view name, std::string_view host = {});
  // The local end of a registration Redis accepted (or of one without a cluster).
  void complete_registration(MemberId id, const std::string& name, const std::string& hash);
  // Asks `target`'s node to kick it from `ch`.
  void ask_kick(const Directory::RemoteUser& target, const Channel& ch, std::string_view by, std::string_view reason);
  // Tells the other nodes `seat` was kicked from `ch`.
  void announce_kick(const Seat& seat, const Channel& ch, std::string_view by, std::string_view reason);
  // `name` of another node's user as /who of `ch` shows it: "@name" for
  // the owner and operators (a registered name is logged in as itself).
  [[nodiscard]] std::string_view remote_mark(const Channel& ch, std::string_view name,
                                             std::deque<std::string>& marked) const;

  // --- cluster (core/cluster_sync.cpp)
  void publish(ClusterEvent event);
  // Publishes a line `id` said; tells it once if Redis is too far behind.
  bool publish_said(MemberId id, ClusterEvent event);
  [[nodiscard]] ClusterEvent presence(ClusterEvent::Kind kind, const Seat& seat) const;
  // `event` to this node's members of `room`, if any.
  void deliver_in(std::string_view room, const Event& event);

  ServerLog& log_;
  const Renderers& renderers_;
  RoomConfig config_;
  HistorySink* sink_ = nullptr;
  Directory directory_;
  Channels channels_;
  std::string scratch_;  // a said line's sanitized text, reused
  std::vector<unsigned> free_guests_;  // --guest-names: numbers given back, a min-heap
  unsigned guests_top_ = 0;            // the highest number handed out
  Moderation moderation_;
  ModerationSink* moderation_sink_ = nullptr;
  std::function<bool(std::string_view)> registered_;

  // Accounts: off without a hasher.
  Accounts accounts_;
  PasswordHasher* hasher_ = nullptr;
  AccountSink* account_sink_ = nullptr;
  AccountConfig account_config_;

  // --cluster
  Bus* bus_ = nullptr;
  std::uint64_t next_serial_ = 1;
};

}  // namespace chat
