#include "terminal/grapheme.h"

#include <algorithm>
#include <cstdint>

#include "terminal/display_width.h"

namespace chat::client {

namespace {

enum class GB : std::uint8_t {
  Other, CR, LF, Control, Extend, ZWJ, Regional_Indicator, Prepend, SpacingMark, L, V, T, LV, LVT,
  Extended_Pictographic,
};

struct GraphemeRange {
  char32_t first, last;
  GB value;
};

#include "terminal/grapheme_table.inc"

GB property(char32_t cp) noexcept {
  const auto it = std::upper_bound(std::begin(kGraphemeRanges), std::end(kGraphemeRanges), cp,
                                   [](char32_t c, const GraphemeRange& r) { return c < r.first; });
  if (it == std::begin(kGraphemeRanges)) return GB::Other;
  const GraphemeRange& r = *std::prev(it);
  return cp <= r.last ? r.value : GB::Other;
}

bool is_control(GB p) { return p == GB::CR || p == GB::LF || p == GB::Control; }

}  // namespace

std::size_t next_grapheme(std::u32string_view text, std::size_t pos) noexcept {
  if (pos >= text.size()) return text.size();
  GB prev = property(text[pos]);
  // GB11: inside "ExtPict Extend* ZWJ", an ExtPict joins.
  bool emoji_run = prev == GB::Extended_Pictographic;
  int regional = prev == GB::Regional_Indicator ? 1 : 0;  // RIs so far in this run
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    const GB next = property(text[i]);
    bool join = false;
    if (prev == GB::CR && next == GB::LF) {
      join = true;  // GB3
    } else if (is_control(prev) || is_control(next)) {
      join = false;  // GB4, GB5
    } else if (prev == GB::L && (next == GB::L || next == GB::V || next == GB::LV || next == GB::LVT)) {
      join = true;  // GB6
    } else if ((prev == GB::LV || prev == GB::V) && (next == GB::V || next == GB::T)) {
      join = true;  // GB7
    } else if ((prev == GB::LVT || prev == GB::T) && next == GB::T) {
      join = true;  // GB8
    } else if (next == GB::Extend || next == GB::ZWJ || next == GB::SpacingMark || prev == GB::Prepend) {
      join = true;  // GB9, GB9a, GB9b
    } else if (prev == GB::ZWJ && next == GB::Extended_Pictographic && emoji_run) {
      join = true;  // GB11
    } else if (prev == GB::Regional_Indicator && next == GB::Regional_Indicator && regional % 2 == 1) {
      join = true;  // GB12, GB13: flags are pairs
    }
    if (!join) return i;
    if (next == GB::Extended_Pictographic) emoji_run = true;
    else if (next != GB::Extend && next != GB::ZWJ) emoji_run = false;
    if (next == GB::Regional_Indicator) ++regional;
    prev = next;
  }
  return text.size();
}

std::size_t grapheme_start(std::u32string_view text, std::size_t pos) noexcept {
  // Clusters are found from the start: a line is short, and walking
  // backwards by the rules needs look-behind of any length (GB11, GB12).
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = next_grapheme(text, start);
    if (end > pos) return start;
    start = end;
  }
  return text.size();
}

std::size_t previous_grapheme(std::u32string_view text, std::size_t pos) noexcept {
  if (pos == 0) return 0;
  return grapheme_start(text, std::min(pos, text.size()) - 1);
}

std::size_t grapheme_width(std::u32string_view cluster) noexcept {
  if (cluster.empty()) return 0;
  if (cluster.find(U'\uFE0F') != std::u32string_view::npos) return 2;
  if (cluster.size() >= 2 && property(cluster[0]) == GB::Regional_Indicator) return 2;
  return static_cast<std::size_t>(char_width(cluster[0]));
}

}  // namespace chat::client
