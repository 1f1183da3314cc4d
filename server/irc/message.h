// One IRC message, read from one line: IRCv3 tags, the source, the command
// and its parameters (modern.ircdocs.horse, "Messages"; ircv3.net
// "Message Tags"). Pure: bytes in, a Message or an error out.
//
// A parsed Message borrows: its source, command and parameters are views
// into the line given to parse_message, valid as long as that line is. Tag
// values are unescaped, so they are owned strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chat::irc {

// The limits of one line (modern.ircdocs.horse, "Message format"): the
// message without its tags is at most 512 bytes with its "\r\n"; the tags
// (from the "@" to the space after them) at most 8191 bytes more. A client
// may send at most 4094 bytes of tag data (between the "@" and the space;
// ircv3.net message-tags, "Size limit"): a server refuses more with 417.
inline constexpr std::size_t kMaxLineBytes = 512;
inline constexpr std::size_t kMaxBodyBytes = kMaxLineBytes - 2;  // without "\r\n"
inline constexpr std::size_t kMaxTagBytes = 8191;
inline constexpr std::size_t kMaxClientTagData = 4094;

// Whose line is read: a client's (the server's case) or a server's.
enum class From { client, server };
// RFC 1459/2812: at most 15 parameters; a 15th takes the rest of the line.
inline constexpr std::size_t kMaxParams = 15;

struct Tag {
  std::string_view key;  // "time", "+draft/reply", "example.com/foo"
  std::string value;     // unescaped; empty for "key" and "key="
};

struct Message {
  std::vector<Tag> tags;
  std::string_view source;   // without ":"; empty when absent
  std::string command;       // upper case: "PRIVMSG", or three digits
  std::vector<std::string_view> params;  // the trailing one without its ":"

  // The value of tag `key`, if the message has it.
  [[nodiscard]] const Tag* tag(std::string_view key) const noexcept;
  // Parameter `i`, or empty when there are not that many.
  [[nodiscard]] std::string_view param(std::size_t i) const noexcept {
    return i < params.size() ? params[i] : std::string_view{};
  }
};

enum class ParseError {
  empty,         // nothing but spaces (ignored by servers, not answered)
  no_command,    // tags or a source and nothing after them
  bad_command,   // not letters only nor three digits
  too_long,      // the body past 510 bytes: ERR_INPUTTOOLONG (417)
  tags_too_long, // tags past 4094 bytes from a client, 8191 from a server: 417
  bad_bytes,     // a NUL, CR or LF inside the line
};

[[nodiscard]] std::string_view describe(ParseError error) noexcept;

// Reads one line, without its line ending (the framer took it off).
// Parameters are separated by one or more spaces (lenient, as ergo and
// most servers are); a 15th parameter takes the rest of the line. The tag
// limit is the client's or the server's, as `from` says.
[[nodiscard]] std::variant<Message, ParseError> parse_message(std::string_view line, From from = From::client);

// Tag values: "\:" is ";", "\s" a space, "\\" a backslash, "\r" and "\n"
// CR and LF; a backslash before any other character is dropped, and a
// lone trailing backslash too (ircv3.net message-tags, "Escaping values").
[[nodiscard]] std::string unescape_tag_value(std::string_view escaped);
void append_escaped_tag_value(std::string& out, std::string_view value);

// Whether `key` is a well-formed tag key: an optional "+", an optional
// vendor ("example.com/"), and a name of letters, digits and "-".
[[nodiscard]] bool is_valid_tag_key(std::string_view key) noexcept;

}  // namespace chat::irc
