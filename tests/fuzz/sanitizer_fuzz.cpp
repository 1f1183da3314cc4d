// Fuzz target for the text sanitizer (common/utf8.h): whatever bytes a
// client sends, what other users' terminals receive is valid UTF-8 with no
// control characters but TAB and no bidi formatting or line separators.
//
// Input: the text itself. Its first byte also picks where a raw prefix is cut
// off for the append_sanitized check.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "reference_utf8.h"
#include "utf8.h"

namespace {

// Checked byte by byte, without any decoder: no C0 but TAB, no DEL, and no
// C1, whose only UTF-8 form is C2 80..C2 9F.
bool has_no_control_bytes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b < 0x20 && b != '\t') || b == 0x7F) return false;
    if (b == 0xC2 && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return false;
    }
  }
  return true;
}

bool has_control_code_point(std::string_view s) {
  while (!s.empty()) {
    const fuzzref::Decoded d = fuzzref::decode(s);
    if (d.valid && (fuzzref::is_control(d.code_point) || fuzzref::is_bidi_or_separator(d.code_point))) return true;
    s.remove_prefix(d.length);
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // The decoder agrees with the reference at every offset, including the
  // maximal-subpart length of invalid sequences.
  for (std::size_t i = 0; i < in.size(); ++i) {
    const chat::DecodedChar got = chat::decode_utf8(in.substr(i));
    const fuzzref::Decoded want = fuzzref::decode(in.substr(i));
    FUZZ_CHECK(got.valid == want.valid);
    FUZZ_CHECK(got.length == want.length);
    FUZZ_CHECK(!want.valid || got.code_point == want.code_point);
  }
  FUZZ_CHECK(chat::is_valid_utf8(in) == fuzzref::is_valid(in));

  const std::string out = chat::sanitize_text(in);

  FUZZ_CHECK(out == fuzzref::sanitize(in));
  FUZZ_CHECK(fuzzref::is_valid(out));
  FUZZ_CHECK(chat::is_valid_utf8(out));
  FUZZ_CHECK(has_no_control_bytes(out));
  FUZZ_CHECK(out.size() <= 3 * in.size());  // at worst every byte becomes U+FFFD
  FUZZ_CHECK(chat::sanitize_text(out) == out);  // idempotent
  if (fuzzref::is_valid(in) && !has_control_code_point(in)) FUZZ_CHECK(out == in);

  // append_sanitized == sanitize_text, after any prefix already in the
  // string, even one ending in half a sequence: the prefix is kept as is.
  const std::size_t cut = in.empty() ? 0 : static_cast<unsigned char>(in[0]) % (in.size() + 1);
  std::string appended(in.substr(0, cut));
  chat::append_sanitized(appended, in);
  FUZZ_CHECK(appended == std::string(in.substr(0, cut)) + out);
  std::string fresh;
  chat::append_sanitized(fresh, in);
  FUZZ_CHECK(fresh == out);

  // has_visible_text: an ASCII graphic character always counts; a text of
  // only spaces, TABs, controls or ZWSP never does.
  bool ascii_graphic = false, only_blank = true;
  for (std::string_view rest = out; !rest.empty();) {
    const fuzzref::Decoded d = fuzzref::decode(rest);
    if (d.code_point > 0x20 && d.code_point < 0x7F) ascii_graphic = true;
    if (!(d.code_point == ' ' || d.code_point == '\t' || d.code_point == 0x200B)) only_blank = false;
    rest.remove_prefix(d.length);
  }
  if (ascii_graphic) FUZZ_CHECK(chat::has_visible_text(out));
  if (only_blank) FUZZ_CHECK(!chat::has_visible_text(out));
  return 0;
}
