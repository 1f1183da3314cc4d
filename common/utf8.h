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

// True for C0 controls except TAB, DEL, and the C1 controls U+0080..U+009F
// (0x9B alone is a CSI on some terminals).
[[nodiscard]] constexpr bool is_control(char32_t cp) noexcept {
  return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
}

// Returns `in` with control characters (other than TAB) removed and every
// invalid UTF-8 sequence replaced by U+FFFD. Idempotent.
[[nodiscard]] std::string sanitize_text(std::string_view in);

// Appends sanitize_text(in) to `out` (no temporary string).
void append_sanitized(std::string& out, std::string_view in);

}  // namespace chat
