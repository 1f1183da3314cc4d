// What the chat says, before any protocol: "alice said hi in #rust", "bob
// entered, 3 users online", "that nickname is taken". The core produces
// events and never bytes; a Renderer (core/renderer.h) per wire protocol
// turns each event into the bytes its receivers read (server/classic/ for
// the line protocol).
//
// An Event only borrows: every view points at text owned by the caller and
// is valid during the call that hands the event over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>

#include "base/shared_line.h"

namespace chat {

struct UserInfo;  // core/member.h

struct HistoryEntry;

struct Event {
  enum class Kind : std::uint8_t {
    // Presence, to everyone who should know.
    welcome,        // to the newcomer; count = users online
    entered,        // name entered (into room); count = users online
    left,           // name left the chat; count = users online
    renamed,        // other (the old name) is now name
    joined,         // name joined room; count = users there now
    left_for,       // name left other for room; count = users left behind
    // Said.
    text,    // name said text in room
    action,  // name did text (/me) in room
    // To one user.
    renamed_self,   // you are now name
    private_in,     // name said text to you
    private_out,    // you said text to name (as the recipient is known)
    now_in,         // you are in room; count = users there
    history,        // room's recent lines: the newest `count` of entries, oldest first
    who_all,        // items: everyone online
    who_room,       // items: who is in room
    rooms,          // items: "NAME (N)" for each room
    help,           // the commands
    // Refusals and notices, to one user.
    usage,               // text = the command's synopsis
    unknown_command,     // text = the word
    invalid_nickname,    // name = as asked; text = why
    nickname_in_use,     // name = as asked; other = its owner
    no_such_user,        // name = as asked
    invalid_room_name,   // name = as asked
    too_many_rooms,
    line_too_long,       // count = the limit in bytes
    skipped,             // count = lines this reader missed
    slow_down,           // count = lines dropped by the rate limit
    idle_disconnect,     // count = seconds
    server_full,
    too_many_from_address,
    shutting_down,
    // chatd --cluster.
    cluster_link_lost,
    cluster_link_restored,
    cluster_behind,      // your line reached this node's users only
    nick_pending,
    nick_needs_link,
    nick_claim_failed,
    nick_lost,           // name was taken while the link was down; other = your name now
    // Accounts (docs/PROTOCOL.md "Accounts"); appended, so older kinds keep their values.
    accounts_need_store,
    nickname_first,          // /register without a nickname
    already_registered,      // name
    password_too_short,      // count = the minimum in characters
    registered,              // name: registered to you (and you are logged in)
    logged_in,               // name = the account
    nickname_reclaimed,      // name = the nickname; other = your address name now
    logged_in_elsewhere,     // to the connection a new login of its account replaces
    login_failed,
    too_many_failed_logins,  // count = seconds until the next try
    logged_out,
    not_logged_in,
    password_changed,
    wrong_password,          // /password with a wrong OLD
    nickname_registered,     // name = as asked; other = the account that owns it
    server_busy,             // the password workers' queue is full
    passwords_need_tls,      // count = the TLS port, 0 if the server has none
    account_log,             // the stdout log only: name = address name, text = what, other = the account
    // Issue 24: appended, so the kinds above keep their values.
    whois,               // name is in room since `time`, idle `count` s; text = its account; other = its node if remote
    entered_as,          // the log's "entered" for a guest: name (its address) is other (guest-N); count = online
    no_older_history,    // /history: room has nothing older than what you were shown
    // Moderation (core/moderation_commands.cpp): name = who did it, other =
    // whom it was done to, room = where, text = the reason or the topic.
    op_granted,          // name made other an operator of room
    op_removed,          // name removed other as an operator of room
    topic_set,           // name set the topic: text
    topic_is,            // Topic: text (set by name)
    no_topic,
    kicked,              // name was kicked by other (text: reason, may be empty)
    kicked_you,          // you were kicked from room by other (text)
    banned,              // name banned other from room; count = seconds (0: permanent); text
    unbanned,            // name unbanned other from room
    bans,                // items: the bans of room
    no_bans,             // room
    banned_from_room,    // room
    banned_from_server,
    muted,               // name muted other in room; count = seconds (0: until unmuted)
    unmuted,             // name unmuted other in room
    muted_you,           // room
    invite_only_on,      // name made room invite-only
    invite_only_off,     // name opened room to everyone
    invited_you,         // name invites you to room
    invited,             // you invited other to room
    invite_made,         // the log's line: name invited other to room
    invite_only,         // room is invite-only
    not_operator,        // you are not an operator of room
    not_registered,      // name is not registered
    not_in_room,         // name is not in room
    not_banned,          // name is not banned from room
    not_muted,           // name is not muted in room
    not_an_operator,     // name is not an operator of room
    cannot_moderate,     // name cannot be moderated in room
    room_owned,          // the log's line: name owns room
    // --guest-names: appended, so the kinds above keep their values.
    guest_address,       // to an admin's /whois: name (guest-N) connects from other (IP:PORT)
    // Members in several rooms (the IRC port): appended, so the kinds above keep their values.
    parted,              // name left room (and stays in its other rooms); count = users there now
    not_on_room,         // you are not in room
    notice,              // name said text in room as IRC's NOTICE (which bots never answer); a text for line users
  };

  Kind kind = Kind::text;
  std::string_view name{};
  std::string_view other{};
  std::string_view room{};
  std::string_view text{};
  std::size_t count = 0;
  std::span<const std::string_view> items{};  // who_all, who_room, rooms
  const std::deque<HistoryEntry>* entries = nullptr;  // history
  std::int64_t time = 0;  // whois: connected since (seconds since the epoch)
  // whois of a local user: what it told its protocol (IRC's USER name and
  // real name); null otherwise. Valid while the event is delivered.
  const UserInfo* user = nullptr;
};

// One line of a room's history: when, who, and what was said (text or
// action), rendered again for each replay in the receiver's protocol.
//
// Keeping a line is on the hot path (every line said is kept), so an entry
// allocates nothing when it can help it: given the line as the canonical
// protocol rendered it, and that line holds the name and the text verbatim
// (the classic "[NAME] TEXT\n" does), the entry shares that line and
// remembers where they are. Otherwise it copies them into a pooled buffer.
class HistoryEntry {
 public:
  HistoryEntry(std::int64_t time, Event::Kind kind, std::string_view name, std::string_view text,
               const SharedLine& rendered = {});

  [[nodiscard]] std::int64_t time() const noexcept { return time_; }
  [[nodiscard]] Event::Kind kind() const noexcept { return kind_; }
  [[nodiscard]] std::string_view name() const noexcept { return std::string_view(*buffer_).substr(name_at_, name_size_); }
  [[nodiscard]] std::string_view text() const noexcept { return std::string_view(*buffer_).substr(text_at_, text_size_); }

 private:
  std::int64_t time_;  // seconds since the epoch
  Event::Kind kind_;
  std::uint32_t name_at_ = 0, name_size_ = 0, text_at_ = 0, text_size_ = 0;
  SharedLine buffer_;  // holds the name and the text (sanitized)
};

}  // namespace chat
