// Extended grapheme clusters (UAX #29): what a person sees as one
// character, so the editor never splits 👍🏽, 🇰🇷, 👨‍👩‍👧, e + ◌́ or a Hangul
// syllable typed as jamo. Pure, from generated tables
// (tools/gen_grapheme_table.py), no locale.
#pragma once

#include <cstddef>
#include <string_view>

namespace chat::client {

// The end of the cluster that starts at `pos` (text.size() at the end).
[[nodiscard]] std::size_t next_grapheme(std::u32string_view text, std::size_t pos) noexcept;
// The start of the cluster that ends at `pos` (0 at the start).
[[nodiscard]] std::size_t previous_grapheme(std::u32string_view text, std::size_t pos) noexcept;
// The start of the cluster `pos` is in (pos itself on a boundary).
[[nodiscard]] std::size_t grapheme_start(std::u32string_view text, std::size_t pos) noexcept;

// Columns a cluster takes: its first character's width, or 2 when an emoji
// presentation selector (U+FE0F) or a second regional indicator makes it
// an emoji. `cluster` is one whole cluster.
[[nodiscard]] std::size_t grapheme_width(std::u32string_view cluster) noexcept;

}  // namespace chat::client
