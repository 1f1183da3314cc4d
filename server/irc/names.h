// Names across the protocols: how a chat user is called on IRC, and back.
//
// A chat nickname is already a valid IRC nick (modern.ircdocs.horse
// "Clients"): it never holds a space, "," "*" "?" "!" "@", never starts
// with "$", ":" or a channel or prefix character; common/nickname.h allows
// only letters, digits, "_", "-" and "." (the last one is a "SHOULD NOT"
// for IRC, which the chat allows on every port alike). So a nickname is
// shown to IRC users as it is, and an IRC user picks one under the very
// same rules (check_nick below is common/nickname.h's check).
//
// A line user who never typed /nick is called by its address,
// "127.0.0.1:42590" or "[2001:db8::1]:4000", which no IRC nick may be. On
// IRC it is shown as
//
//   u127-0-0-1|42590         IPv4: "u", the dots as "-", "|", the port
//   u2001-db8--1|4000        IPv6: "u", the colons as "-", "|", the port,
//                            when that fits NICKLEN (32)
//   u6|<29 base32 letters>   IPv6 that does not fit: the 16 address bytes
//                            and the 2 port bytes in RFC 4648 base32,
//                            lower case, no padding
//
// "|" is allowed in IRC nicks and refused in chat nicknames, so no one can
// take a nickname that collides with an address's IRC nick; the mapping is
// one-to-one, and address_for_nick reverses it, so an IRC user can
// PRIVMSG u127-0-0-1|42590 and reach 127.0.0.1:42590.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nickname.h"

namespace chat::irc {

// Whether `name` is a line user's address name ("HOST:PORT",
// "[HOST]:PORT"): no nickname holds a ":".
[[nodiscard]] bool is_address_name(std::string_view name) noexcept;

// The IRC nick of the chat user called `name`: a nickname as it is, an
// address name mapped as above.
[[nodiscard]] std::string nick_for(std::string_view name);

// The address name an IRC nick made by nick_for stands for, or nullopt if
// `nick` is not one (then it is a nickname, or no one).
[[nodiscard]] std::optional<std::string> address_for_nick(std::string_view nick);

// The chat name an IRC user means by `nick`: the address it stands for,
// or the nick itself.
[[nodiscard]] std::string name_for_nick(std::string_view nick);

// What NICK from an IRC client must pass: the chat's nickname rules.
[[nodiscard]] inline NicknameProblem check_nick(std::string_view nick) { return check_nickname(nick); }

}  // namespace chat::irc
