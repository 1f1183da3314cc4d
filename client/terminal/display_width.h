// How many terminal columns a character takes, independent of the locale:
// the editor must place the cursor right even where wcwidth() knows no UTF-8
// (LANG=C) or disagrees with the terminal on old tables.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace chat::client {

// 0 for combining marks, zero-width characters and Hangul medial/final
// jamo (they join the syllable before them); 2 for East Asian Wide and
// Fullwidth characters (Hangul, CJK, kana, fullwidth forms, most emoji);
// 1 for everything else, control characters included (the editor never
// holds those).
[[nodiscard]] int char_width(char32_t cp) noexcept;

// The columns a UTF-8 string takes; invalid bytes count as one column each
// (they are shown as U+FFFD).
[[nodiscard]] std::size_t text_width(std::string_view utf8) noexcept;

// The first of `choices` (longest first) narrower than `columns`, so it
// stays on one row with the last column free; the last one if none is.
[[nodiscard]] std::string_view first_that_fits(std::span<const std::string> choices, std::size_t columns) noexcept;

}  // namespace chat::client
