// The reactor's IRC port: a framed line of an IRC client goes to its
// irc::IrcClient, which registers it in the chat and turns its messages
// into the chat's commands (docs/IRC.md). The limits are the line port's:
// the rate limit (counted before this, in on_readable), 64 lines per
// wake-up, the output queue, the stall and idle timeouts.
#include "net/reactor.h"

namespace chat {

Connection::FrameCost Reactor::on_irc_line(Connection& conn, std::string_view line) {
  using Cost = Connection::FrameCost;
  if (!conn.reading) [[unlikely]] return Cost::stop;  // the chat dropped it (Member::drop)
  switch (conn.irc()->on_line(line, chat_, conn, conn.member)) {
    case irc::IrcClient::Outcome::stay:
      return Cost::counted;
    case irc::IrcClient::Outcome::quit:
      conn.closing_because(Disconnect::quit);
      leave_room(conn);
      return Cost::stop;
  }
  return Cost::counted;
}

}  // namespace chat
