#include "irc/irc_renderer.h"

#include "irc/ctcp.h"
#include "irc/names.h"
#include "irc/numerics.h"
#include "irc/serializer.h"
#include "irc/server_time.h"
#include "irc/split.h"

namespace chat::irc {

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "/me TEXT" -> "ME": the command a usage line is about.
std::string command_of(std::string_view synopsis) {
  if (synopsis.starts_with('/')) synopsis.remove_prefix(1);
  synopsis = synopsis.substr(0, synopsis.find(' '));
  std::string out(synopsis);
  for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return out.empty() ? "*" : out;
}

std::string_view or_star(std::string_view s) { return s.empty() ? std::string_view("*") : s; }

}  // namespace

std::string IrcRenderer::source_of(std::string_view name) const {
  const std::string nick = nick_for(name);
  std::string out;
  out.reserve(nick.size() * 2 + style_.host.size() + 2);
  out.append(nick).append("!").append(nick).append("@").append(style_.host);
  return out;
}

// PRIVMSG lines, cut to fit 512 bytes each; an action is one CTCP ACTION
// per piece.
void IrcRenderer::said(std::string& out, std::string_view tag_time, Event::Kind kind, std::string_view name,
                       std::string_view target, std::string_view text) const {
  const std::string source = source_of(name);
  target = or_star(target);
  const bool action = kind == Event::Kind::action;
  const std::string_view command = kind == Event::Kind::notice ? "NOTICE" : "PRIVMSG";
  std::size_t room = text_room(source, command, target);
  if (action) room = room > 4 + 9 ? room - 9 : 4;  // "\x01ACTION " and "\x01"
  const OutTag time_tag{"time", tag_time};
  const std::span<const OutTag> tags = tag_time.empty() ? std::span<const OutTag>{} : std::span(&time_tag, 1);
  std::string body;
  for (std::string_view piece : split_text(text, room)) {
    std::string_view shown = piece;
    if (action) {
      body.clear();
      append_action(body, piece);
      shown = body;
    }
    const std::string_view params[] = {target, shown};
    append_message(out, OutMessage{.tags = tags, .source = source, .command = command, .params = params, .colon_last = true});
  }
}

void IrcRenderer::notice(std::string& out, const Receiver& r, std::string_view text) const {
  const std::string_view params[] = {r.nick, text};
  append_message(out, OutMessage{.source = style_.server, .command = "NOTICE", .params = params, .colon_last = true});
}

// RPL_NAMREPLY lines of as many names as fit, then RPL_ENDOFNAMES.
void IrcRenderer::names(std::string& out, const Receiver& r, std::string_view channel, const Event& e) const {
  const std::string digits = code(Numeric::RPL_NAMREPLY);
  const std::string target = std::string(r.nick) + " = " + std::string(channel);
  const std::size_t room = text_room(style_.server, digits, target);
  std::string line;
  const auto flush = [&] {
    if (line.empty()) return;
    append_message(out, style_.server, digits, {r.nick, "=", channel, line});
    line.clear();
  };
  for (std::string_view item : e.items) {
    const std::string nick = nick_for(item);
    if (!line.empty() && line.size() + 1 + nick.size() > room) flush();
    if (!line.empty()) line.push_back(' ');
    line.append(nick);
  }
  flush();
  append_numeric(out, style_.server, r.nick, Numeric::RPL_ENDOFNAMES, {channel});
}

// The rooms ("NAME (N)") as LIST's 321, 322 per room, 323.
void IrcRenderer::list(std::string& out, const Receiver& r, const Event& e) const {
  append_numeric(out, style_.server, r.nick, Numeric::RPL_LISTSTART, {"Channel"});
  for (std::string_view item : e.items) {
    const auto open = item.rfind(" (");
    const std::string_view room = item.substr(0, open);
    std::string_view count = open == std::string_view::npos ? "0" : item.substr(open + 2);
    if (count.ends_with(')')) count.remove_suffix(1);
    append_message(out, style_.server, code(Numeric::RPL_LIST), {r.nick, room, count, ""});
  }
  append_numeric(out, style_.server, r.nick, Numeric::RPL_LISTEND);
}

// The newest `count` entries, as the PRIVMSGs they were, each with its
// time for a server-time receiver.
void IrcRenderer::history(std::string& out, const Receiver& r, const Event& e) const {
  if (e.entries == nullptr) return;
  for (auto it = e.entries->end() - static_cast<std::ptrdiff_t>(e.count); it != e.entries->end(); ++it) {
    const std::string time = r.server_time ? format_server_time(it->time() * 1000) : std::string{};
    said(out, time, it->kind(), it->name(), e.room, it->text());
  }
}

