// Writes one IRC message as a line: tags (escaped), ":source", the command,
// the parameters with the last one after ":" when it needs it, and "\r\n".
// The inverse of parse_message (irc/message.h) for well-formed messages.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace chat::irc {

struct OutTag {
  std::string_view key;
  std::string_view value;  // unescaped; empty: written as "key" alone
};

struct OutMessage {
  std::span<const OutTag> tags{};
  std::string_view source{};  // without ":"; empty: none
  std::string_view command;
  std::span<const std::string_view> params{};
  // ':' before the last parameter even when it needs none: the text of
  // PRIVMSG and NOTICE, as servers write it (":a!a@h PRIVMSG #r :hi").
  bool colon_last = false;
};

// Appends `m` and "\r\n" to `out`. The last parameter is written after
// ":" when it is empty, starts with ":" or holds a space; the others must
// be none of these: a middle parameter that is empty, starts with ":" or
// holds a space makes it append nothing and return false. CR, LF and NUL
// in any parameter become spaces, so no text can end a line early or
// forge a second one.
bool append_message(std::string& out, const OutMessage& m);

// The same for parameters written in place.
bool append_message(std::string& out, std::string_view source, std::string_view command,
                    std::initializer_list<std::string_view> params);

}  // namespace chat::irc
