// The line being typed: a buffer of code points with a cursor, and the edit
// keys applied to it. Pure: key in, state out; drawing is render_input's job.
//
// The cursor moves and deletes by displayed character, an extended
// grapheme cluster (grapheme.h): a letter with its accents, a Hangul
// syllable, 👍🏽, a flag, a ZWJ emoji sequence; it never lands inside one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "terminal/key_decoder.h"
#include "utf8.h"

namespace chat::client {

class LineEditor {
 public:
  // What a key asks of the session beyond editing the buffer.
  enum class Action {
    none,          // edited (or nothing to do): redraw
    submit,        // Enter: take text() and clear()
    end_of_input,  // Ctrl-D on an empty line
    interrupt,     // Ctrl-C
    history_up,    // Up: the session swaps in an older line
    history_down,
    complete,      // Tab
    redraw,        // Ctrl-L
    suspend,       // Ctrl-Z
  };

  // Applies one key. Keys that only edit return Action::none.
  Action apply(const Key& key);

  void insert(char32_t cp);
  void insert(std::string_view utf8);  // invalid bytes become U+FFFD, controls are dropped
  void move_left();
  void move_right();
  void move_word_left();
  void move_word_right();
  void move_home() noexcept { cursor_ = 0; }
  void move_end() noexcept { cursor_ = buffer_.size(); }
  void backspace();
  void delete_forward();
  void kill_to_start();
  void kill_to_end();
  void kill_word_back();

  // Replaces the whole line, cursor at its end (history recall).
  void set_text(std::string_view utf8);
  void clear() noexcept {
    buffer_.clear();
    cursor_ = 0;
  }

  // The word before the cursor (back to a space or the line start), and
  // whether it is the line's first word: what Tab completes.
  [[nodiscard]] std::u32string_view word_before_cursor() const noexcept;
  [[nodiscard]] bool word_is_first() const noexcept;
  // Replaces word_before_cursor() with `replacement`, cursor after it.
  void replace_word_before_cursor(std::u32string_view replacement);
  // Replaces code points [from, cursor()) with `replacement`, cursor after
  // it (Tab cycling through matches replaces its last choice).
  void replace_before_cursor(std::size_t from, std::u32string_view replacement);

  [[nodiscard]] std::string text() const;  // UTF-8
  [[nodiscard]] const std::u32string& code_points() const noexcept { return buffer_; }
  [[nodiscard]] std::size_t cursor() const noexcept { return cursor_; }  // in code points
  [[nodiscard]] bool empty() const noexcept { return buffer_.empty(); }

 private:
  [[nodiscard]] std::size_t previous_boundary(std::size_t pos) const noexcept;
  [[nodiscard]] std::size_t next_boundary(std::size_t pos) const noexcept;
  [[nodiscard]] std::size_t word_start_before(std::size_t pos) const noexcept;

  std::u32string buffer_;
  std::size_t cursor_ = 0;  // 0..buffer_.size(), always on a character boundary
};

// UTF-8 <-> code points, for the editor and its callers.
[[nodiscard]] std::u32string decode_to_code_points(std::string_view utf8);
using chat::append_utf8;  // common/utf8.h
[[nodiscard]] std::string encode_utf8(std::u32string_view cps);

}  // namespace chat::client
