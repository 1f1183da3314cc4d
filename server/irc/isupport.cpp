#include "irc/isupport.h"

#include <algorithm>

#include "irc/numerics.h"
#include "irc/serializer.h"

namespace chat::irc {

std::vector<std::string> isupport_tokens(const IsupportSettings& s) {
  const auto n = [](std::size_t v) { return std::to_string(v); };
  const std::string targets = n(s.max_targets);
  return {
      "AWAYLEN=" + n(s.awaylen),
      "CASEMAPPING=rfc8265",
      "CHANLIMIT=#:" + n(s.chanlimit),
      // A: the ban list; B: the key; C: none; D: the flags (docs/IRC.md).
      "CHANMODES=b,,,int",
      "CHANNELLEN=" + n(s.channellen),
      "CHANTYPES=#",
      "KICKLEN=" + n(s.kicklen),
      "MAXLIST=b:" + n(s.maxbans),
      "MODES=" + n(s.modes),
      "NETWORK=" + s.network,
      "NICKLEN=" + n(s.nicklen),
      "PREFIX=(ov)@+",
      "TARGMAX=JOIN:,KICK:" + targets + ",NAMES:" + targets + ",NOTICE:" + targets + ",PART:,PRIVMSG:" + targets + ",WHOIS:1",
      "TOPICLEN=" + n(s.topiclen),
      "UTF8ONLY",
  };
}

void append_isupport(std::string& out, std::string_view server, std::string_view nick,
                     const IsupportSettings& settings) {
  const std::vector<std::string> tokens = isupport_tokens(settings);
  const std::string digits = code(Numeric::RPL_ISUPPORT);
  for (std::size_t at = 0; at < tokens.size(); at += kTokensPerReply) {
    const std::size_t end = std::min(tokens.size(), at + kTokensPerReply);
    std::vector<std::string_view> params;
    params.reserve(end - at + 2);
    params.push_back(nick);
    for (std::size_t i = at; i < end; ++i) params.push_back(tokens[i]);
    params.push_back(info(Numeric::RPL_ISUPPORT).text);
    append_message(out, OutMessage{.source = server, .command = digits, .params = params});
  }
}

}  // namespace chat::irc
