// Every line chatd sends, in one place: these exact bytes are the protocol's
// contract (docs/PROTOCOL.md) and scripts match them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::msg {

// "1 user online", "0 user online", "2 users online".
std::string users_online(std::size_t n);

// Each returns the whole line including its "\n".
std::string welcome(std::size_t online);
std::string entered(std::string_view name, std::size_t online);
std::string left(std::string_view name, std::size_t online);
std::string text(std::string_view name, std::string_view text);
// Appends "[NAME] TEXT\n" to `out` with TEXT sanitized (common/utf8.h).
void append_text(std::string& out, std::string_view name, std::string_view raw_text);
std::string action(std::string_view name, std::string_view text);
std::string private_to_recipient(std::string_view sender, std::string_view text);
// The sender's confirmation, "[You -> NAME] TEXT": NAME as the recipient
// is known (not as typed), so the sender sees who got it.
std::string private_to_sender(std::string_view recipient, std::string_view text);
std::string renamed_self(std::string_view new_name);
std::string renamed_other(std::string_view old_name, std::string_view new_name);
// A list reply split into lines of at most `max_line` bytes before the
// "\n": the first line starts with `header` ("> Online (3): "), each line
// but the last ends with "," and each continuation line starts with
// kListContinuation. Names are never split; a name longer than a line gets
// a line of its own. The rooms list and room members reuse it.
inline constexpr std::string_view kListContinuation = ">   ";
std::vector<std::string> list_lines(std::string_view header, std::span<const std::string_view> names,
                                    std::size_t max_line);
std::string online_header(std::size_t count);
// /help; with `accounts` (a server with --store or --cluster) the account
// and moderation commands follow the classic list (docs/PROTOCOL.md "/help").
std::string help(bool accounts = false);

// Rooms (docs/PROTOCOL.md "Rooms"). ROOM includes its "#".
// "1 user here", "0 user here", "2 users here".
std::string users_here(std::size_t n);
std::string left_for(std::string_view name, std::string_view room, std::size_t here);
std::string parted(std::string_view name, std::string_view room, std::size_t here);
std::string not_on_room(std::string_view room);
std::string joined(std::string_view name, std::string_view room, std::size_t here);
std::string now_in(std::string_view room, std::size_t here);
// List headers, for list_lines: "> In #ROOM (N): " (`/who`) and
// "> Rooms (K): " (`/rooms`, items "#ROOM (N)").
std::string room_header(std::string_view room, std::size_t count);
std::string rooms_header(std::size_t count);
std::string invalid_room_name(std::string_view name);
std::string too_many_rooms();
// History replay: the header, then each line as it was sent prefixed with
// "HH:MM ", then the end line.
std::string history_begin(std::size_t count);
std::string history_end();
// Appends "HH:MM " of `time` (seconds since the epoch), UTC or local.
void append_clock(std::string& out, std::int64_t time, bool local);
// A replayed line's time: "HH:MM " if `time` is on the same day as `now`
// (in UTC or local time), else "YYYY-MM-DD HH:MM ".
void append_stamp(std::string& out, std::int64_t time, std::int64_t now, bool local);

// "! nickname in use: NEW", or with " (looks like OWNER)" when the owner's
// name is not NEW up to ASCII case (a confusable: Cyrillic "а", full width...).
std::string nickname_in_use(std::string_view name, std::string_view owner);
// "! invalid nickname: NEW (WHY)", e.g. "(spaces not allowed)".
std::string invalid_nickname(std::string_view name, std::string_view why);
std::string no_such_user(std::string_view name);
std::string unknown_command(std::string_view word);
std::string usage(std::string_view synopsis);
std::string line_too_long(std::size_t max_bytes);
std::string skipped(std::size_t count);
std::string server_full();
std::string too_many_from_address();
std::string slow_down(std::size_t dropped);
std::string idle_disconnect(unsigned seconds);
std::string shutting_down();

// chatd --cluster (docs/PROTOCOL.md "Clusters").
std::string cluster_link_lost();      // "! cluster link lost: local users only"
std::string cluster_link_restored();  // "> cluster link restored"
std::string cluster_behind();         // a line that reached this node's users only
// A second /nick before the first is answered. chatd's reactor never hands
// the Chat one (it pauses the connection on Chat::Outcome::wait); kept for
// a caller of the Chat that does not pause.
std::string nick_pending();
std::string nick_needs_link();        // /nick while the link is down
std::string nick_claim_failed();      // the link went down before the answer
// A nickname someone else claimed while this node's link was down.
std::string nick_lost(std::string_view name, std::string_view now_called);

