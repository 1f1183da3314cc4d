// CTCP ACTION, IRC's /me: "\x01ACTION waves\x01" in a PRIVMSG is the chat's
// action event (* alice waves), and an action is sent to IRC users so.
// Other CTCP requests (VERSION, PING, TIME...) are for IRC clients only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chat::irc {

inline constexpr char kCtcpDelimiter = '\x01';

// Whether a PRIVMSG or NOTICE text is CTCP (starts with \x01).
[[nodiscard]] inline bool is_ctcp(std::string_view text) noexcept {
  return !text.empty() && text.front() == kCtcpDelimiter;
}

// The CTCP command: "ACTION" of "\x01ACTION waves\x01", in upper case;
// empty if `text` is not CTCP.
[[nodiscard]] std::string ctcp_command(std::string_view text);

// What an ACTION does: "waves" of "\x01ACTION waves\x01" (the closing \x01
// may be missing, as some clients send it); nullopt if not an ACTION.
[[nodiscard]] std::optional<std::string_view> action_text(std::string_view text) noexcept;

// Appends "\x01ACTION TEXT\x01".
void append_action(std::string& out, std::string_view text);

}  // namespace chat::irc
