// An independent UTF-8 decoder for the fuzz targets to check common/utf8
// against. It is written differently on purpose: the sequence length comes
// from the lead byte's high bits alone, and validity is decided on values
// (shortest form, no surrogates, at most U+10FFFF) instead of on the allowed
// ranges of the second byte, so a shared mistake is unlikely.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fuzzref {

struct Decoded {
  char32_t code_point;  // meaningful only when valid
  std::size_t length;   // bytes consumed (>= 1)
  bool valid;
};

namespace detail {

constexpr bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// True if some well-formed sequence of `need` bytes starts with the `have`
// bytes whose payload bits are `bits`. The completions of a prefix cover one
// contiguous range of values (missing bytes all 0x80 .. all 0xBF), so it is
// enough to intersect that range with the values allowed for `need` bytes.
constexpr bool viable_prefix(char32_t bits, std::size_t have, std::size_t need) {
  const unsigned missing_bits = 6 * static_cast<unsigned>(need - have);
  const char32_t lo = bits << missing_bits;
  const char32_t hi = lo | ((char32_t{1} << missing_bits) - 1);
  const char32_t shortest = need == 2 ? 0x80 : need == 3 ? 0x800 : 0x10000;
  const char32_t from = lo > shortest ? lo : shortest;
  const char32_t to = hi < 0x10FFFF ? hi : 0x10FFFF;
  if (from > to) return false;
  if (from >= 0xD800 && to <= 0xDFFF) return false;  // nothing but surrogates
  return true;
}

}  // namespace detail

// Decodes the first character of non-empty `s`; an invalid sequence consumes
// its maximal subpart (the longest prefix of some well-formed sequence, at
// least one byte), as Unicode recommends for U+FFFD substitution.
inline Decoded decode(std::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  std::size_t need = 0;
  char32_t bits = 0;
  if (lead < 0x80) return {lead, 1, true};
  if ((lead & 0xE0) == 0xC0) {
    need = 2;
    bits = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    need = 3;
    bits = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    need = 4;
    bits = lead & 0x07;
  } else {
    return {0, 1, false};  // a stray continuation byte or 0xF8..0xFF
  }
  if (!detail::viable_prefix(bits, 1, need)) return {0, 1, false};
  std::size_t have = 1;
  while (have < need && have < s.size()) {
    const auto b = static_cast<unsigned char>(s[have]);
    if (!detail::is_continuation(b)) break;
    const char32_t next = (bits << 6) | (b & 0x3F);
    if (!detail::viable_prefix(next, have + 1, need)) break;
    bits = next;
    ++have;
  }
  if (have < need) return {0, have, false};
  return {bits, need, true};
}

inline bool is_valid(std::string_view s) {
  while (!s.empty()) {
    const Decoded d = decode(s);
    if (!d.valid) return false;
    s.remove_prefix(d.length);
  }
  return true;
}

// C0 except TAB, DEL, C1: what the protocol removes from text.
constexpr bool is_control(char32_t cp) {
  return (cp <= 0x1F && cp != 0x09) || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

// Bidi formatting characters and the line/paragraph separators (restated
// from docs/PROTOCOL.md): dropped from text like controls.
constexpr bool is_bidi_or_separator(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// What chat::sanitize_text must return: controls, bidi formatting characters
// and U+2028/U+2029 dropped, each maximal invalid subpart replaced by
// U+FFFD, everything else copied.
inline std::string sanitize(std::string_view s) {
  std::string out;
  while (!s.empty()) {
    const Decoded d = decode(s);
    if (!d.valid) {
      out += "\xEF\xBF\xBD";
    } else if (!is_control(d.code_point) && !is_bidi_or_separator(d.code_point)) {
      out.append(s.substr(0, d.length));
    }
    s.remove_prefix(d.length);
  }
  return out;
}

}  // namespace fuzzref