// Accounts (docs/PROTOCOL.md "Accounts").
std::string accounts_need_store();
std::string nickname_first();
std::string already_registered(std::string_view name);
std::string password_too_short(std::size_t minimum);
std::string registered(std::string_view name);
std::string logged_in(std::string_view name);
std::string nickname_reclaimed(std::string_view name, std::string_view now_called);
std::string logged_in_elsewhere();
std::string login_failed();
std::string too_many_failed_logins(std::size_t seconds);
std::string logged_out();
std::string not_logged_in();
std::string password_changed();
std::string wrong_password();
std::string nickname_registered(std::string_view name, std::string_view account);
std::string server_busy();
// "! passwords only over TLS: port N", or "...: this server has none" for 0.
std::string passwords_need_tls(std::size_t tls_port);
// The stdout log: "> 127.0.0.1:PORT logged in as alice" (what = "logged in as").
std::string account_log(std::string_view address, std::string_view what, std::string_view account);
// /history with nothing older: "> No older messages in #ROOM".
std::string no_older_history(std::string_view room);
// --guest-names, in the log only: "> New user ADDR entered as guest-N (N users online)".
std::string entered_as(std::string_view address, std::string_view guest, std::size_t online);
// /whois NAME (issue 24): "> NAME is in #ROOM, connected since
// 2026-12-07 17:02 UTC, idle 3 min" (the zone's abbreviation with `local`);
// for a user of another node, "> NAME is in #ROOM (on node NODE)".
// A logged-in user's line ends ", logged in as ACCOUNT".
std::string whois(std::string_view name, std::string_view room, std::int64_t since, std::size_t idle_seconds,
                  bool local, std::string_view account = {});
// --guest-names, to an admin: "> guest-3 connects from 127.0.0.1:4242".
std::string guest_address(std::string_view guest, std::string_view address);
std::string whois_remote(std::string_view name, std::string_view room, std::string_view node);
// "42 s", "3 min", "2 h 5 min".
std::string duration(std::size_t seconds);
// Moderation (docs/PROTOCOL.md "Moderation"). BY did it, WHO had it done.
std::string op_granted(std::string_view by, std::string_view who, std::string_view room);
std::string op_removed(std::string_view by, std::string_view who, std::string_view room);
std::string topic_set(std::string_view by, std::string_view topic);
std::string topic_is(std::string_view topic, std::string_view by);
std::string no_topic();
// "< WHO was kicked by BY (REASON)"; without " (REASON)" when it is empty.
std::string kicked(std::string_view who, std::string_view by, std::string_view reason);
std::string kicked_you(std::string_view room, std::string_view by, std::string_view reason);
// "> BY banned WHO from ROOM for 2h (REASON)": no " for ..." when permanent.
std::string banned(std::string_view by, std::string_view who, std::string_view room, std::int64_t seconds,
                   std::string_view reason);
std::string unbanned(std::string_view by, std::string_view who, std::string_view room);
std::string bans_header(std::string_view room, std::size_t count);  // "> Bans in #ROOM (N): "
std::string no_bans(std::string_view room);
std::string banned_from_room(std::string_view room);
std::string banned_from_server();
std::string muted(std::string_view by, std::string_view who, std::string_view room, std::int64_t seconds);
std::string unmuted(std::string_view by, std::string_view who, std::string_view room);
std::string muted_you(std::string_view room);
std::string invite_only_on(std::string_view by, std::string_view room);
std::string invite_only_off(std::string_view by, std::string_view room);
std::string invited_you(std::string_view by, std::string_view room);
std::string invited(std::string_view who, std::string_view room);
std::string invite_made(std::string_view by, std::string_view who, std::string_view room);
std::string invite_only(std::string_view room);
std::string not_operator(std::string_view room);
std::string not_registered(std::string_view name);
std::string not_in_room(std::string_view name, std::string_view room);
std::string not_banned(std::string_view name, std::string_view room);
std::string not_muted(std::string_view name, std::string_view room);
std::string not_an_operator(std::string_view name, std::string_view room);
std::string cannot_moderate(std::string_view name, std::string_view room);
std::string room_owned(std::string_view owner, std::string_view room);

// The classic server's first stdout line.
std::string started(unsigned port);
// The TLS port's stdout line, after started() (or alone with --tls-only):
// "Chat Server started on TLS port N (HOW)." where HOW says whether the
// kernel can encrypt (kTLS) or OpenSSL does it in user space, and why.
std::string tls_started(unsigned port, std::string_view how);
// The web port's stdout line, after the others:
// "Web client at http://localhost:N/ (WebSocket at /ws)." (https:// with TLS).
std::string web_started(std::string_view url);
std::string irc_started(unsigned port);

}  // namespace chat::msg
