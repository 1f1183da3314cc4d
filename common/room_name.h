// Room names: where a conversation happens ("#lobby", "#random").
#pragma once

#include <string>
#include <string_view>

namespace chat {

// "#" followed by 1 to 32 characters of the nickname alphabet (letters and
// digits of any script, '_', '-', '.', combining marks after one of those;
// common/nickname.h). Unlike a nickname, "#you" is allowed.
[[nodiscard]] bool is_valid_room_name(std::string_view name) noexcept;

// The key under which room names are unique: "#" and the nickname_key()
// of the rest (common/nickname.h), so rooms are unique by the same
// confusable skeleton as nicknames: "#Release", Cyrillic "#rеlease",
// full-width "#ｒｅｌｅａｓｅ" and "#releaſe" are one room.
[[nodiscard]] std::string room_key(std::string_view name);

}  // namespace chat
