// Nickname rules: what a user may call themselves.
#pragma once

#include <string>
#include <string_view>

namespace chat {

inline constexpr std::size_t kMaxNicknameChars = 32;

// Why a proposed nickname is refused; `none` when it is fine.
enum class NicknameProblem {
  none,
  empty,
  invalid_utf8,
  space,          // a White_Space character
  invisible,      // default-ignorable: variation selectors, joiners, tags, fillers...
  leading_mark,   // a combining mark with nothing to combine with
  not_allowed,    // a symbol, punctuation or control
  too_long,       // more than kMaxNicknameChars characters
  reserved,       // looks like "You" (the client shows the user's own lines as "[You] ...")
};

// 1 to 32 characters, each a letter or digit of any script, '_', '-' or '.',
// or a combining mark after one of those (so Devanagari or Hangul-jamo names
// work); valid UTF-8; no invisible character (Default_Ignorable_Code_Point,
// e.g. U+FE0F, U+034F, U+180B, U+E0100, or a Hangul filler); and not the
// reserved "You" under any disguise: its nickname_key() must differ from
// that of "You". This excludes spaces, controls and "[ ] : , / @", which the
// protocol uses around names.
[[nodiscard]] NicknameProblem check_nickname(std::string_view name);
[[nodiscard]] inline bool is_valid_nickname(std::string_view name) {
  return check_nickname(name) == NicknameProblem::none;
}

// What a user is told, e.g. "spaces not allowed"; empty for `none`.
[[nodiscard]] std::string_view describe(NicknameProblem problem) noexcept;

// The key under which nicknames must be unique (UTF-8): each character's
// UTS #39 skeleton of its NFKC case fold, from a table generated with ICU
// (tools/gen_nickname_skeleton.cpp), so "alice", "ALICE", Cyrillic "аlice",
// full-width "ａｌｉｃｅ", and "café" precomposed or decomposed share a key.
// Bytes that are not valid UTF-8, and characters that cannot appear in a
// nickname, are kept as they are. Combining marks are not canonically
// reordered (two marks typed in the other order give another key).
[[nodiscard]] std::string nickname_key(std::string_view name);

}  // namespace chat
