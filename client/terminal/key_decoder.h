// Turns the bytes a terminal in raw mode sends into key events: UTF-8
// characters, control keys and the escape sequences of cursor keys. Pure and
// incremental: a sequence split across reads is held until it completes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chat::client {

struct Key {
  enum class Kind {
    character,  // `ch` holds the code point (never a control character)
    enter,
    tab,
    backspace,
    del,         // Delete
    left,
    right,
    word_left,   // Ctrl-Left, Alt-B
    word_right,  // Ctrl-Right, Alt-F
    home,        // Home, Ctrl-A
    end,         // End, Ctrl-E
    up,          // Up, Ctrl-P
    down,        // Down, Ctrl-N
    kill_to_start,   // Ctrl-U
    kill_to_end,     // Ctrl-K
    kill_word_back,  // Ctrl-W
    eof,             // Ctrl-D (Ctrl-D on an empty line ends the session)
    interrupt,       // Ctrl-C
    redraw,          // Ctrl-L
    suspend,         // Ctrl-Z
    escape,          // a lone Esc (no sequence followed)
    paste_start,     // ESC [ 200 ~: bracketed paste begins (the keys until
    paste_end,       // ESC [ 201 ~ were pasted, not typed)
  };
  Kind kind;
  char32_t ch = 0;

  friend bool operator==(const Key&, const Key&) = default;
};

class KeyDecoder {
 public:
  // Decodes `bytes` (appended to anything held back) into keys. Unknown
  // escape sequences and stray control bytes are dropped.
  std::vector<Key> feed(std::string_view bytes);

  // True while an incomplete sequence is held: the caller waits briefly for
  // the rest, then calls flush().
  [[nodiscard]] bool has_pending() const noexcept { return !pending_.empty(); }
  // Gives up on the held bytes: a lone ESC becomes Key::escape, the rest is
  // dropped (an invalid or truncated UTF-8 sequence becomes U+FFFD).
  std::vector<Key> flush();

 private:
  std::string pending_;
};

}  // namespace chat::client