void IrcRenderer::render_for(const Event& e, const Receiver& r, std::string& out) const {
  using Kind = Event::Kind;
  const std::string_view server = style_.server;
  switch (e.kind) {
    case Kind::text:
    case Kind::action:
    case Kind::notice:
      said(out, {}, e.kind, e.name, e.room, e.text);
      return;
    case Kind::welcome:  // the registration burst's LUSERS says it
      return;
    case Kind::entered:  // entered the chat: into the room the receivers are in
    case Kind::joined:
      append_message(out, source_of(e.name), "JOIN", {or_star(e.room)});
      return;
    case Kind::left:
      append_message(out, source_of(e.name), "QUIT",
                     {e.text.empty() ? std::string("Quit: left the chat") : "Quit: " + std::string(e.text)});
      return;
    case Kind::left_for:  // other: the room left (see the header)
      append_message(out, source_of(e.name), "PART", {or_star(e.other), "left for " + std::string(e.room)});
      return;
    case Kind::parted:
      if (e.text.empty()) {
        append_message(out, source_of(e.name), "PART", {or_star(e.room)});
      } else {
        append_message(out, source_of(e.name), "PART", {or_star(e.room), e.text});
      }
      return;
    case Kind::not_on_room:
      append_numeric(out, server, r.nick, Numeric::ERR_NOTONCHANNEL, {or_star(e.room)});
      return;
    case Kind::renamed:
      append_message(out, source_of(e.other), "NICK", {nick_for(e.name)});
      return;
    case Kind::renamed_self:
      append_message(out, source_of(name_for_nick(r.nick)), "NICK", {nick_for(e.name)});
      return;
    case Kind::private_in:
      said(out, {}, Kind::text, e.name, r.nick, e.text);
      return;
    case Kind::private_out:  // echo-message: the port sends it only to those who asked
      {
        const std::string to = nick_for(e.name);
        const std::string source = source_of(name_for_nick(r.nick));
        for (std::string_view piece : split_text(e.text, text_room(source, "PRIVMSG", to))) {
          const std::string_view params[] = {to, piece};
          append_message(out, OutMessage{.source = source, .command = "PRIVMSG", .params = params, .colon_last = true});
        }
      }
      return;
    case Kind::now_in:
      append_message(out, source_of(name_for_nick(r.nick)), "JOIN", {or_star(e.room)});
      return;
    case Kind::history: history(out, r, e); return;
    case Kind::who_all: names(out, r, "*", e); return;
    case Kind::who_room: names(out, r, or_star(e.room), e); return;
    case Kind::rooms: list(out, r, e); return;
    case Kind::help:  // IRC clients have their own /help; docs/IRC.md lists the commands
      return;
    case Kind::usage:
      append_numeric(out, server, r.nick, Numeric::ERR_NEEDMOREPARAMS, {command_of(e.text)});
      return;
    case Kind::unknown_command:
      append_numeric(out, server, r.nick, Numeric::ERR_UNKNOWNCOMMAND, {or_star(e.text)});
      return;
    case Kind::invalid_nickname:
      append_numeric(out, server, r.nick, Numeric::ERR_ERRONEUSNICKNAME, {or_star(e.name)},
                     e.text.empty() ? std::string("Erroneous nickname") : "Erroneous nickname: " + std::string(e.text));
      return;
    case Kind::nickname_in_use:
      append_numeric(out, server, r.nick, Numeric::ERR_NICKNAMEINUSE, {or_star(e.name)});
      return;
    case Kind::no_such_user:
      append_numeric(out, server, r.nick, Numeric::ERR_NOSUCHNICK, {or_star(e.name)});
      return;
    case Kind::invalid_room_name:
      append_numeric(out, server, r.nick, Numeric::ERR_NOSUCHCHANNEL, {or_star(e.name)});
      return;
    case Kind::too_many_rooms:
      append_numeric(out, server, r.nick, Numeric::ERR_TOOMANYCHANNELS, {or_star(e.room)},
                     "Too many rooms on this server");
      return;
    case Kind::line_too_long:
      append_numeric(out, server, r.nick, Numeric::ERR_INPUTTOOLONG);
      return;
    case Kind::skipped:
      notice(out, r, plural(e.count, "message", "messages") + " skipped (reading too slowly)");
      return;
    case Kind::slow_down:
      notice(out, r, "slow down: " + plural(e.count, "message", "messages") + " dropped");
      return;
    case Kind::idle_disconnect:
      append_message(out, {}, "ERROR", {"Closing link: idle for " + std::to_string(e.count) + " s"});
      return;
    case Kind::server_full: append_message(out, {}, "ERROR", {"Closing link: server full"}); return;
    case Kind::too_many_from_address:
      append_message(out, {}, "ERROR", {"Closing link: too many connections from your address"});
      return;
    case Kind::shutting_down: append_message(out, {}, "ERROR", {"Closing link: server shutting down"}); return;
    case Kind::cluster_link_lost: notice(out, r, "cluster link lost: local users only"); return;
    case Kind::cluster_link_restored: notice(out, r, "cluster link restored"); return;
    case Kind::cluster_behind: notice(out, r, "cluster busy: your line reached this server's users only"); return;
    case Kind::nick_pending: notice(out, r, "nickname change pending: wait for the answer"); return;
    case Kind::nick_needs_link: notice(out, r, "nickname changes need the cluster link: try again later"); return;
    case Kind::nick_claim_failed: notice(out, r, "nickname change failed: cluster link lost"); return;
    case Kind::nick_lost:
      append_message(out, source_of(e.name), "NICK", {nick_for(e.other)});
      notice(out, Receiver{.nick = nick_for(e.other)},
             "nickname " + std::string(e.name) + " was taken while the cluster link was down");
      return;
    // Accounts: the SASL numerics where IRC has one (900-904), else a NOTICE
    // with the line protocol's words (docs/IRC.md "Accounts").
    case Kind::accounts_need_store: notice(out, r, "accounts need a server started with --store"); return;
    case Kind::nickname_first: notice(out, r, "set a nickname first: /nick NAME"); return;
    case Kind::already_registered: notice(out, r, "nickname " + std::string(e.name) + " is already registered"); return;
    case Kind::password_too_short:
      notice(out, r, "password too short: at least " + std::to_string(e.count) + " characters");
      return;
    case Kind::registered:
    case Kind::logged_in:
      append_numeric(out, server, r.nick, Numeric::RPL_LOGGEDIN,
                     {r.nick, std::string(r.nick) + "!" + std::string(r.nick) + "@chat", e.name},
                     "You are now logged in as " + std::string(e.name));
      return;
    case Kind::nickname_reclaimed:
      append_message(out, source_of(e.name), "NICK", {nick_for(e.other)});
      notice(out, Receiver{.nick = nick_for(e.other)},
             "nickname " + std::string(e.name) + " belongs to its registered owner");
      return;
    case Kind::logged_in_elsewhere:
      append_message(out, {}, "ERROR", {"Closing link: you logged in from another connection"});
      return;
    case Kind::login_failed: append_numeric(out, server, r.nick, Numeric::ERR_SASLFAIL); return;
    case Kind::too_many_failed_logins:
      append_numeric(out, server, r.nick, Numeric::ERR_SASLFAIL, {},
                     "too many failed logins: try again in " + std::to_string(e.count) + " s");
      return;
    case Kind::logged_out: append_numeric(out, server, r.nick, Numeric::RPL_LOGGEDOUT, {r.nick}); return;
    case Kind::not_logged_in: notice(out, r, "you are not logged in"); return;
    case Kind::password_changed: notice(out, r, "Password changed"); return;
    case Kind::wrong_password: notice(out, r, "password not changed: wrong password"); return;
    case Kind::nickname_registered:
      append_numeric(out, server, r.nick, Numeric::ERR_NICKNAMEINUSE, {or_star(e.name)},
                     "Nickname is registered: /login " + std::string(e.other) + " PASSWORD");
      return;
    case Kind::server_busy: notice(out, r, "server busy: try again"); return;
    case Kind::passwords_need_tls:
      notice(out, r, e.count == 0 ? std::string("passwords only over TLS: this server has none")
                                  : "passwords only over TLS: port " + std::to_string(e.count));
      return;
    case Kind::account_log: return;  // the stdout log only
    case Kind::whois:  // the port answers WHOIS with 311/312/317/318 itself; the line protocol's words otherwise
      notice(out, r, std::string(e.name) + " is in " + std::string(e.room) +
                         (e.other.empty() ? ", idle " + std::to_string(e.count) + " s" : " (on node " + std::string(e.other) + ")"));
      return;
    case Kind::entered_as: return;  // the stdout log only
    case Kind::guest_address: notice(out, r, std::string(e.name) + " connects from " + std::string(e.other)); return;
    case Kind::no_older_history: notice(out, r, "No older messages in " + std::string(e.room)); return;
    // Moderation: channel modes, KICK, TOPIC and INVITE where IRC has them,
    // numerics for refusals, a NOTICE where IRC has no word (mutes).
    case Kind::op_granted: append_message(out, source_of(e.name), "MODE", {or_star(e.room), "+o", nick_for(e.other)}); return;
    case Kind::op_removed: append_message(out, source_of(e.name), "MODE", {or_star(e.room), "-o", nick_for(e.other)}); return;
    case Kind::topic_set: append_message(out, source_of(e.name), "TOPIC", {or_star(e.room), e.text}); return;
    case Kind::topic_is: append_numeric(out, server, r.nick, Numeric::RPL_TOPIC, {or_star(e.room)}, e.text); return;
    case Kind::no_topic: append_numeric(out, server, r.nick, Numeric::RPL_NOTOPIC, {or_star(e.room)}); return;
    case Kind::kicked:
      append_message(out, source_of(e.other), "KICK", {or_star(e.room), nick_for(e.name), e.text});
      return;
    case Kind::kicked_you:
      append_message(out, source_of(e.other), "KICK", {or_star(e.room), r.nick, e.text});
      return;
    case Kind::banned: append_message(out, source_of(e.name), "MODE", {or_star(e.room), "+b", e.other}); return;
    case Kind::unbanned: append_message(out, source_of(e.name), "MODE", {or_star(e.room), "-b", e.other}); return;
    case Kind::bans:
      for (std::string_view item : e.items) {
        append_numeric(out, server, r.nick, Numeric::RPL_BANLIST, {or_star(e.room), item.substr(0, item.find(' '))});
      }
      append_numeric(out, server, r.nick, Numeric::RPL_ENDOFBANLIST, {or_star(e.room)});
      return;
    case Kind::no_bans: append_numeric(out, server, r.nick, Numeric::RPL_ENDOFBANLIST, {or_star(e.room)}); return;
    case Kind::banned_from_room: append_numeric(out, server, r.nick, Numeric::ERR_BANNEDFROMCHAN, {or_star(e.room)}); return;
    case Kind::banned_from_server:
      append_numeric(out, server, r.nick, Numeric::ERR_YOUREBANNEDCREEP);
      append_message(out, {}, "ERROR", {"Closing link: you are banned from this server"});
      return;
    case Kind::muted:
      notice(out, r, std::string(e.name) + " muted " + std::string(e.other) + " in " + std::string(e.room));
      return;
    case Kind::unmuted:
      notice(out, r, std::string(e.name) + " unmuted " + std::string(e.other) + " in " + std::string(e.room));
      return;
    case Kind::muted_you:
      append_numeric(out, server, r.nick, Numeric::ERR_CANNOTSENDTOCHAN, {or_star(e.room)}, "You are muted");
      return;
    case Kind::invite_only_on: append_message(out, source_of(e.name), "MODE", {or_star(e.room), "+i"}); return;
    case Kind::invite_only_off: append_message(out, source_of(e.name), "MODE", {or_star(e.room), "-i"}); return;
    case Kind::invited_you: append_message(out, source_of(e.name), "INVITE", {r.nick, or_star(e.room)}); return;
    case Kind::invited: append_numeric(out, server, r.nick, Numeric::RPL_INVITING, {nick_for(e.other), or_star(e.room)}); return;
    case Kind::invite_only: append_numeric(out, server, r.nick, Numeric::ERR_INVITEONLYCHAN, {or_star(e.room)}); return;
    case Kind::not_operator: append_numeric(out, server, r.nick, Numeric::ERR_CHANOPRIVSNEEDED, {or_star(e.room)}); return;
    case Kind::not_in_room:
      append_numeric(out, server, r.nick, Numeric::ERR_USERNOTINCHANNEL, {nick_for(e.name), or_star(e.room)});
      return;
    case Kind::not_registered: notice(out, r, std::string(e.name) + " is not registered"); return;
    case Kind::not_banned: notice(out, r, std::string(e.name) + " is not banned from " + std::string(e.room)); return;
    case Kind::not_muted: notice(out, r, std::string(e.name) + " is not muted in " + std::string(e.room)); return;
    case Kind::not_an_operator:
      notice(out, r, std::string(e.name) + " is not an operator of " + std::string(e.room));
      return;
    case Kind::cannot_moderate:
      notice(out, r, std::string(e.name) + " cannot be moderated in " + std::string(e.room));
      return;
    case Kind::invite_made:  // the stdout log only
    case Kind::room_owned:
      return;
  }
}

}  // namespace chat::irc
