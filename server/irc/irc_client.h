// One IRC client as the chat sees it: its lines read as IRC messages and
// turned into the chat's Commands (common/command.h), and the chat's events
// for it rendered in IRC with its nick and capabilities (docs/IRC.md).
// No sockets: the network layer (net/reactor_irc.cpp) hands it framed
// lines and the Member it delivers to, so every rule here is unit-tested
// with a Chat and a fake member.
//
// Before registration (NICK, USER, CAP) it is not in the chat; once NICK
// and USER are in, it joins the chat as a member in several rooms
// (Chat::join with multi) and claims its nick there, so the nick is taken
// in the one namespace of every port: 433 if someone holds it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat.h"
#include "core/member.h"
#include "irc/irc_renderer.h"
#include "irc/message.h"
#include "irc/registration.h"

namespace chat::irc {

// What every client of one server shares.
struct IrcServerInfo {
  const IrcRenderer* renderer = nullptr;  // its Style::server is --server-name
  std::string version = "chatd";          // RPL_YOURHOST, RPL_MYINFO
  std::string created;                    // RPL_CREATED
  std::vector<std::string> motd;          // empty: ERR_NOMOTD
  IsupportSettings isupport;
};

class IrcClient {
 public:
  IrcClient(const IrcServerInfo& info, std::string address_name) : info_(info), address_(std::move(address_name)) {}

  enum class Outcome { stay, quit };
  // One framed line from the client. `self` is its connection; `id` its
  // member id, set here when it registers (the caller then owns the leave).
  Outcome on_line(std::string_view line, Chat& chat, Member& self, std::optional<MemberId>& id);
  // An event of the chat for this client alone, in IRC (Member::receive).
  void render(const Event& event, std::string& out);

  [[nodiscard]] bool registered() const noexcept { return registered_; }
  [[nodiscard]] UserInfo user_info() const noexcept { return UserInfo{reg_.user, reg_.realname, away_}; }
  [[nodiscard]] const std::string& nick() const noexcept { return nick_; }
  // The ERROR line that goes before a close this client did not ask for.
  void append_error(std::string& out, std::string_view why) const;

 private:
  void reply(Member& self, const std::string& out) const;
  void registered_command(const Message& m, Chat& chat, Member& self, MemberId id, std::string& out);
  void complete_registration(Chat& chat, Member& self, std::optional<MemberId>& id, std::string& out);
  void join(const Message& m, Chat& chat, MemberId id, std::string& out);
  void privmsg(const Message& m, Chat& chat, Member& self, MemberId id, std::string& out);
  void mode(const Message& m, Chat& chat, MemberId id, std::string& out);
  void names(std::string_view channel, Chat& chat, MemberId id, std::string& out);
  void who(std::string_view mask, const Chat& chat, std::string& out) const;
  [[nodiscard]] std::string_view server() const noexcept { return info_.renderer->style().server; }
  [[nodiscard]] Lusers lusers(const Chat& chat) const;

  const IrcServerInfo& info_;
  std::string address_;       // its IP:PORT: its chat name until its nick is taken
  Registration reg_;
  bool registered_ = false;
  std::string nick_ = "*";    // its IRC nick, as the chat last named it
  std::string away_;          // AWAY's message; empty: here
  std::string last_entered_;  // the room of the last now_in (JOIN's NAMES follow it)
};

}  // namespace chat::irc
