#include "classic/messages.h"

#include <algorithm>
#include <ctime>

#include "core/moderation/duration.h"
#include "utf8.h"

namespace chat::msg {

namespace {

// Concatenates its pieces and a "\n" with one allocation.
std::string line(std::initializer_list<std::string_view> parts) {
  std::size_t size = 1;
  for (auto p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (auto p : parts) out.append(p);
  out.push_back('\n');
  return out;
}

}  // namespace

std::string users_online(std::size_t n) {
  return std::to_string(n) + (n <= 1 ? " user online" : " users online");
}

std::string welcome(std::size_t online) {
  return line({"> Connected to the chat server (", users_online(online), ")"});
}

std::string entered(std::string_view name, std::size_t online) {
  return line({"> New user ", name, " entered (", users_online(online), ")"});
}

std::string left(std::string_view name, std::size_t online) {
  return line({"< The user ", name, " left (", users_online(online), ")"});
}

std::string text(std::string_view name, std::string_view text) {
  return line({"[", name, "] ", text});
}

void append_text(std::string& out, std::string_view name, std::string_view raw_text) {
  out.reserve(out.size() + name.size() + raw_text.size() + 4);
  out.push_back('[');
  out.append(name);
  out.append("] ");
  append_sanitized(out, raw_text);
  out.push_back('\n');
}

std::string action(std::string_view name, std::string_view text) {
  return line({"* ", name, " ", text});
}

std::string private_to_recipient(std::string_view sender, std::string_view text) {
  return line({"[", sender, " -> you] ", text});
}

std::string private_to_sender(std::string_view recipient, std::string_view text) {
  return line({"[You -> ", recipient, "] ", text});
}

std::string renamed_self(std::string_view new_name) {
  return line({"> You are now known as ", new_name});
}

std::string renamed_other(std::string_view old_name, std::string_view new_name) {
  return line({"> ", old_name, " is now known as ", new_name});
}

std::vector<std::string> list_lines(std::string_view header, std::span<const std::string_view> names,
                                    std::size_t max_line) {
  // Room for the text before the "\n", never less than one name per line.
  const std::size_t width = max_line > 0 ? max_line : 1;
  std::vector<std::string> lines;
  std::string current(header);
  std::size_t on_line = 0;  // names on `current`
  for (const std::string_view name : names) {
    const std::size_t separator = on_line > 0 ? 2 : 0;
    // Room for the name and, should the list go on, the comma after it.
    if (on_line > 0 && current.size() + separator + name.size() + 1 > width) {
      current += ",\n";  // a trailing comma: the list goes on
      lines.push_back(std::move(current));
      current.assign(kListContinuation);
      on_line = 0;
    }
    if (on_line > 0) current += ", ";
    current += name;
    ++on_line;
  }
  current += '\n';
  lines.push_back(std::move(current));
  return lines;
}

std::string online_header(std::size_t count) { return "> Online (" + std::to_string(count) + "): "; }

std::string help(bool accounts) {
  std::string text = "> Commands:\n"
         ">   /nick NAME       change your nickname\n"
         ">   /who             list who is in your room (/who * for everyone)\n"
         ">   /join #ROOM      move to another room (created if needed; the # may be left out)\n"
         ">   /part            go back to the default room\n"
         ">   /rooms, /list    list the rooms\n"
         ">   /names           the same as /who\n"
         ">   /whois NAME      where NAME is, since when, idle how long\n"
         ">   /history [N]     N older lines of your room (default 50, max 500)\n"
         ">   /msg NAME TEXT   send TEXT to NAME only\n"
         ">   /me TEXT         act: everyone sees * NAME TEXT\n"
         ">   /quit            leave the chat\n"
         ">   /help            show this list\n"
         ">   //TEXT           send a line that starts with /\n";
  if (!accounts) return text;  // a server without accounts: the classic list, as it always was
  text += "> Accounts and moderation:\n"
         ">   /register PASSWORD            register your nickname to you\n"
         ">   /login NAME PASSWORD          log in: nickname NAME is yours\n"
         ">   /logout                       log out\n"
         ">   /password OLD NEW             change your password\n"
         ">   /topic [TEXT]                 show or set your room's topic\n"
         ">   /op NAME, /deop NAME          make NAME an operator of your room, or not\n"
         ">   /kick NAME [REASON]           send NAME out of your room\n"
         ">   /ban NAME [DURATION] [REASON] ban NAME or an address (30m, 2h, 7d)\n"
         ">   /unban NAME, /bans            lift a ban, list the bans\n"
         ">   /mute NAME [DURATION]         refuse NAME's lines in your room\n"
         ">   /unmute NAME                  lift a mute\n"
         ">   /private on|off               make your room invite-only, or not\n"
         ">   /invite NAME                  let NAME into your invite-only room\n";
  return text;
}

std::string users_here(std::size_t n) {
  return std::to_string(n) + (n <= 1 ? " user here" : " users here");
}

std::string left_for(std::string_view name, std::string_view room, std::size_t here) {
  return line({"< ", name, " left for ", room, " (", users_here(here), ")"});
}

std::string parted(std::string_view name, std::string_view room, std::size_t here) {
  return line({"< ", name, " left ", room, " (", users_here(here), ")"});
}

std::string not_on_room(std::string_view room) { return line({"! you are not in ", room}); }

std::string joined(std::string_view name, std::string_view room, std::size_t here) {
  return line({"> ", name, " joined ", room, " (", users_here(here), ")"});
}

std::string now_in(std::string_view room, std::size_t here) {
  return line({"> You are now in ", room, " (", users_here(here), ")"});
}

std::string room_header(std::string_view room, std::size_t count) {
  return "> In " + std::string(room) + " (" + std::to_string(count) + "): ";
}

std::string rooms_header(std::size_t count) { return "> Rooms (" + std::to_string(count) + "): "; }

std::string invalid_room_name(std::string_view name) { return line({"! invalid room name: ", name}); }
std::string too_many_rooms() { return "! too many rooms\n"; }

std::string history_begin(std::size_t count) {
  return line({"> Recent messages (", std::to_string(count), "):"});
}
std::string history_end() { return "> End of recent messages\n"; }

namespace {
std::tm calendar(std::int64_t time, bool local) {
  const auto t = static_cast<std::time_t>(time);
  std::tm parts{};
  if (local) {
    ::localtime_r(&t, &parts);
  } else {
    ::gmtime_r(&t, &parts);
  }
  return parts;
}
}  // namespace

void append_clock(std::string& out, std::int64_t time, bool local) {
  const std::tm parts = calendar(time, local);
  char buf[8];
  out.append(buf, std::strftime(buf, sizeof buf, "%H:%M ", &parts));
}

void append_stamp(std::string& out, std::int64_t time, std::int64_t now, bool local) {
  const std::tm when = calendar(time, local);
  const std::tm today = calendar(now, local);
  const bool same_day = when.tm_year == today.tm_year && when.tm_yday == today.tm_yday;
  char buf[24];
  out.append(buf, std::strftime(buf, sizeof buf, same_day ? "%H:%M " : "%Y-%m-%d %H:%M ", &when));
}


std::string nickname_in_use(std::string_view name, std::string_view owner) {
  const bool same = name.size() == owner.size() &&
                    std::equal(name.begin(), name.end(), owner.begin(), [](char a, char b) {
                      const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
                      return lower(a) == lower(b);
                    });
  if (same) return line({"! nickname in use: ", name});
  return line({"! nickname in use: ", name, " (looks like ", owner, ")"});
}

std::string invalid_nickname(std::string_view name, std::string_view why) {
  return line({"! invalid nickname: ", name, " (", why, ")"});
}
std::string no_such_user(std::string_view name) { return line({"! no such user: ", name}); }

std::string unknown_command(std::string_view word) {
  return line({"! unknown command: ", word, " (try /help)"});
}

std::string usage(std::string_view synopsis) { return line({"! usage: ", synopsis}); }

std::string line_too_long(std::size_t max_bytes) {
  return line({"! line too long (max ", std::to_string(max_bytes), " bytes)"});
}

std::string skipped(std::size_t count) {
  return line({"! ", std::to_string(count), count == 1 ? " message" : " messages", " skipped (reading too slowly)"});
}

std::string cluster_link_lost() { return "! cluster link lost: local users only\n"; }
std::string cluster_link_restored() { return "> cluster link restored\n"; }
std::string cluster_behind() { return "! cluster busy: your line reached this server's users only\n"; }
std::string nick_pending() { return "! nickname change pending: wait for the answer\n"; }
std::string nick_needs_link() { return "! nickname changes need the cluster link: try again later\n"; }
std::string nick_claim_failed() { return "! nickname change failed: cluster link lost\n"; }
std::string no_older_history(std::string_view room) { return line({"> No older messages in ", room}); }

std::string entered_as(std::string_view address, std::string_view guest, std::size_t online) {
  return line({"> New user ", address, " entered as ", guest, " (", users_online(online), ")"});
}

std::string whois(std::string_view name, std::string_view room, std::int64_t since, std::size_t idle_seconds,
                  bool local, std::string_view account) {
  const std::tm when = calendar(since, local);
  char buf[48];
  const std::size_t n = std::strftime(buf, sizeof buf, local ? "%Y-%m-%d %H:%M %Z" : "%Y-%m-%d %H:%M UTC", &when);
  if (account.empty()) {
    return line({"> ", name, " is in ", room, ", connected since ", std::string_view(buf, n), ", idle ",
                 duration(idle_seconds)});
  }
  return line({"> ", name, " is in ", room, ", connected since ", std::string_view(buf, n), ", idle ",
               duration(idle_seconds), ", logged in as ", account});
}

std::string guest_address(std::string_view guest, std::string_view address) {
  return line({"> ", guest, " connects from ", address});
}

std::string whois_remote(std::string_view name, std::string_view room, std::string_view node) {
  return line({"> ", name, " is in ", room, " (on node ", node, ")"});
}

std::string duration(std::size_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds / 60 % 60) + " min";
}

std::string nick_lost(std::string_view name, std::string_view now_called) {
  return line({"! nickname ", name, " was taken while the cluster link was down: you are ", now_called, " again"});
}

std::string accounts_need_store() { return "! accounts need a server started with --store\n"; }
std::string nickname_first() { return "! set a nickname first: /nick NAME\n"; }
std::string already_registered(std::string_view name) { return line({"! nickname ", name, " is already registered"}); }
std::string password_too_short(std::size_t minimum) {
  return line({"! password too short: at least ", std::to_string(minimum), " characters"});
}
std::string registered(std::string_view name) {
  return line({"> Nickname ", name, " is registered to you: next time, /login ", name, " PASSWORD"});
}
std::string logged_in(std::string_view name) { return line({"> You are logged in as ", name}); }
std::string nickname_reclaimed(std::string_view name, std::string_view now_called) {
  return line({"! nickname ", name, " belongs to its registered owner: you are ", now_called, " again"});
}
std::string logged_in_elsewhere() { return "! you logged in from another connection\n"; }
std::string login_failed() { return "! login failed\n"; }
std::string too_many_failed_logins(std::size_t seconds) {
  return line({"! too many failed logins: try again in ", std::to_string(seconds), " s"});
}
std::string logged_out() { return "> You are logged out\n"; }
std::string not_logged_in() { return "! you are not logged in\n"; }
std::string password_changed() { return "> Password changed\n"; }
std::string wrong_password() { return "! password not changed: wrong password\n"; }
std::string nickname_registered(std::string_view name, std::string_view account) {
  return line({"! nickname ", name, " is registered: /login ", account, " PASSWORD"});
}
std::string server_busy() { return "! server busy: try again\n"; }
std::string passwords_need_tls(std::size_t tls_port) {
  if (tls_port == 0) return "! passwords only over TLS: this server has none\n";
  return line({"! passwords only over TLS: port ", std::to_string(tls_port)});
}
std::string account_log(std::string_view address, std::string_view what, std::string_view account) {
  return line({"> ", address, " ", what, " ", account});
}

std::string server_full() { return "! server full\n"; }
std::string too_many_from_address() { return "! too many connections from your address\n"; }

std::string slow_down(std::size_t dropped) {
  return line({"! slow down: ", std::to_string(dropped), dropped == 1 ? " message" : " messages", " dropped"});
}

std::string idle_disconnect(unsigned seconds) {
  return line({"> Disconnected: idle for ", std::to_string(seconds), " s"});
}

std::string shutting_down() { return "> Server shutting down\n"; }

namespace {
std::string because(std::string_view reason) {
  return reason.empty() ? std::string() : " (" + std::string(reason) + ")";
}
std::string lasting(std::int64_t seconds) {
  return seconds > 0 ? " for " + format_duration(seconds) : std::string();
}
}  // namespace

std::string op_granted(std::string_view by, std::string_view who, std::string_view room) {
  return line({"> ", by, " made ", who, " an operator of ", room});
}
std::string op_removed(std::string_view by, std::string_view who, std::string_view room) {
  return line({"> ", by, " removed ", who, " as an operator of ", room});
}
std::string topic_set(std::string_view by, std::string_view topic) { return line({"> ", by, " set the topic: ", topic}); }
std::string topic_is(std::string_view topic, std::string_view by) {
  return line({"> Topic: ", topic, " (set by ", by, ")"});
}
std::string no_topic() { return "> No topic\n"; }
std::string kicked(std::string_view who, std::string_view by, std::string_view reason) {
  return line({"< ", who, " was kicked by ", by, because(reason)});
}
std::string kicked_you(std::string_view room, std::string_view by, std::string_view reason) {
  return line({"! you were kicked from ", room, " by ", by, because(reason)});
}
std::string banned(std::string_view by, std::string_view who, std::string_view room, std::int64_t seconds,
                   std::string_view reason) {
  return line({"> ", by, " banned ", who, " from ", room, lasting(seconds), because(reason)});
}
std::string unbanned(std::string_view by, std::string_view who, std::string_view room) {
  return line({"> ", by, " unbanned ", who, " from ", room});
}
std::string bans_header(std::string_view room, std::size_t count) {
  return "> Bans in " + std::string(room) + " (" + std::to_string(count) + "): ";
}
std::string no_bans(std::string_view room) { return line({"> No bans in ", room}); }
std::string banned_from_room(std::string_view room) { return line({"! you are banned from ", room}); }
std::string banned_from_server() { return "! you are banned from this server\n"; }
std::string muted(std::string_view by, std::string_view who, std::string_view room, std::int64_t seconds) {
  return line({"> ", by, " muted ", who, " in ", room, lasting(seconds)});
}
std::string unmuted(std::string_view by, std::string_view who, std::string_view room) {
  return line({"> ", by, " unmuted ", who, " in ", room});
}
std::string muted_you(std::string_view room) { return line({"! you are muted in ", room}); }
std::string invite_only_on(std::string_view by, std::string_view room) {
  return line({"> ", by, " made ", room, " invite-only"});
}
std::string invite_only_off(std::string_view by, std::string_view room) {
  return line({"> ", by, " opened ", room, " to everyone"});
}
std::string invited_you(std::string_view by, std::string_view room) {
  return line({"> ", by, " invites you to ", room, ": /join ", room});
}
std::string invited(std::string_view who, std::string_view room) { return line({"> You invited ", who, " to ", room}); }
std::string invite_made(std::string_view by, std::string_view who, std::string_view room) {
  return line({"> ", by, " invited ", who, " to ", room});
}
std::string invite_only(std::string_view room) { return line({"! ", room, " is invite-only"}); }
std::string not_operator(std::string_view room) { return line({"! you are not an operator of ", room}); }
std::string not_registered(std::string_view name) { return line({"! nickname ", name, " is not registered"}); }
std::string not_in_room(std::string_view name, std::string_view room) { return line({"! ", name, " is not in ", room}); }
std::string not_banned(std::string_view name, std::string_view room) {
  return line({"! ", name, " is not banned from ", room});
}
std::string not_muted(std::string_view name, std::string_view room) { return line({"! ", name, " is not muted in ", room}); }
std::string not_an_operator(std::string_view name, std::string_view room) {
  return line({"! ", name, " is not an operator of ", room});
}
std::string cannot_moderate(std::string_view name, std::string_view room) {
  return line({"! ", name, " cannot be moderated in ", room});
}
std::string room_owned(std::string_view owner, std::string_view room) {
  return line({"> ", owner, " owns ", room});
}

std::string started(unsigned port) {
  return line({"Chat Server started on port ", std::to_string(port), "."});
}

std::string tls_started(unsigned port, std::string_view how) {
  return line({"Chat Server started on TLS port ", std::to_string(port), " (", how, ")."});
}

std::string irc_started(unsigned port) { return line({"IRC server started on port ", std::to_string(port), "."}); }
std::string web_started(std::string_view url) { return line({"Web client at ", url, " (WebSocket at /ws)."}); }

}  // namespace chat::msg
