#include "irc/irc_client.h"

#include <variant>

#include "base/shared_line.h"
#include "command.h"
#include "irc/ctcp.h"
#include "irc/names.h"
#include "irc/numerics.h"
#include "irc/serializer.h"
#include "irc/server_time.h"

namespace chat::irc {

namespace {

// "a,b,,c" -> "a", "b", "c".
std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

Command cmd(Command::Kind kind, std::string_view arg = {}, std::string_view text = {}, std::string_view room = {}) {
  return Command{.kind = kind, .arg = arg, .text = text, .room = room};
}

}  // namespace

void IrcClient::reply(Member& self, const std::string& out) const {
  if (!out.empty()) self.deliver(make_line(out));
}

void IrcClient::append_error(std::string& out, std::string_view why) const {
  append_message(out, {}, "ERROR", {"Closing link: " + std::string(why)});
}

Lusers IrcClient::lusers(const Chat& chat) const {
  Lusers l;
  l.users = chat.online();
  l.local = chat.online();
  l.channels = chat.room_count();
  l.max_local = l.local;
  l.max_users = l.users;
  return l;
}

IrcClient::Outcome IrcClient::on_line(std::string_view line, Chat& chat, Member& self, std::optional<MemberId>& id) {
  std::string out;
  auto parsed = parse_message(line);
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    if (*error == ParseError::too_long || *error == ParseError::tags_too_long) {
      append_numeric(out, server(), nick_, Numeric::ERR_INPUTTOOLONG);
    }
    reply(self, out);
    return Outcome::stay;
  }
  const Message& m = std::get<Message>(parsed);
  if (!registered_) {
    const RegistrationContext context{.server = server(), .sasl_offered = false};
    switch (register_step(reg_, m, context, out)) {
      case RegistrationStep::waiting:
        break;
      case RegistrationStep::ready:
        complete_registration(chat, self, id, out);
        break;
      case RegistrationStep::authenticate:
        append_numeric(out, server(), nick_, Numeric::ERR_SASLFAIL, {}, "SASL is not offered on this port");
        break;
      case RegistrationStep::quit:
        append_error(out, "quit");
        reply(self, out);
        return Outcome::quit;
    }
    reply(self, out);
    return Outcome::stay;
  }
  if (m.command == "QUIT") {
    if (!m.param(0).empty()) chat.set_quit_reason(*id, m.param(0));
    append_error(out, "quit");
    reply(self, out);
    return Outcome::quit;
  }
  registered_command(m, chat, self, *id, out);
  reply(self, out);
  return Outcome::stay;
}

// NICK and USER are in: the client enters the chat (in no room) under its
// address and claims the nick there. The chat's answer comes back through
// render(): renamed_self, or a refusal (433, 432) that leaves it waiting
// for another NICK.
void IrcClient::complete_registration(Chat& chat, Member& self, std::optional<MemberId>& id, std::string& out) {
  if (!id) id = chat.join(self, address_, true, true);
  reply(self, out);
  out.clear();
  chat.handle(*id, cmd(Command::Kind::nick, reg_.nick));
  if (chat.name_of(*id) != reg_.nick) return;  // refused: told why
  registered_ = true;
  reg_.registered = true;
  nick_ = reg_.nick;
  const std::string user = reg_.user;
  Burst burst{.server = server(),
              .nick = nick_,
              .user = nick_,
              .host = info_.renderer->style().host,
              .version = info_.version,
              .created = info_.created,
              .isupport = info_.isupport,
              .lusers = lusers(chat),
              .motd = {}};
  for (const std::string& motd_line : info_.motd) burst.motd.push_back(motd_line);
  append_burst(out, burst);
}

