// The IRC port, as the reactor gets it: its listeners, the protocol its
// lines are rendered in, and what every IRC client of this server shares
// (docs/IRC.md).
#pragma once

#include <vector>

#include "core/renderer.h"
#include "irc/irc_client.h"
#include "unique_fd.h"

namespace chat {

struct IrcSetup {
  std::vector<UniqueFd> listeners;  // none: no --irc-port
  ProtocolId protocol = kCanonicalProtocol;  // irc::IrcRenderer's id
  irc::IrcServerInfo info;  // info.renderer is set when listeners are
};

}  // namespace chat
