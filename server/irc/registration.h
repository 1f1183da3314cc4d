// Registration: from a new connection to a registered IRC user
// (modern.ircdocs.horse "Connection Registration"), as a pure function over
// a small struct. The client sends, in any order, CAP (optional; holds
// registration up until CAP END), PASS (ignored: chatd has no server
// password), NICK and USER; once NICK and USER are in and no CAP
// negotiation or SASL exchange is open, the step says `ready` and the
// caller claims the nick in the chat (433 if taken) and sends the burst:
// 001-005, LUSERS (251-255, 265, 266) and the MOTD (375, 372..., 376, or
// 422).
//
// Before that, PING is answered, QUIT ends it, AUTHENTICATE goes to the
// caller (SASL, irc/sasl.h), and anything else gets ERR_NOTREGISTERED.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "irc/cap.h"
#include "irc/isupport.h"
#include "irc/message.h"

namespace chat::irc {

struct Registration {
  std::string nick;      // as given by the last valid NICK
  std::string user;      // USER's first parameter
  std::string realname;  // USER's last parameter
  bool got_user = false;
  bool sasl_open = false;  // an AUTHENTICATE exchange is under way (the caller sets it)
  bool registered = false;
  CapState cap;
};

struct RegistrationContext {
  std::string_view server;
  bool sasl_offered = false;  // TLS: SASL may be offered (irc/cap.h)
};

enum class RegistrationStep {
  waiting,       // answered (or not) and waiting for more
  ready,         // NICK and USER are in: claim the nick, then append_burst
  authenticate,  // AUTHENTICATE: the caller's SASL exchange
  quit,          // QUIT: close after an ERROR line
};

// One message before registration; appends whatever must be answered.
[[nodiscard]] RegistrationStep register_step(Registration& reg, const Message& m, const RegistrationContext& context,
                                             std::string& out);

// Whether NICK, USER and no open CAP or SASL let registration complete.
[[nodiscard]] bool can_complete(const Registration& reg) noexcept;

struct Lusers {
  std::size_t users = 0;     // online, every node (invisible are not separated)
  std::size_t local = 0;     // on this node
  std::size_t operators = 0;
  std::size_t unknown = 0;   // connections not registered yet
  std::size_t channels = 0;
  std::size_t servers = 1;   // cluster nodes
  std::size_t max_local = 0;
  std::size_t max_users = 0;
};

struct Burst {
  std::string_view server;
  std::string_view nick;
  std::string_view user;
  std::string_view host;
  std::string_view version;  // "chatd-1.4.0"
  std::string_view created;  // when this server started, as people read it
  IsupportSettings isupport;
  Lusers lusers;
  std::vector<std::string_view> motd;  // empty: ERR_NOMOTD
};

// 001-005, then append_lusers and append_motd.
void append_burst(std::string& out, const Burst& burst);
// 251, 252 and 253 when not zero, 254, 255, 265, 266: also LUSERS' reply.
void append_lusers(std::string& out, std::string_view server, std::string_view nick, const Lusers& l);
// 375, one 372 per line, 376; or 422 when there is none: also MOTD's reply.
void append_motd(std::string& out, std::string_view server, std::string_view nick,
                 const std::vector<std::string_view>& motd);

// RPL_MYINFO's modes: user modes, channel modes, channel modes with a
// parameter (docs/IRC.md has what each means).
inline constexpr std::string_view kUserModes = "io";
inline constexpr std::string_view kChannelModes = "bikmnotv";
inline constexpr std::string_view kChannelModesWithParam = "bkov";

}  // namespace chat::irc
