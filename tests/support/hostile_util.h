// Helpers shared by the hostile tests: a strict check that a received line
// is clean text, random garbage with the bytes that hurt parsers most, seeds
// that can be replayed, and bounded waits on conditions only /proc shows.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <thread>

namespace chat::test {

// True if `line` is valid UTF-8 (no overlong forms, surrogates or values
// past U+10FFFF) holding no control character but TAB: no C0, no DEL, no
// C1 (U+0080..U+009F). Written independently of common/utf8 on purpose.
inline bool is_clean_text(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size()) {
    const auto b0 = static_cast<unsigned char>(line[i]);
    if (b0 < 0x80) {
      if ((b0 < 0x20 && b0 != '\t') || b0 == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0, min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      length = 2, cp = b0 & 0x1fu, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      length = 3, cp = b0 & 0x0fu, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      length = 4, cp = b0 & 0x07u, min = 0x10000;
    } else {
      return false;  // a continuation byte, C0/C1 (overlong) or F5..FF lead
    }
    if (i + length > line.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(line[i + k]);
      if ((b & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (b & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x80 && cp <= 0x9f) return false;  // C1 controls
    i += length;
  }
  return true;
}

// `size` random bytes weighted towards what breaks naive servers: NULs,
// newlines and CRs at random places, lone continuation bytes, truncated and
// overlong sequences, surrogates, C1 controls, escapes, and '/' commands.
inline std::string random_garbage(std::mt19937& rng, std::size_t size) {
  static constexpr std::string_view kNasty[] = {
      std::string_view("\0", 1), "\n", "\r\n", "\r", "\x1b[2J", "\x1b]0;owned\x07", "\x80", "\xbf",
      "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc2\x9b", "\xe2\x82", "\xf0\x9f\x98",
      "\xff", "\xfe", "/", "/nick ", "/me ", "/who\n", "/msg ", "//", "\t", "\x7f", "한", "\xf0\x9f\x98\x80"};
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<std::size_t> nasty(0, std::size(kNasty) - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out;
  out.reserve(size + 8);
  while (out.size() < size) {
    if (pick(rng) < 3) {
      out += kNasty[nasty(rng)];
    } else {
      out += static_cast<char>(byte(rng));
    }
  }
  out.resize(size);
  return out;
}

// A seed from the environment variable `name` if set (to replay a failure),
// else `fallback`.
inline std::uint32_t seed_from_env(const char* name, std::uint32_t fallback) {
  if (const char* text = std::getenv(name); text != nullptr && *text != '\0') {
    return static_cast<std::uint32_t>(std::strtoul(text, nullptr, 0));
  }
  return fallback;
}

// Polls `condition` until it holds or `timeout` passes: for states only
// /proc shows (fd counts, CPU time), where there is no event to wait on.
template <class Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// "[NAME] " or "> New user" ... : whether `line` is a join or leave notice,
// which hostile peers cause in any number and order.
inline bool is_join_or_leave(std::string_view line) {
  return line.starts_with("> New user ") || line.starts_with("< The user ");
}

}  // namespace chat::test
