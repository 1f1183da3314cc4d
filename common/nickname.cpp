#include "nickname.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "utf8.h"

namespace chat {

namespace {

struct CodePointRange {
  char32_t lo, hi;
};

struct SkeletonEntry {
  char32_t code_point;
  std::uint16_t at;  // the key's first code point in kSkeletonPool
  std::uint8_t length;
};

#include "nickname_skeleton_table.inc"
#include "unicode_classes_table.inc"

template <std::size_t N>
bool in_ranges(const CodePointRange (&ranges)[N], char32_t cp) noexcept {
  const auto* it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                                    [](char32_t v, const CodePointRange& r) { return v < r.lo; });
  return it != std::begin(ranges) && cp <= std::prev(it)->hi;
}

bool is_space(char32_t cp) noexcept {
  // White_Space: the invisible ranges that are not default-ignorable.
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool is_name_char(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '_' || cp == '-' || cp == '.';
  }
  return in_ranges(kLetterOrDigitRanges, cp);
}

void append_key(std::string& out, char32_t cp) {
  const auto* it = std::lower_bound(std::begin(kSkeletonEntries), std::end(kSkeletonEntries), cp,
                                    [](const SkeletonEntry& e, char32_t v) { return e.code_point < v; });
  if (it == std::end(kSkeletonEntries) || it->code_point != cp) {
    append_utf8(out, cp);
    return;
  }
  for (std::size_t i = 0; i < it->length; ++i) append_utf8(out, kSkeletonPool[it->at + i]);
}

// Hangul syllables are keyed by their jamo (their canonical decomposition),
// which the table does not list (Unicode ch. 3.12).
constexpr char32_t kHangulFirst = 0xAC00, kHangulLast = 0xD7A3;

void append_hangul_key(std::string& out, char32_t cp) {
  const char32_t s = cp - kHangulFirst;
  append_key(out, 0x1100 + s / (21 * 28));
  append_key(out, 0x1161 + (s % (21 * 28)) / 28);
  if (s % 28 != 0) append_key(out, 0x11A7 + s % 28);
}

}  // namespace

std::string nickname_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  while (!name.empty()) {
    const DecodedChar c = decode_utf8(name);
    if (!c.valid) {
      key.append(name.substr(0, c.length));
    } else if (c.code_point >= kHangulFirst && c.code_point <= kHangulLast) {
      append_hangul_key(key, c.code_point);
    } else {
      append_key(key, c.code_point);
    }
    name.remove_prefix(c.length);
  }
  return key;
}

NicknameProblem check_nickname(std::string_view name) {
  if (name.empty()) return NicknameProblem::empty;
  std::size_t chars = 0;
  for (std::string_view rest = name; !rest.empty(); ++chars) {
    const DecodedChar c = decode_utf8(rest);
    if (!c.valid) return NicknameProblem::invalid_utf8;
    const char32_t cp = c.code_point;
    if (is_space(cp)) return NicknameProblem::space;
    if (is_invisible(cp)) return NicknameProblem::invisible;
    if (!is_name_char(cp)) {
      if (!in_ranges(kMarkRanges, cp)) return NicknameProblem::not_allowed;
      if (chars == 0) return NicknameProblem::leading_mark;
    }
    rest.remove_prefix(c.length);
  }
  if (chars > kMaxNicknameChars) return NicknameProblem::too_long;
  static const std::string reserved_key = nickname_key("You");
  if (nickname_key(name) == reserved_key) return NicknameProblem::reserved;
  return NicknameProblem::none;
}

std::string_view describe(NicknameProblem problem) noexcept {
  switch (problem) {
    case NicknameProblem::none:
      return "";
    case NicknameProblem::empty:
      return "empty";
    case NicknameProblem::invalid_utf8:
      return "not valid UTF-8";
    case NicknameProblem::space:
      return "spaces not allowed";
    case NicknameProblem::invisible:
      return "invisible characters not allowed";
    case NicknameProblem::leading_mark:
      return "cannot start with a combining mark";
    case NicknameProblem::not_allowed:
      return "only letters, digits, _ - . allowed";
    case NicknameProblem::too_long:
      return "too long: max 32 characters";
    case NicknameProblem::reserved:
      return "reserved";
  }
  return "";
}

}  // namespace chat
