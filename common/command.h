// Parses one chat line into what the user asked for. Pure: no state, no I/O.
#pragma once

#include <string_view>

namespace chat {

struct Command {
  enum class Kind {
    empty,    // nothing but spaces and tabs: ignored
    text,     // a message to everyone (arg = the text, "//x" already turned into "/x")
    nick,     // /nick NAME          (arg = NAME, may be empty or contain spaces)
    who,      // /who [*]            (arg = "*" for everyone, else your room)
    msg,      // /msg NAME TEXT      (arg = NAME, text = TEXT; either may be empty)
    me,       // /me TEXT            (arg = TEXT)
    quit,     // /quit
    help,     // /help
    join,     // /join #ROOM         (arg = "#ROOM", may be empty or invalid)
    rooms,    // /rooms
    unknown,  // /word anything else (arg = "/word")
    // Accounts (docs/PROTOCOL.md "Accounts"); appended, so older kinds keep their values.
    register_account,  // /register PASSWORD      (arg = PASSWORD, may be empty)
    login,             // /login NAME PASSWORD    (arg = NAME, text = PASSWORD; either may be empty)
    logout,            // /logout
    password,          // /password OLD NEW       (arg = OLD, text = NEW; either may be empty)
    // Issue 24 (IRC habits): appended, so the kinds above keep their values.
    part,     // /part [anything]    (back to the default room; arg ignored)
    whois,    // /whois NAME         (arg = NAME, may be empty)
    history,  // /history [N]        (arg = N as typed, may be empty or not a number)
    // Moderation (docs/PROTOCOL.md "Moderation").
    op,       // /op NAME
    deop,     // /deop NAME
    topic,    // /topic [TEXT]       (arg = TEXT, may be empty)
    kick,     // /kick NAME [REASON] (arg = NAME, text = REASON)
    ban,      // /ban NAME|ADDRESS [DURATION] [REASON] (arg = target, text = the rest)
    unban,    // /unban NAME|ADDRESS
    bans,     // /bans
    mute,     // /mute NAME [DURATION] (arg = NAME, text = DURATION)
    unmute,   // /unmute NAME
    privacy,  // /private on|off
    invite,   // /invite NAME
    // Members in several rooms (the IRC port; the line protocol never
    // parses these).
    enter,    // JOIN: arg = the room, entered beside the member's others
    leave,    // PART: arg = the room left
    notice,   // NOTICE to a room: arg = the text (a text line that bots never answer)
  };
  Kind kind = Kind::empty;
  std::string_view arg{};
  std::string_view text{};
  // A member in several rooms: the room the command acts in (text, /me,
  // /who, /topic, /kick, ...), which must be one of its rooms. Empty: the
  // member's room, as for every line-protocol command.
  std::string_view room{};
};

// `line` is one framed line, without its "\n". Command words are matched
// ignoring ASCII case; arguments are trimmed of surrounding spaces and tabs.
// IRC's /list and /names are /rooms and /who.
[[nodiscard]] Command parse_command(std::string_view line) noexcept;

}  // namespace chat