void IrcClient::registered_command(const Message& m, Chat& chat, Member& self, MemberId id, std::string& out) {
  const std::string_view c = m.command;
  const auto need = [&](std::size_t n) {
    if (m.params.size() >= n && !m.params[0].empty()) return true;
    append_numeric(out, server(), nick_, Numeric::ERR_NEEDMOREPARAMS, {c});
    return false;
  };
  if (c == "PING") {
    if (m.params.empty() || m.params[0].empty()) {
      append_numeric(out, server(), nick_, Numeric::ERR_NOORIGIN);
    } else {
      append_message(out, server(), "PONG", {server(), m.params[0]});
    }
  } else if (c == "PONG") {
    // Any line keeps the connection alive (the network layer's clock).
  } else if (c == "PRIVMSG" || c == "NOTICE") {
    privmsg(m, chat, self, id, out);
  } else if (c == "JOIN") {
    if (need(1)) join(m, chat, id, out);
  } else if (c == "PART") {
    if (!need(1)) return;
    for (const std::string_view room : split_list(m.params[0])) {
      chat.handle(id, cmd(Command::Kind::leave, room, m.param(1)));
    }
  } else if (c == "NICK") {
    if (m.params.empty() || m.params[0].empty()) {
      append_numeric(out, server(), nick_, Numeric::ERR_NONICKNAMEGIVEN);
      return;
    }
    if (check_nick(m.params[0]) != NicknameProblem::none) {
      append_numeric(out, server(), nick_, Numeric::ERR_ERRONEUSNICKNAME, {m.params[0]});
      return;
    }
    chat.handle(id, cmd(Command::Kind::nick, m.params[0]));
  } else if (c == "NAMES") {
    if (m.params.empty()) {
      append_numeric(out, server(), nick_, Numeric::RPL_ENDOFNAMES, {"*"});
      return;
    }
    for (const std::string_view room : split_list(m.params[0])) names(room, chat, id, out);
  } else if (c == "TOPIC") {
    if (!need(1)) return;
    reply(self, out);
    out.clear();
    chat.handle(id, cmd(Command::Kind::topic, m.param(1), {}, m.params[0]));
  } else if (c == "LIST") {
    reply(self, out);
    out.clear();
    chat.handle(id, cmd(Command::Kind::rooms));
  } else if (c == "WHOIS") {
    if (!need(1)) return;
    const std::string_view who = m.params.size() >= 2 ? m.params[1] : m.params[0];
    reply(self, out);
    out.clear();
    chat.handle(id, cmd(Command::Kind::whois, name_for_nick(who)));
    append_numeric(out, server(), nick_, Numeric::RPL_ENDOFWHOIS, {who});
  } else if (c == "WHO") {
    who(m.params.empty() || m.params[0].empty() ? std::string_view("*") : m.params[0], chat, out);
  } else if (c == "MOTD") {
    std::vector<std::string_view> motd(info_.motd.begin(), info_.motd.end());
    append_motd(out, server(), nick_, motd);
  } else if (c == "LUSERS") {
    append_lusers(out, server(), nick_, lusers(chat));
  } else if (c == "AWAY") {
    away_ = std::string(m.param(0));
    append_numeric(out, server(), nick_, away_.empty() ? Numeric::RPL_UNAWAY : Numeric::RPL_NOWAWAY);
  } else if (c == "MODE") {
    if (need(1)) mode(m, chat, id, out);
  } else if (c == "KICK") {
    if (!need(2)) return;
    reply(self, out);
    out.clear();
    for (const std::string_view who : split_list(m.params[1])) {
      // Without a comment the kicker's nick is the comment, as IRC servers do.
      const std::string_view reason = m.param(2).empty() ? std::string_view(nick_) : m.param(2);
      chat.handle(id, cmd(Command::Kind::kick, name_for_nick(who), reason, m.params[0]));
    }
  } else if (c == "INVITE") {
    if (!need(2)) return;
    reply(self, out);
    out.clear();
    chat.handle(id, cmd(Command::Kind::invite, name_for_nick(m.params[0]), {}, m.params[1]));
  } else if (c == "CAP") {
    handle_cap(reg_.cap, m.params, CapContext{.server = server(), .nick = nick_, .registered = true}, out);
  } else if (c == "USER" || c == "PASS") {
    append_numeric(out, server(), nick_, Numeric::ERR_ALREADYREGISTERED);
  } else if (c == "OPER") {
    append_numeric(out, server(), nick_, Numeric::ERR_NOOPERHOST);
  } else if (c == "AUTHENTICATE") {
    append_numeric(out, server(), nick_, Numeric::ERR_SASLALREADY);
  } else {
    append_numeric(out, server(), nick_, Numeric::ERR_UNKNOWNCOMMAND, {c});
  }
}

