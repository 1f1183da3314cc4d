// A chat line can be longer than an IRC line (--max-line is 4096 bytes,
// an IRC message 512 with its prefix and "\r\n"): for IRC receivers it is
// cut into pieces that each fit, never inside a UTF-8 character.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace chat::irc {

// How many bytes of text fit in ":SOURCE COMMAND TARGET :TEXT\r\n"
// within 512 bytes (tags are not counted: they have their own budget).
// At least 4, one character of any size, even for absurd prefixes.
[[nodiscard]] std::size_t text_room(std::string_view source, std::string_view command, std::string_view target);

// Cuts `text` into pieces of at most `room` bytes (room >= 4), each ending
// on a character boundary; a piece ends after its last space when that
// space is in its second half, so words are kept whole where they can be.
// The pieces, joined, are `text` again, byte for byte; an empty text is
// one empty piece. Invalid UTF-8 counts byte by byte.
[[nodiscard]] std::vector<std::string_view> split_text(std::string_view text, std::size_t room);

}  // namespace chat::irc
