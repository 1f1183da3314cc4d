#include "terminal/line_editor.h"

#include "terminal/display_width.h"
#include "terminal/grapheme.h"
#include "utf8.h"

namespace chat::client {

namespace {

bool is_space(char32_t cp) noexcept { return cp == U' ' || cp == U'\t'; }

}  // namespace

std::u32string decode_to_code_points(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  while (!utf8.empty()) {
    const DecodedChar c = decode_utf8(utf8);
    out.push_back(c.valid ? c.code_point : U'\uFFFD');
    utf8.remove_prefix(c.length);
  }
  return out;
}

std::string encode_utf8(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (const char32_t cp : cps) append_utf8(out, cp);
  return out;
}

LineEditor::Action LineEditor::apply(const Key& key) {
  using K = Key::Kind;
  switch (key.kind) {
    case K::character: insert(key.ch); break;
    case K::enter: return Action::submit;
    case K::tab: return Action::complete;
    case K::backspace: backspace(); break;
    case K::del: delete_forward(); break;
    case K::left: move_left(); break;
    case K::right: move_right(); break;
    case K::word_left: move_word_left(); break;
    case K::word_right: move_word_right(); break;
    case K::home: move_home(); break;
    case K::end: move_end(); break;
    case K::up: return Action::history_up;
    case K::down: return Action::history_down;
    case K::kill_to_start: kill_to_start(); break;
    case K::kill_to_end: kill_to_end(); break;
    case K::kill_word_back: kill_word_back(); break;
    case K::eof:
      // As in shells: Ctrl-D ends input on an empty line, deletes otherwise.
      if (buffer_.empty()) return Action::end_of_input;
      delete_forward();
      break;
    case K::interrupt: return Action::interrupt;
    case K::redraw: return Action::redraw;
    case K::suspend: return Action::suspend;
    case K::escape: break;
    case K::paste_start: break;  // the session collects pastes itself
    case K::paste_end: break;
  }
  return Action::none;
}

void LineEditor::insert(char32_t cp) {
  if (is_control(cp) && cp != U'\t') return;
  if (cp == U'\t') cp = U' ';  // a TAB would make the column count lie
  buffer_.insert(cursor_, 1, cp);
  ++cursor_;
  // A combining mark typed before a base it cannot join keeps the cursor on
  // a boundary: step over whatever zero-width marks follow.
  while (cursor_ < buffer_.size() && char_width(buffer_[cursor_]) == 0) ++cursor_;
}

void LineEditor::insert(std::string_view utf8) {
  for (const char32_t cp : decode_to_code_points(utf8)) insert(cp);
}

std::size_t LineEditor::previous_boundary(std::size_t pos) const noexcept {
  return previous_grapheme(buffer_, pos);
}

std::size_t LineEditor::next_boundary(std::size_t pos) const noexcept { return next_grapheme(buffer_, pos); }

std::size_t LineEditor::word_start_before(std::size_t pos) const noexcept {
  while (pos > 0 && is_space(buffer_[pos - 1])) --pos;
  while (pos > 0 && !is_space(buffer_[pos - 1])) --pos;
  return pos;
}

void LineEditor::move_left() { cursor_ = previous_boundary(cursor_); }
void LineEditor::move_right() { cursor_ = next_boundary(cursor_); }
void LineEditor::move_word_left() { cursor_ = word_start_before(cursor_); }

void LineEditor::move_word_right() {
  std::size_t pos = cursor_;
  while (pos < buffer_.size() && is_space(buffer_[pos])) ++pos;
  while (pos < buffer_.size() && !is_space(buffer_[pos])) ++pos;
  cursor_ = pos;
}

void LineEditor::backspace() {
  const std::size_t start = previous_boundary(cursor_);
  buffer_.erase(start, cursor_ - start);
  cursor_ = start;
}

void LineEditor::delete_forward() {
  buffer_.erase(cursor_, next_boundary(cursor_) - cursor_);
}

void LineEditor::kill_to_start() {
  buffer_.erase(0, cursor_);
  cursor_ = 0;
}

void LineEditor::kill_to_end() { buffer_.erase(cursor_); }

void LineEditor::kill_word_back() {
  const std::size_t start = word_start_before(cursor_);
  buffer_.erase(start, cursor_ - start);
  cursor_ = start;
}

void LineEditor::set_text(std::string_view utf8) {
  clear();
  insert(utf8);
}

std::u32string_view LineEditor::word_before_cursor() const noexcept {
  std::size_t start = cursor_;
  while (start > 0 && !is_space(buffer_[start - 1])) --start;
  return std::u32string_view(buffer_).substr(start, cursor_ - start);
}

bool LineEditor::word_is_first() const noexcept {
  const std::size_t start = cursor_ - word_before_cursor().size();
  for (std::size_t i = 0; i < start; ++i) {
    if (!is_space(buffer_[i])) return false;
  }
  return true;
}

void LineEditor::replace_word_before_cursor(std::u32string_view replacement) {
  replace_before_cursor(cursor_ - word_before_cursor().size(), replacement);
}

void LineEditor::replace_before_cursor(std::size_t from, std::u32string_view replacement) {
  if (from > cursor_) from = cursor_;
  buffer_.replace(from, cursor_ - from, replacement);
  cursor_ = from + replacement.size();
}

std::string LineEditor::text() const { return encode_utf8(buffer_); }

}  // namespace chat::client