// JOIN #a,#b: each room entered beside the others, then its NAMES (the
// chat's now_in says it was entered). Keys are not checked: rooms have none.
void IrcClient::join(const Message& m, Chat& chat, MemberId id, std::string& out) {
  for (const std::string_view room : split_list(m.params[0])) {
    last_entered_.clear();
    chat.handle(id, cmd(Command::Kind::enter, room));
    if (!last_entered_.empty()) names(last_entered_, chat, id, out);
  }
}

void IrcClient::names(std::string_view channel, Chat& chat, MemberId id, std::string& out) {
  if (!chat.is_in_room(id, channel)) {  // another room's names are not shown
    append_numeric(out, server(), nick_, Numeric::RPL_ENDOFNAMES, {channel});
    return;
  }
  chat.handle(id, cmd(Command::Kind::who, {}, {}, channel));
}

// WHO: a 352 per user ("H" here or "G" away, "@" an operator of the room
// listed), then 315 with the mask as sent.
void IrcClient::who(std::string_view mask, const Chat& chat, std::string& out) const {
  for (const Chat::WhoEntry& e : chat.who(mask)) {
    const std::string nick = nick_for(e.name);
    std::string flags = e.info.away.empty() ? "H" : "G";
    if (e.op) flags += "@";
    const std::string user = e.info.user.empty() ? nick : std::string(e.info.user);
    const std::string real = "0 " + std::string(e.info.real_name.empty() ? std::string_view(nick) : e.info.real_name);
    append_numeric(out, server(), nick_, Numeric::RPL_WHOREPLY,
                   {e.room.empty() ? std::string_view("*") : e.room, user, info_.renderer->style().host, server(), nick,
                    flags},
                   real);
  }
  append_numeric(out, server(), nick_, Numeric::RPL_ENDOFWHO, {mask});
}

void IrcClient::privmsg(const Message& m, Chat& chat, Member& self, MemberId id, std::string& out) {
  const bool notice = m.command == "NOTICE";
  if (m.params.empty() || m.params[0].empty()) {
    if (!notice) append_numeric(out, server(), nick_, Numeric::ERR_NORECIPIENT, {}, "No recipient given (PRIVMSG)");
    return;
  }
  if (m.params.size() < 2 || m.params[1].empty()) {
    if (!notice) append_numeric(out, server(), nick_, Numeric::ERR_NOTEXTTOSEND);
    return;
  }
  std::string_view text = m.params[1];
  Command::Kind kind = notice ? Command::Kind::notice : Command::Kind::text;
  if (is_ctcp(text)) {
    const std::optional<std::string_view> action = action_text(text);
    if (!action) return;  // CTCP other than ACTION: IRC's business, not shown to line users
    text = *action;
    kind = Command::Kind::me;
  }
  for (const std::string_view target : split_list(m.params[0])) {
    if (target.front() == '#') {
      if (notice && !chat.is_in_room(id, target)) continue;  // a NOTICE is never answered, not even by an error
      chat.handle(id, cmd(kind, text, {}, target));
      if (reg_.cap.has(Cap::echo_message)) {
        const Event::Kind said = kind == Command::Kind::me       ? Event::Kind::action
                                 : kind == Command::Kind::notice ? Event::Kind::notice
                                                                 : Event::Kind::text;
        info_.renderer->render_for(Event{.kind = said,
                                         .name = chat.name_of(id),
                                         .room = target,
                                         .text = text},
                                   IrcRenderer::Receiver{.nick = nick_}, out);
      }
      continue;
    }
    const std::string name = name_for_nick(target);
    chat.handle(id, cmd(Command::Kind::msg, name, text));  // a private /me reads as text
  }
  reply(self, out);
  out.clear();
}

