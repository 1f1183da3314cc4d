#include "terminal/screen.h"

#include <algorithm>

#include "terminal/display_width.h"
#include "terminal/grapheme.h"

namespace chat::client {

namespace {

constexpr std::string_view kClearRow = "\r\x1b[K";

// The end of the character (grapheme cluster) starting at `pos`.
std::size_t next_boundary(std::u32string_view text, std::size_t pos) { return next_grapheme(text, pos); }

// Columns of the characters in [from, to), both on character boundaries.
std::size_t width_between(std::u32string_view text, std::size_t from, std::size_t to) {
  std::size_t w = 0;
  for (std::size_t i = from; i < to;) {
    const std::size_t end = std::min(next_boundary(text, i), to);
    w += grapheme_width(text.substr(i, end - i));
    i = end;
  }
  return w;
}

}  // namespace

InputView render_input(std::u32string_view text, std::size_t cursor, std::size_t first,
                       std::size_t columns) {
  if (columns == 0) columns = 1;
  if (cursor > text.size()) cursor = text.size();
  const std::size_t room = columns - 1;  // cells left of the cursor

  if (width_between(text, 0, cursor) <= room) {
    first = 0;  // everything up to the cursor fits without scrolling
  } else {
    if (first > cursor) first = cursor;
    first = grapheme_start(text, first);  // never inside a character
    while (width_between(text, first, cursor) > room) first = next_boundary(text, first);
  }

  InputView view;
  view.first = first;
  view.cursor_column = width_between(text, first, cursor);
  std::size_t used = 0;
  for (std::size_t i = first; i < text.size();) {
    const std::size_t end = next_boundary(text, i);
    const std::size_t w = width_between(text, i, end);
    if (used + w > columns) break;
    for (std::size_t j = i; j < end; ++j) append_utf8(view.visible, text[j]);
    used += w;
    i = end;
  }
  return view;
}

Screen::Screen(std::string prompt, std::size_t prompt_width, std::size_t terminal_columns)
    : prompt_(std::move(prompt)), prompt_width_(prompt_width), columns_(terminal_columns) {}

std::size_t Screen::input_columns() const noexcept {
  // The last column stays empty: writing there leaves terminals in the
  // "pending wrap" state, where the next cursor move differs between them.
  const std::size_t usable = columns_ > 1 ? columns_ - 1 : 1;
  return usable > prompt_width_ + 1 ? usable - prompt_width_ : 1;
}

std::string Screen::draw(const LineEditor& editor) {
  std::string out(kClearRow);
  if (!visible_) return out;
  if (secret_) {
    out += prompt_;
    cursor_col_ = prompt_width_;
    return out;
  }
  const InputView view = render_input(editor.code_points(), editor.cursor(), first_, input_columns());
  first_ = view.first;
  out += prompt_;
  out += view.visible;
  cursor_col_ = prompt_width_ + view.cursor_column;
  out += '\r';
  if (cursor_col_ > 0) out += "\x1b[" + std::to_string(cursor_col_) + "C";
  return out;
}

std::string Screen::print_above(std::string_view line, const LineEditor& editor) {
  std::string out(kClearRow);
  out += line;
  out += "\r\n";
  if (visible_) out += draw(editor);
  return out;
}

std::string Screen::resize(std::size_t terminal_columns, const LineEditor& editor) {
  std::string out = resize_erase(terminal_columns);  // first: draw() needs the new width
  out += draw(editor);
  return out;
}

std::string Screen::resize_erase(std::size_t terminal_columns) {
  std::string out;
  // A terminal that reflows on resize (tmux, VTE, kitty) may have wrapped
  // the old input row; the cursor is then on a lower row of it.
  if (terminal_columns > 0 && cursor_col_ >= terminal_columns) {
    out += "\x1b[" + std::to_string(cursor_col_ / terminal_columns) + "A";
  }
  out += "\r\x1b[J";
  columns_ = terminal_columns;
  return out;
}

std::string Screen::erase() {
  cursor_col_ = 0;
  return std::string(kClearRow);
}

}  // namespace chat::client
