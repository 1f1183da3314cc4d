// UTF-8 decoding and the sanitizer that keeps terminal escapes off other
// users' screens.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chat {

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

struct DecodedChar {
  char32_t code_point;  // meaningful only when valid
  std::size_t length;   // bytes consumed: the sequence, or its maximal invalid prefix (>= 1)
  bool valid;
};

// Decodes the first character of a non-empty `s`. Overlong forms, surrogates
// and values above U+10FFFF are invalid. An invalid sequence reports the
// length of its "maximal subpart" (Unicode ch. 3, U+FFFD substitution), so a
// truncated sequence followed by ASCII loses only the truncated bytes.
DecodedChar decode_utf8(std::string_view s) noexcept;

[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

// Appends the UTF-8 encoding of `cp` (a scalar value) to `out`.
void append_utf8(std::string& out, char32_t cp);

// True for C0 controls except TAB, DEL, and the C1 controls U+0080..U+009F
// (0x9B alone is a CSI on some terminals).
[[nodiscard]] constexpr bool is_control(char32_t cp) noexcept {
  return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
}

// Bidirectional formatting characters, which can reorder what a terminal
// shows (U+202E makes "txt.exe" of "exe.txt"), and the line and paragraph
// separators U+2028/U+2029, which some terminals and clients break lines at:
// U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, U+2028, U+2029.
[[nodiscard]] constexpr bool is_stripped_format(char32_t cp) noexcept {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// True for what shows nothing on its own: White_Space, the
// Default_Ignorable_Code_Point set (joiners, variation selectors, tags,
// Hangul fillers...) and U+2800 BRAILLE PATTERN BLANK (common/invisible_table.inc).
[[nodiscard]] bool is_invisible(char32_t cp) noexcept;

// True if valid UTF-8 `text` has a character that is not invisible: a line
// without one is blank to its readers and is not sent.
[[nodiscard]] bool has_visible_text(std::string_view text) noexcept;

// Returns `in` with control characters (other than TAB) and
// is_stripped_format() characters removed and every invalid UTF-8 sequence
// replaced by U+FFFD. Idempotent.
[[nodiscard]] std::string sanitize_text(std::string_view in);

// Appends sanitize_text(in) to `out` (no temporary string).
void append_sanitized(std::string& out, std::string_view in);

// Cuts `s` to at most `max` bytes, at a character boundary (never inside a
// UTF-8 sequence), so valid UTF-8 stays valid. Inline: on the line path
// it is one comparison when nothing is cut.
void cut_utf8(std::string& s, std::size_t max) noexcept;
inline void truncate_utf8(std::string& s, std::size_t max) noexcept {
  if (s.size() > max) [[unlikely]] cut_utf8(s, max);
}

}  // namespace chat
