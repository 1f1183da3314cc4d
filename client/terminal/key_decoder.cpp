#include "terminal/key_decoder.h"

#include <optional>

#include "utf8.h"

namespace chat::client {

namespace {

using K = Key::Kind;

struct Parsed {
  std::optional<Key> key;  // empty: the bytes were consumed but mean nothing to us
  std::size_t length = 0;  // 0: incomplete, wait for more bytes
};

constexpr Parsed incomplete() { return {}; }
constexpr Parsed consumed(std::size_t n) { return {std::nullopt, n}; }
constexpr Parsed key(K kind, std::size_t n) { return {Key{kind}, n}; }

std::optional<K> control_key(unsigned char c) {
  switch (c) {
    case 0x01: return K::home;        // Ctrl-A
    case 0x02: return K::left;        // Ctrl-B
    case 0x03: return K::interrupt;   // Ctrl-C (ISIG is off in raw mode)
    case 0x04: return K::eof;         // Ctrl-D
    case 0x05: return K::end;         // Ctrl-E
    case 0x06: return K::right;       // Ctrl-F
    case 0x08: return K::backspace;   // Ctrl-H
    case 0x09: return K::tab;
    case 0x0A: return K::enter;       // Ctrl-J
    case 0x0B: return K::kill_to_end;     // Ctrl-K
    case 0x0C: return K::redraw;          // Ctrl-L
    case 0x0D: return K::enter;           // Enter (ICRNL is off)
    case 0x0E: return K::down;            // Ctrl-N
    case 0x10: return K::up;              // Ctrl-P
    case 0x15: return K::kill_to_start;   // Ctrl-U
    case 0x17: return K::kill_word_back;  // Ctrl-W
    case 0x1A: return K::suspend;         // Ctrl-Z (ISIG is off in raw mode)
    case 0x7F: return K::backspace;
    default: return std::nullopt;
  }
}

// The key for a CSI sequence ESC [ params final, or nothing.
std::optional<K> csi_key(std::string_view params, char final_byte) {
  // Modifier 5 (Ctrl) in "1;5C" turns arrows into word moves.
  const bool ctrl = params.ends_with(";5") || params.ends_with(";3");  // Ctrl or Alt
  switch (final_byte) {
    case 'A': return K::up;
    case 'B': return K::down;
    case 'C': return ctrl ? K::word_right : K::right;
    case 'D': return ctrl ? K::word_left : K::left;
    case 'H': return K::home;
    case 'F': return K::end;
    case '~':
      if (params == "1" || params == "7") return K::home;
      if (params == "4" || params == "8") return K::end;
      if (params == "3") return K::del;
      if (params == "200") return K::paste_start;
      if (params == "201") return K::paste_end;
      return std::nullopt;
    default: return std::nullopt;
  }
}

// Parses the sequence starting with ESC at the front of `s`.
Parsed parse_escape(std::string_view s) {
  if (s.size() < 2) return incomplete();
  const char second = s[1];
  if (second == '[') {
    // CSI: parameter and intermediate bytes 0x20..0x3F, then a final 0x40..0x7E.
    for (std::size_t i = 2; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x40 && c <= 0x7E) {
        const auto k = csi_key(s.substr(2, i - 2), static_cast<char>(c));
        return k ? key(*k, i + 1) : consumed(i + 1);
      }
      if (c < 0x20 || c > 0x3F) return consumed(i);  // malformed: drop what came before
    }
    return incomplete();
  }
  if (second == 'O') {  // SS3: application-mode cursor keys
    if (s.size() < 3) return incomplete();
    const auto k = csi_key({}, s[2]);
    return k ? key(*k, 3) : consumed(3);
  }
  if (second == 'b') return key(K::word_left, 2);   // Alt-B
  if (second == 'f') return key(K::word_right, 2);  // Alt-F
  if (second == '\x7f') return key(K::kill_word_back, 2);  // Alt-Backspace
  if (second == '\x1b') return key(K::escape, 1);  // Esc Esc: the first one is alone
  return consumed(2);  // Alt-something we do not use
}

// Expected length of a UTF-8 sequence from its lead byte (0: not a lead byte).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

Parsed parse_one(std::string_view s) {
  const auto c = static_cast<unsigned char>(s.front());
  if (c == 0x1B) return parse_escape(s);
  if (c < 0x20 || c == 0x7F) {
    const auto k = control_key(c);
    return k ? key(*k, 1) : consumed(1);
  }
  if (c < 0x80) return {Key{K::character, c}, 1};

  const std::size_t need = utf8_length(c);
  if (need > 1 && s.size() < need) {
    // Wait only if what is there could still become a valid sequence.
    const DecodedChar d = decode_utf8(s);
    if (d.length == s.size()) return incomplete();
  }
  const DecodedChar d = decode_utf8(s);
  if (!d.valid) return {Key{K::character, U'\uFFFD'}, d.length};
  if (is_control(d.code_point)) return consumed(d.length);  // C1 controls
  return {Key{K::character, d.code_point}, d.length};
}

}  // namespace

std::vector<Key> KeyDecoder::feed(std::string_view bytes) {
  pending_.append(bytes);
  std::vector<Key> keys;
  std::string_view rest = pending_;
  while (!rest.empty()) {
    const Parsed p = parse_one(rest);
    if (p.length == 0) break;
    if (p.key) keys.push_back(*p.key);
    rest.remove_prefix(p.length);
  }
  pending_.erase(0, pending_.size() - rest.size());
  return keys;
}

std::vector<Key> KeyDecoder::flush() {
  std::vector<Key> keys;
  if (pending_.empty()) return keys;
  if (pending_.front() == '\x1b') {
    keys.push_back(Key{K::escape});
  } else {
    keys.push_back(Key{K::character, U'\uFFFD'});
  }
  pending_.clear();
  return keys;
}

}  // namespace chat::client
