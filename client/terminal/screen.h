// Drawing the input line under the scrolling output. The input is one row:
// a prompt and as much of the line as fits, scrolled sideways to keep the
// cursor in view. A line arriving from the server is written over the input
// row, then the input is drawn again below it, cursor where it was.
//
// render_input is the pure part (what is visible, where the cursor goes);
// Screen turns it into escape sequences. Neither writes anything: the
// session sends the returned bytes in one write.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "terminal/line_editor.h"

namespace chat::client {

struct InputView {
  std::string visible;            // UTF-8 of the part of the line shown
  std::size_t cursor_column = 0;  // cursor position, in columns from the start of `visible`
  std::size_t first = 0;          // first code point shown: pass back as `first` next time
};

// Shows `text` in `columns` cells with the cursor (a code point index on a
// character boundary) always visible, at most columns - 1 cells in (so the
// cursor after the last character still fits). `first` is the previous
// scroll position: the view moves only as far as the cursor needs, so the
// line does not jump while the user edits. A wide character that would
// straddle the right edge is left out.
[[nodiscard]] InputView render_input(std::u32string_view text, std::size_t cursor, std::size_t first,
                                     std::size_t columns);

class Screen {
 public:
  // `prompt` may contain SGR escapes; `prompt_width` is its width in columns.
  Screen(std::string prompt, std::size_t prompt_width, std::size_t terminal_columns);

  // The whole input row again (after an edit).
  [[nodiscard]] std::string draw(const LineEditor& editor);
  // `line` (already styled, no "\n") above the input row, then the input row.
  [[nodiscard]] std::string print_above(std::string_view line, const LineEditor& editor);
  // The terminal now has `columns` columns: clear what the old input row may
  // have wrapped into and draw it again.
  [[nodiscard]] std::string resize(std::size_t terminal_columns, const LineEditor& editor);
  // resize() without the draw: clears the old row and takes the new width
  // (the caller may change the prompt for it before draw()).
  [[nodiscard]] std::string resize_erase(std::size_t terminal_columns);
  // Removes the input row, leaving the cursor at the start of an empty line:
  // what the shell's prompt (or "exit") should follow.
  [[nodiscard]] std::string erase();

  // A new prompt (the nick or the connection state changed); the next
  // draw() shows it.
  void set_prompt(std::string prompt, std::size_t prompt_width) {
    prompt_ = std::move(prompt);
    prompt_width_ = prompt_width;
  }
  [[nodiscard]] std::size_t columns() const noexcept { return columns_; }

  // While secret (a password being typed), the input row shows the prompt
  // only: what is typed is not echoed.
  void set_secret(bool secret) noexcept { secret_ = secret; }

  // While hidden (after Ctrl-D or /quit), print_above prints only the line.
  void set_input_visible(bool visible) noexcept { visible_ = visible; }

 private:
  [[nodiscard]] std::size_t input_columns() const noexcept;

  std::string prompt_;
  std::size_t prompt_width_;
  std::size_t columns_;
  std::size_t first_ = 0;        // scroll position of the input
  std::size_t cursor_col_ = 0;   // where draw() left the cursor, in columns
  bool visible_ = true;
  bool secret_ = false;
};

}  // namespace chat::client
