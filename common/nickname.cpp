#include "nickname.h"

#include <algorithm>
#include <iterator>

#include "utf8.h"

namespace chat {

namespace {

struct CodePointRange {
  char32_t lo, hi;
};

#include "unicode_classes_table.inc"

template <std::size_t N>
bool in_ranges(const CodePointRange (&ranges)[N], char32_t cp) noexcept {
  const auto* it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                                    [](char32_t v, const CodePointRange& r) { return v < r.lo; });
  return it != std::begin(ranges) && cp <= std::prev(it)->hi;
}

// Hangul fillers are letters (Lo) to Unicode but render as blanks: a name
// made of them would be invisible, or look like someone else's.
bool is_invisible_letter(char32_t cp) noexcept {
  return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0;
}

bool is_name_char(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '_' || cp == '-' || cp == '.';
  }
  return in_ranges(kLetterOrDigitRanges, cp) && !is_invisible_letter(cp);
}

}  // namespace

std::string nickname_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

bool is_valid_nickname(std::string_view name) noexcept {
  std::size_t chars = 0;
  for (std::string_view rest = name; !rest.empty(); ++chars) {
    const DecodedChar c = decode_utf8(rest);
    if (!c.valid) return false;
    const bool ok = is_name_char(c.code_point) ||
                    (chars > 0 && in_ranges(kMarkRanges, c.code_point));
    if (!ok) return false;
    rest.remove_prefix(c.length);
  }
  if (chars == 0 || chars > kMaxNicknameChars) return false;
  return !(name.size() == 3 && (name[0] | 0x20) == 'y' && (name[1] | 0x20) == 'o' &&
           (name[2] | 0x20) == 'u');
}

}  // namespace chat
