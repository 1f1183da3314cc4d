#include "irc/registration.h"

#include "irc/names.h"
#include "irc/numerics.h"
#include "irc/serializer.h"

namespace chat::irc {

namespace {

std::string_view you(const Registration& reg) { return reg.nick.empty() ? std::string_view("*") : reg.nick; }

RegistrationStep after(const Registration& reg) {
  return can_complete(reg) ? RegistrationStep::ready : RegistrationStep::waiting;
}

}  // namespace

bool can_complete(const Registration& reg) noexcept {
  return !reg.registered && !reg.nick.empty() && reg.got_user && !reg.cap.negotiating && !reg.sasl_open;
}

RegistrationStep register_step(Registration& reg, const Message& m, const RegistrationContext& c, std::string& out) {
  const std::string_view cmd = m.command;
  if (cmd == "CAP") {
    handle_cap(reg.cap, m.params, CapContext{.server = c.server, .nick = you(reg), .registered = false,
                                             .sasl_offered = c.sasl_offered},
               out);
    return after(reg);
  }
  if (cmd == "PASS") {
    if (m.params.empty()) append_numeric(out, c.server, you(reg), Numeric::ERR_NEEDMOREPARAMS, {"PASS"});
    return RegistrationStep::waiting;  // no server password: accepted and ignored
  }
  if (cmd == "NICK") {
    if (m.params.empty() || m.params[0].empty()) {
      append_numeric(out, c.server, you(reg), Numeric::ERR_NONICKNAMEGIVEN);
      return RegistrationStep::waiting;
    }
    const std::string_view nick = m.params[0];
    if (check_nick(nick) != NicknameProblem::none) {
      append_numeric(out, c.server, you(reg), Numeric::ERR_ERRONEUSNICKNAME, {nick});
      return RegistrationStep::waiting;
    }
    reg.nick = std::string(nick);
    return after(reg);
  }
  if (cmd == "USER") {
    if (reg.got_user) {
      append_numeric(out, c.server, you(reg), Numeric::ERR_ALREADYREGISTERED);
      return RegistrationStep::waiting;
    }
    if (m.params.size() < 4 || m.params[0].empty() || m.params[3].empty()) {
      append_numeric(out, c.server, you(reg), Numeric::ERR_NEEDMOREPARAMS, {"USER"});
      return RegistrationStep::waiting;
    }
    reg.user = std::string(m.params[0]);
    reg.realname = std::string(m.params[3]);
    reg.got_user = true;
    return after(reg);
  }
  if (cmd == "PING") {
    if (m.params.empty() || m.params[0].empty()) {
      append_numeric(out, c.server, you(reg), Numeric::ERR_NOORIGIN);
    } else {
      append_message(out, c.server, "PONG", {c.server, m.params[0]});
    }
    return RegistrationStep::waiting;
  }
  if (cmd == "PONG") return RegistrationStep::waiting;
  if (cmd == "QUIT") return RegistrationStep::quit;
  if (cmd == "AUTHENTICATE") return RegistrationStep::authenticate;
  append_numeric(out, c.server, you(reg), Numeric::ERR_NOTREGISTERED);
  return RegistrationStep::waiting;
}

void append_lusers(std::string& out, std::string_view server, std::string_view nick, const Lusers& l) {
  const auto n = [](std::size_t v) { return std::to_string(v); };
  append_numeric(out, server, nick, Numeric::RPL_LUSERCLIENT, {},
                 "There are " + n(l.users) + " users and 0 invisible on " + n(l.servers) + " servers");
  if (l.operators > 0) append_numeric(out, server, nick, Numeric::RPL_LUSEROP, {n(l.operators)});
  if (l.unknown > 0) append_numeric(out, server, nick, Numeric::RPL_LUSERUNKNOWN, {n(l.unknown)});
  append_numeric(out, server, nick, Numeric::RPL_LUSERCHANNELS, {n(l.channels)});
  append_numeric(out, server, nick, Numeric::RPL_LUSERME, {},
                 "I have " + n(l.local) + " clients and " + n(l.servers - (l.servers > 0 ? 1 : 0)) + " servers");
  append_numeric(out, server, nick, Numeric::RPL_LOCALUSERS, {n(l.local), n(l.max_local)},
                 "Current local users " + n(l.local) + ", max " + n(l.max_local));
  append_numeric(out, server, nick, Numeric::RPL_GLOBALUSERS, {n(l.users), n(l.max_users)},
                 "Current global users " + n(l.users) + ", max " + n(l.max_users));
}

void append_motd(std::string& out, std::string_view server, std::string_view nick,
                 const std::vector<std::string_view>& motd) {
  if (motd.empty()) {
    append_numeric(out, server, nick, Numeric::ERR_NOMOTD);
    return;
  }
  append_numeric(out, server, nick, Numeric::RPL_MOTDSTART, {}, "- " + std::string(server) + " Message of the day - ");
  for (std::string_view line : motd) append_numeric(out, server, nick, Numeric::RPL_MOTD, {}, "- " + std::string(line));
  append_numeric(out, server, nick, Numeric::RPL_ENDOFMOTD);
}

void append_burst(std::string& out, const Burst& b) {
  const std::string mask = std::string(b.nick) + "!" + std::string(b.user) + "@" + std::string(b.host);
  append_numeric(out, b.server, b.nick, Numeric::RPL_WELCOME, {},
                 "Welcome to the " + b.isupport.network + " IRC Network " + mask);
  append_numeric(out, b.server, b.nick, Numeric::RPL_YOURHOST, {},
                 "Your host is " + std::string(b.server) + ", running version " + std::string(b.version));
  append_numeric(out, b.server, b.nick, Numeric::RPL_CREATED, {}, "This server was created " + std::string(b.created));
  append_message(out, b.server, code(Numeric::RPL_MYINFO),
                 {b.nick, b.server, b.version, kUserModes, kChannelModes, kChannelModesWithParam});
  append_isupport(out, b.server, b.nick, b.isupport);
  append_lusers(out, b.server, b.nick, b.lusers);
  append_motd(out, b.server, b.nick, b.motd);
}

}  // namespace chat::irc
