// Fuzz target for nickname rules (common/nickname.h): nothing a client
// proposes becomes a name that could break the "[NAME] TEXT" framing of
// other users' lines, hide itself, or pose as "You" (even disguised: the
// reserved name is checked on the uniqueness key).
//
// Input: the proposed name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "nickname.h"
#include "reference_utf8.h"
#include "utf8.h"

namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - ('a' - 'A')) : c; }

bool is_ascii_name_char(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
         cp == '_' || cp == '-' || cp == '.';
}

bool is_reserved_you(std::string_view s) {
  return s.size() == 3 && ascii_lower(s[0]) == 'y' && ascii_lower(s[1]) == 'o' &&
         ascii_lower(s[2]) == 'u';
}

// Characters that are neither letters nor digits but render as nothing or as
// blank space, reorder text, or are not characters at all: a name made of
// them could impersonate another or hide. Not exhaustive, just well known.
bool is_invisible_or_special(char32_t cp) {
  return cp == 0x00A0 || cp == 0x00AD || cp == 0x061C || cp == 0x1680 ||
         cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
         (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFF) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
         (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xE0000 && cp <= 0xE007F) || cp >= 0xF0000 ||
         (cp & 0xFFFE) == 0xFFFE ||
         // Default-ignorable marks: variation selectors, CGJ, Mongolian FVS.
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x034F ||
         (cp >= 0x180B && cp <= 0x180F) || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0;
}

// Well-known blocks of combining marks: a name may not start with one.
bool is_common_combining_mark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

void check_valid_name(std::string_view name) {
  FUZZ_CHECK(fuzzref::is_valid(name));
  FUZZ_CHECK(chat::is_valid_utf8(name));
  FUZZ_CHECK(!is_reserved_you(name));
  std::size_t chars = 0;
  for (std::string_view rest = name; !rest.empty(); ++chars) {
    const fuzzref::Decoded d = fuzzref::decode(rest);
    FUZZ_CHECK(d.valid);
    const char32_t cp = d.code_point;
    FUZZ_CHECK(std::u32string_view(U" []:,/@").find(cp) == std::u32string_view::npos);
    FUZZ_CHECK(!fuzzref::is_control(cp));
    FUZZ_CHECK(cp >= 0x80 || is_ascii_name_char(cp));
    FUZZ_CHECK(!is_invisible_or_special(cp));
    if (chars == 0) FUZZ_CHECK(!is_common_combining_mark(cp));
    rest.remove_prefix(d.length);
  }
  FUZZ_CHECK(chars >= 1 && chars <= chat::kMaxNicknameChars);
  FUZZ_CHECK(chat::nickname_key(name) != chat::nickname_key("You"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string name(reinterpret_cast<const char*>(data), size);
  const bool valid = chat::is_valid_nickname(name);
  if (valid) check_valid_name(name);

  // For ASCII the whole rule is simple enough to restate exactly.
  bool ascii = true;
  bool ascii_ok = !name.empty() && name.size() <= chat::kMaxNicknameChars && !is_reserved_you(name);
  for (char c : name) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) ascii = false;
    if (!is_ascii_name_char(b)) ascii_ok = false;
  }
  if (ascii) FUZZ_CHECK(valid == ascii_ok);

  // The uniqueness key (a skeleton) ignores ASCII case, and ASCII case
  // never changes validity, nor the reason for a refusal.
  const std::string key = chat::nickname_key(name);
  std::string upper(name), lower(name);
  for (char& c : upper) c = ascii_upper(c);
  for (char& c : lower) c = ascii_lower(c);
  FUZZ_CHECK(chat::nickname_key(upper) == key);
  FUZZ_CHECK(chat::nickname_key(lower) == key);
  FUZZ_CHECK(chat::check_nickname(upper) == chat::check_nickname(name));
  FUZZ_CHECK(chat::check_nickname(lower) == chat::check_nickname(name));
  FUZZ_CHECK(valid == (chat::check_nickname(name) == chat::NicknameProblem::none));
  FUZZ_CHECK(valid || !chat::describe(chat::check_nickname(name)).empty());
  // The key is valid UTF-8 wherever the name is.
  if (chat::is_valid_utf8(name)) FUZZ_CHECK(chat::is_valid_utf8(key));
  return 0;
}
