#include "terminal/display_width.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "utf8.h"

namespace chat::client {

namespace {

struct Range {
  char32_t first, last;
};

// Hand-derived from Unicode 15 (EastAsianWidth.txt W/F and the general
// categories Mn/Me/Cf) for the scripts people chat in; sorted, disjoint.
// Exactness matters less than agreeing with common terminals (xterm, VTE,
// tmux) on the characters actually typed.
constexpr std::array kZeroWidth{
    Range{0x0300, 0x036F},   // combining diacritical marks
    Range{0x0483, 0x0489},   // Cyrillic combining
    Range{0x0591, 0x05BD},   Range{0x05BF, 0x05BF}, Range{0x05C1, 0x05C2},
    Range{0x05C4, 0x05C5},   Range{0x05C7, 0x05C7},  // Hebrew points
    Range{0x0610, 0x061A},   Range{0x064B, 0x065F}, Range{0x0670, 0x0670},
    Range{0x06D6, 0x06DC},   Range{0x06DF, 0x06E4}, Range{0x06E7, 0x06E8},
    Range{0x06EA, 0x06ED},   // Arabic marks
    Range{0x0900, 0x0902},   Range{0x093A, 0x093A}, Range{0x093C, 0x093C},
    Range{0x0941, 0x0948},   Range{0x094D, 0x094D}, Range{0x0951, 0x0957},
    Range{0x0962, 0x0963},   // Devanagari signs
    Range{0x0E31, 0x0E31},   Range{0x0E34, 0x0E3A}, Range{0x0E47, 0x0E4E},  // Thai
    Range{0x1160, 0x11FF},   // Hangul medial vowels and final consonants (conjoining)
    Range{0x1AB0, 0x1AFF},   Range{0x1DC0, 0x1DFF},  // more combining marks
    Range{0x200B, 0x200F},   // zero width space/joiners, direction marks
    Range{0x202A, 0x202E},   Range{0x2060, 0x2064},
    Range{0x20D0, 0x20FF},   // combining marks for symbols
    Range{0x302A, 0x302D},   Range{0x3099, 0x309A},  // CJK/kana combining
    Range{0xD7B0, 0xD7FF},   // Hangul jamo extended-B (medial/final)
    Range{0xFE00, 0xFE0F},   // variation selectors
    Range{0xFE20, 0xFE2F},   // combining half marks
    Range{0xFEFF, 0xFEFF},   // BOM / zero width no-break space
    Range{0xE0100, 0xE01EF},  // variation selectors supplement
};

constexpr std::array kWide{
    Range{0x1100, 0x115F},   // Hangul initial consonants
    Range{0x231A, 0x231B},   Range{0x2329, 0x232A}, Range{0x23E9, 0x23EC},
    Range{0x23F0, 0x23F0},   Range{0x23F3, 0x23F3}, Range{0x25FD, 0x25FE},
    Range{0x2614, 0x2615},   Range{0x2648, 0x2653}, Range{0x267F, 0x267F},
    Range{0x2693, 0x2693},   Range{0x26A1, 0x26A1}, Range{0x26AA, 0x26AB},
    Range{0x26BD, 0x26BE},   Range{0x26C4, 0x26C5}, Range{0x26CE, 0x26CE},
    Range{0x26D4, 0x26D4},   Range{0x26EA, 0x26EA}, Range{0x26F2, 0x26F3},
    Range{0x26F5, 0x26F5},   Range{0x26FA, 0x26FA}, Range{0x26FD, 0x26FD},
    Range{0x2705, 0x2705},   Range{0x270A, 0x270B}, Range{0x2728, 0x2728},
    Range{0x274C, 0x274C},   Range{0x274E, 0x274E}, Range{0x2753, 0x2755},
    Range{0x2757, 0x2757},   Range{0x2795, 0x2797}, Range{0x27B0, 0x27B0},
    Range{0x27BF, 0x27BF},   Range{0x2B1B, 0x2B1C}, Range{0x2B50, 0x2B50},
    Range{0x2B55, 0x2B55},   // emoji-presentation symbols in the BMP
    Range{0x2E80, 0x303E},   // CJK radicals, ideographic description, CJK symbols
    Range{0x3041, 0x3098},   Range{0x309B, 0x33FF},  // kana, bopomofo, Hangul compat jamo, CJK compat
    Range{0x3400, 0x4DBF},   // CJK extension A
    Range{0x4E00, 0x9FFF},   // CJK unified ideographs
    Range{0xA000, 0xA4CF},   // Yi
    Range{0xA960, 0xA97F},   // Hangul jamo extended-A (initials)
    Range{0xAC00, 0xD7A3},   // Hangul syllables
    Range{0xF900, 0xFAFF},   // CJK compatibility ideographs
    Range{0xFE10, 0xFE19},   Range{0xFE30, 0xFE6F},  // vertical and small forms
    Range{0xFF00, 0xFF60},   Range{0xFFE0, 0xFFE6},  // fullwidth forms
    Range{0x16FE0, 0x16FE4}, Range{0x17000, 0x18CFF},  // Tangut
    Range{0x1B000, 0x1B2FF},  // kana supplement/extended
    Range{0x1F004, 0x1F004}, Range{0x1F0CF, 0x1F0CF}, Range{0x1F18E, 0x1F18E},
    Range{0x1F191, 0x1F19A}, Range{0x1F200, 0x1F251},
    Range{0x1F300, 0x1F320}, Range{0x1F32D, 0x1F335}, Range{0x1F337, 0x1F37C},
    Range{0x1F37E, 0x1F393}, Range{0x1F3A0, 0x1F3CA}, Range{0x1F3CF, 0x1F3D3},
    Range{0x1F3E0, 0x1F3F0}, Range{0x1F3F4, 0x1F3F4}, Range{0x1F3F8, 0x1F43E},
    Range{0x1F440, 0x1F440}, Range{0x1F442, 0x1F4FC}, Range{0x1F4FF, 0x1F53D},
    Range{0x1F54B, 0x1F54E}, Range{0x1F550, 0x1F567}, Range{0x1F57A, 0x1F57A},
    Range{0x1F595, 0x1F596}, Range{0x1F5A4, 0x1F5A4}, Range{0x1F5FB, 0x1F64F},
    Range{0x1F680, 0x1F6C5}, Range{0x1F6CC, 0x1F6CC}, Range{0x1F6D0, 0x1F6D2},
    Range{0x1F6D5, 0x1F6D7}, Range{0x1F6DC, 0x1F6DF}, Range{0x1F6EB, 0x1F6EC},
    Range{0x1F6F4, 0x1F6FC}, Range{0x1F7E0, 0x1F7EB}, Range{0x1F7F0, 0x1F7F0},
    Range{0x1F90C, 0x1F93A}, Range{0x1F93C, 0x1F945}, Range{0x1F947, 0x1F9FF},
    Range{0x1FA70, 0x1FAFF},  // emoji
    Range{0x20000, 0x2FFFD}, Range{0x30000, 0x3FFFD},  // CJK extensions B..
};

template <std::size_t N>
constexpr bool in_table(const std::array<Range, N>& table, char32_t cp) noexcept {
  // The first range whose end is not below cp; cp is in it if it starts by then.
  const auto it = std::lower_bound(table.begin(), table.end(), cp,
                                   [](const Range& r, char32_t c) { return r.last < c; });
  return it != table.end() && it->first <= cp;
}

template <std::size_t N>
constexpr bool sorted_disjoint(const std::array<Range, N>& table) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i].first > table[i].last) return false;
    if (i > 0 && table[i - 1].last >= table[i].first) return false;
  }
  return true;
}
static_assert(sorted_disjoint(kZeroWidth), "binary search needs sorted, disjoint ranges");
static_assert(sorted_disjoint(kWide), "binary search needs sorted, disjoint ranges");

}  // namespace

int char_width(char32_t cp) noexcept {
  if (cp < 0x300) return 1;  // the common case: ASCII and Latin-1
  if (in_table(kZeroWidth, cp)) return 0;
  if (in_table(kWide, cp)) return 2;
  return 1;
}

std::size_t text_width(std::string_view utf8) noexcept {
  std::size_t width = 0;
  while (!utf8.empty()) {
    const DecodedChar c = decode_utf8(utf8);
    width += c.valid ? static_cast<std::size_t>(char_width(c.code_point)) : 1;
    utf8.remove_prefix(c.length);
  }
  return width;
}

std::string_view first_that_fits(std::span<const std::string> choices, std::size_t columns) noexcept {
  for (const std::string& choice : choices) {
    if (text_width(choice) < columns) return choice;
  }
  return choices.empty() ? std::string_view() : std::string_view(choices.back());
}

}  // namespace chat::client
