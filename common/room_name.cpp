#include "room_name.h"

#include "nickname.h"

namespace chat {

namespace {

bool is_you(std::string_view s) noexcept {
  return s.size() == 3 && (s[0] | 0x20) == 'y' && (s[1] | 0x20) == 'o' && (s[2] | 0x20) == 'u';
}

}  // namespace

bool is_valid_room_name(std::string_view name) noexcept {
  if (!name.starts_with('#')) return false;
  name.remove_prefix(1);
  // The nickname alphabet; "You" is reserved only among nicknames.
  return is_you(name) || is_valid_nickname(name);
}

std::string room_key(std::string_view name) {
  if (!name.starts_with('#')) return nickname_key(name);
  return "#" + nickname_key(name.substr(1));
}

}  // namespace chat