// MODE: on yourself, the user modes (+i accepted, nothing changes); on a
// room, its modes mapped onto the moderation rules: +o/-o (/op, /deop),
// +i/-i (/private), +b/-b (/ban, /unban), b alone (/bans).
void IrcClient::mode(const Message& m, Chat& chat, MemberId id, std::string& out) {
  const std::string_view target = m.params[0];
  if (target.front() != '#') {
    if (name_for_nick(target) != chat.name_of(id)) {
      append_numeric(out, server(), nick_, Numeric::ERR_USERSDONTMATCH);
      return;
    }
    append_numeric(out, server(), nick_, Numeric::RPL_UMODEIS, {"+i"});
    return;
  }
  if (m.params.size() < 2) {
    append_numeric(out, server(), nick_, Numeric::RPL_CHANNELMODEIS, {target, "+nt"});
    return;
  }
  const std::string_view modes = m.params[1];
  bool add = true;
  std::size_t arg = 2;
  for (const char mc : modes) {
    switch (mc) {
      case '+': add = true; break;
      case '-': add = false; break;
      case 'o': {
        const std::string_view who = m.param(arg++);
        if (who.empty()) break;
        chat.handle(id, cmd(add ? Command::Kind::op : Command::Kind::deop, name_for_nick(who), {}, target));
        break;
      }
      case 'i':
        chat.handle(id, cmd(Command::Kind::privacy, add ? "on" : "off", {}, target));
        break;
      case 'b': {
        const std::string_view who = m.param(arg++);
        if (who.empty()) {
          chat.handle(id, cmd(Command::Kind::bans, {}, {}, target));
          break;
        }
        const std::string name = name_for_nick(who.substr(0, who.find('!')));
        chat.handle(id, cmd(add ? Command::Kind::ban : Command::Kind::unban, name, {}, target));
        break;
      }
      case 'n':
      case 't':
        break;  // always on: only members speak, only operators set a topic of an owned room
      default:
        append_numeric(out, server(), nick_, Numeric::ERR_UNKNOWNMODE, {std::string(1, mc)});
        break;
    }
  }
}

void IrcClient::render(const Event& e, std::string& out) {
  const IrcRenderer::Receiver me{.nick = nick_, .server_time = reg_.cap.has(Cap::server_time)};
  switch (e.kind) {
    case Event::Kind::renamed_self:
      if (!registered_) return;  // the nick claimed at registration: the burst says it
      info_.renderer->render_for(e, me, out);
      nick_ = nick_for(e.name);
      return;
    case Event::Kind::nick_lost:
    case Event::Kind::nickname_reclaimed:
      info_.renderer->render_for(e, me, out);
      nick_ = nick_for(e.other);
      return;
    case Event::Kind::private_out:  // echo-message only
      if (reg_.cap.has(Cap::echo_message)) info_.renderer->render_for(e, me, out);
      return;
    case Event::Kind::now_in:
      last_entered_ = std::string(e.room);
      info_.renderer->render_for(e, me, out);
      return;
    case Event::Kind::whois: {
      const std::string nick = nick_for(e.name);
      const std::string_view host = info_.renderer->style().host;
      // An IRC user's own USER name and real name; a line user has none.
      const bool told = e.user != nullptr && !e.user->user.empty();
      append_numeric(out, server(), nick_, Numeric::RPL_WHOISUSER, {nick, told ? e.user->user : nick, host, "*"},
                     told ? e.user->real_name : std::string_view(nick));
      if (!e.room.empty()) append_numeric(out, server(), nick_, Numeric::RPL_WHOISCHANNELS, {nick}, e.room);
      append_numeric(out, server(), nick_, Numeric::RPL_WHOISSERVER, {nick, e.other.empty() ? server() : e.other},
                     "chat");
      if (!e.text.empty()) append_numeric(out, server(), nick_, Numeric::RPL_WHOISACCOUNT, {nick, e.text});
      if (e.other.empty()) {
        append_numeric(out, server(), nick_, Numeric::RPL_WHOISIDLE,
                       {nick, std::to_string(e.count), std::to_string(e.time)});
      }
      return;
    }
    default:
      info_.renderer->render_for(e, me, out);
      return;
  }
}

}  // namespace chat::irc
