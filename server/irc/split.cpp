#include "irc/split.h"

#include <algorithm>

#include "irc/message.h"

namespace chat::irc {

namespace {

bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The largest cut <= limit that is not inside a character: a continuation
// byte is stepped back over, at most three times (past that, the bytes are
// invalid anyway and may be cut anywhere).
std::size_t boundary(std::string_view text, std::size_t limit) noexcept {
  std::size_t cut = limit;
  for (int back = 0; back < 3 && cut > 0 && cut < text.size() && is_continuation(text[cut]); ++back) --cut;
  if (cut == 0) cut = limit;  // one giant invalid run: cut by bytes
  return cut;
}

}  // namespace

std::size_t text_room(std::string_view source, std::string_view command, std::string_view target) {
  // ":" source " " command " " target " :" text "\r\n"
  const std::size_t frame = 1 + source.size() + 1 + command.size() + 1 + target.size() + 2;
  return frame + 4 > kMaxBodyBytes ? 4 : kMaxBodyBytes - frame;
}

std::vector<std::string_view> split_text(std::string_view text, std::size_t room) {
  room = std::max<std::size_t>(room, 4);
  std::vector<std::string_view> pieces;
  while (text.size() > room) {
    std::size_t cut = boundary(text, room);
    const auto space = text.substr(0, cut).rfind(' ');
    if (space != std::string_view::npos && space + 1 > cut / 2) cut = space + 1;
    pieces.push_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  pieces.push_back(text);
  return pieces;
}

}  // namespace chat::irc
