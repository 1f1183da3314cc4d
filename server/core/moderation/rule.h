// One moderation fact, as it is stored (--store), sent to the other nodes
// (--cluster) and applied (Moderation::apply): "bob is an operator of
// #rust", "203.0.113.9 is banned from #lobby until T", or its removal.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

struct ModerationRule {
  enum class Kind : char {
    owner = 'O',        // name = the owning account
    op = 'P',           // key = account key, name = the account
    topic = 'T',        // text = the topic, by = who set it
    ban = 'B',          // key = "a:ACCOUNTKEY" or "h:ADDRESSKEY", name as shown, text = reason, until
    mute = 'M',         // as ban
    invite_only = 'V',  // set: the room is invite-only
    invite = 'I',       // key = account or nickname key, name as shown
  };
  Kind kind = Kind::topic;
  bool removed = false;   // the rule is lifted (deop, unban, unmute, private off)
  std::string room;       // as spelled, with its "#"
  std::string key;
  std::string name;
  std::string by;
  std::string text;
  std::int64_t until = 0;  // seconds since the epoch; 0: permanent

  bool operator==(const ModerationRule&) const = default;
};

}  // namespace chat
