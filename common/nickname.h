// Nickname rules: what a user may call themselves.
#pragma once

#include <string>
#include <string_view>

namespace chat {

inline constexpr std::size_t kMaxNicknameChars = 32;

// 1 to 32 characters, each a letter or digit of any script, '_', '-' or '.',
// or a combining mark after one of those (so Devanagari or Hangul-jamo names
// work); valid UTF-8; not "You" in any case (the client shows the user's own
// lines as "[You] ..."); no Hangul filler, a "letter" that renders blank.
// This excludes spaces, controls and "[ ] : , / @", which the protocol uses
// around names.
[[nodiscard]] bool is_valid_nickname(std::string_view name) noexcept;

// The key under which nicknames must be unique: ASCII letters folded to
// lower case, every other byte kept.
[[nodiscard]] std::string nickname_key(std::string_view name);

}  // namespace chat
