// RPL_ISUPPORT (005): what the IRC port tells a client about itself after
// registration (modern.ircdocs.horse "RPL_ISUPPORT Tokens"). Every value is
// generated from the settings here, which mirror the chat's own rules, so
// the client is told the limits the server really applies.
//
// CASEMAPPING=rfc8265 is the closest standard statement of how the chat
// compares names, and it is an understatement: the chat treats two names as
// one when their UTS #39 confusable skeletons of the NFKC case fold match
// (common/nickname.h nickname_key: "alice", "ALICE", Cyrillic "аlice",
// full-width "ａｌｉｃｅ", even "rn" and "m"). Everything rfc8265 folds
// together, the chat does too; it also folds more. No token names that
// coarser rule, and the extra folding cannot mislead a client about who is
// who: two names the chat folds together are never held by two users at
// once. docs/IRC.md says so to users.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chat::irc {

struct IsupportSettings {
  std::string network = "chat";    // NETWORK
  std::size_t nicklen = 32;        // characters (common/nickname.h kMaxNicknameChars)
  std::size_t channellen = 33;     // characters: "#" and up to 32 (common/room_name.h)
  std::size_t topiclen = 300;      // bytes, so RPL_TOPIC fits a 512-byte line
  std::size_t kicklen = 300;
  std::size_t awaylen = 200;
  std::size_t chanlimit = 20;      // CHANLIMIT=#:N, channels one user may be in
  std::size_t maxbans = 100;       // MAXLIST=b:N
  std::size_t modes = 4;           // mode changes with a parameter per MODE command
  std::size_t max_targets = 4;     // TARGMAX for PRIVMSG, NOTICE, KICK and NAMES
};

// The tokens, in the order they are sent: "AWAYLEN=200", "UTF8ONLY", ...
[[nodiscard]] std::vector<std::string> isupport_tokens(const IsupportSettings& settings);

// At most this many tokens in one 005 reply (15 parameters: the nick, 13
// tokens, the closing text).
inline constexpr std::size_t kTokensPerReply = 13;

// Appends the 005 replies for `nick` from `server`, kTokensPerReply tokens
// at most in each.
void append_isupport(std::string& out, std::string_view server, std::string_view nick,
                     const IsupportSettings& settings);

}  // namespace chat::irc
