#include "utf8.h"

#include <algorithm>
#include <iterator>

namespace chat {

namespace {

constexpr bool is_continuation(unsigned char b) noexcept { return (b & 0xC0) == 0x80; }

struct CodePointRange {
  char32_t lo, hi;
};

#include "invisible_table.inc"

}  // namespace

DecodedChar decode_utf8(std::string_view s) noexcept {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1, true};

  // Sequence length and the allowed range of the second byte (Unicode
  // Table 3-7): narrowing the second byte rejects overlongs, surrogates and
  // code points past U+10FFFF at the earliest byte.
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {0, 1, false};
  }

  std::size_t i = 1;
  for (; i < need && i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const bool ok = (i == 1) ? (b >= lo && b <= hi) : is_continuation(b);
    if (!ok) return {0, i, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (i < need) return {0, i, false};  // truncated at the end of the input
  return {cp, need, true};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_valid_utf8(std::string_view s) noexcept {
  while (!s.empty()) {
    const DecodedChar c = decode_utf8(s);
    if (!c.valid) return false;
    s.remove_prefix(c.length);
  }
  return true;
}

void append_sanitized(std::string& out, std::string_view in) {
  out.reserve(out.size() + in.size());
  while (!in.empty()) {
    // Fast path: a run of printable ASCII is copied in one go.
    std::size_t run = 0;
    while (run < in.size()) {
      const auto b = static_cast<unsigned char>(in[run]);
      if (b < 0x20 || b >= 0x7F) break;
      ++run;
    }
    if (run > 0) {
      out.append(in.data(), run);
      in.remove_prefix(run);
      continue;
    }
    const DecodedChar c = decode_utf8(in);
    if (!c.valid) {
      out.append(kReplacementChar);
    } else if (!is_control(c.code_point) && !is_stripped_format(c.code_point)) {
      out.append(in.data(), c.length);
    }
    in.remove_prefix(c.length);
  }
}

bool is_invisible(char32_t cp) noexcept {
  const auto* it = std::upper_bound(std::begin(kInvisibleRanges), std::end(kInvisibleRanges), cp,
                                    [](char32_t v, const CodePointRange& r) { return v < r.lo; });
  return it != std::begin(kInvisibleRanges) && cp <= std::prev(it)->hi;
}

bool has_visible_text(std::string_view text) noexcept {
  while (!text.empty()) {
    const auto b = static_cast<unsigned char>(text[0]);
    if (b > 0x20 && b < 0x7F) return true;  // the usual case: the first byte decides
    const DecodedChar c = decode_utf8(text);
    if (!c.valid || (!is_control(c.code_point) && !is_invisible(c.code_point))) return true;
    text.remove_prefix(c.length);
  }
  return false;
}

void cut_utf8(std::string& s, std::size_t max) noexcept {
  if (s.size() <= max) return;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
}

std::string sanitize_text(std::string_view in) {
  std::string out;
  append_sanitized(out, in);
  return out;
}

}  // namespace chat
