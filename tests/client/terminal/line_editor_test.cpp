#include <catch2/catch.hpp>

#include "terminal/line_editor.h"

using chat::client::Key;
using chat::client::LineEditor;
using K = Key::Kind;
using Action = LineEditor::Action;

namespace {

LineEditor with_text(std::string_view text) {
  LineEditor e;
  e.insert(text);
  return e;
}

}  // namespace

TEST_CASE("typing inserts at the cursor", "[editor]") {
  LineEditor e = with_text("helo");
  e.move_left();
  e.insert(U'l');
  CHECK(e.text() == "hello");
  CHECK(e.cursor() == 4);
  e.move_home();
  e.insert("> ");
  CHECK(e.text() == "> hello");
  CHECK(e.cursor() == 2);
}

TEST_CASE("moves and deletes go by character, never by byte", "[editor]") {
  LineEditor e = with_text("가나다");
  CHECK(e.cursor() == 3);
  e.move_left();
  e.backspace();  // deletes 나
  CHECK(e.text() == "가다");
  CHECK(e.cursor() == 1);
  e.delete_forward();  // deletes 다
  CHECK(e.text() == "가");
  e.move_home();
  e.delete_forward();
  CHECK(e.text().empty());
  e.backspace();  // nothing to delete: no harm
  CHECK(e.empty());
}

TEST_CASE("a combining mark moves and is deleted with its base", "[editor]") {
  LineEditor e = with_text("ae\xCC\x81z");  // a, e + acute, z
  CHECK(e.code_points().size() == 4);
  e.move_left();  // before z
  e.move_left();  // before e + acute, not between them
  CHECK(e.cursor() == 1);
  e.move_right();
  CHECK(e.cursor() == 3);
  e.backspace();
  CHECK(e.text() == "az");

  // 한 in conjoining jamo is one character to the editor.
  LineEditor j = with_text("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB!");
  j.move_left();
  j.move_left();
  CHECK(j.cursor() == 0);
  j.delete_forward();
  CHECK(j.text() == "!");
}

TEST_CASE("Home, End, Ctrl-U, Ctrl-K", "[editor]") {
  LineEditor e = with_text("one two three");
  e.apply(Key{K::home});
  CHECK(e.cursor() == 0);
  e.apply(Key{K::end});
  CHECK(e.cursor() == 13);
  for (int i = 0; i < 5; ++i) e.apply(Key{K::left});
  e.apply(Key{K::kill_to_end});
  CHECK(e.text() == "one two ");
  e.apply(Key{K::left});
  e.apply(Key{K::kill_to_start});
  CHECK(e.text() == " ");
  CHECK(e.cursor() == 0);
}

TEST_CASE("Ctrl-W deletes the word before the cursor and the spaces after it", "[editor]") {
  LineEditor e = with_text("/msg 김철수  hello  ");
  e.apply(Key{K::kill_word_back});
  CHECK(e.text() == "/msg 김철수  ");
  e.apply(Key{K::kill_word_back});
  CHECK(e.text() == "/msg ");
  e.apply(Key{K::kill_word_back});
  CHECK(e.text().empty());
  e.apply(Key{K::kill_word_back});
  CHECK(e.text().empty());
}

TEST_CASE("word moves", "[editor]") {
  LineEditor e = with_text("ab cd  ef");
  e.move_word_left();
  CHECK(e.cursor() == 7);
  e.move_word_left();
  CHECK(e.cursor() == 3);
  e.move_word_right();
  CHECK(e.cursor() == 5);
  e.move_word_right();
  CHECK(e.cursor() == 9);
}

TEST_CASE("keys that ask the session for something", "[editor]") {
  LineEditor e;
  CHECK(e.apply(Key{K::eof}) == Action::end_of_input);  // Ctrl-D on an empty line
  e.insert("ab");
  e.move_home();
  CHECK(e.apply(Key{K::eof}) == Action::none);  // otherwise it deletes
  CHECK(e.text() == "b");
  CHECK(e.apply(Key{K::enter}) == Action::submit);
  CHECK(e.apply(Key{K::interrupt}) == Action::interrupt);
  CHECK(e.apply(Key{K::tab}) == Action::complete);
  CHECK(e.apply(Key{K::up}) == Action::history_up);
  CHECK(e.apply(Key{K::down}) == Action::history_down);
  CHECK(e.apply(Key{K::suspend}) == Action::suspend);
  CHECK(e.text() == "b");
}

TEST_CASE("control characters never enter the buffer and TAB becomes a space", "[editor]") {
  LineEditor e;
  e.insert("a\x1b[2Jb\tc\xC2\x9B");
  CHECK(e.text() == "a[2Jb c");
}

TEST_CASE("set_text puts the cursor at the end", "[editor]") {
  LineEditor e = with_text("draft");
  e.move_home();
  e.set_text("김 hello");
  CHECK(e.cursor() == 7);
  CHECK(e.text() == "김 hello");
}

TEST_CASE("the word before the cursor, for Tab", "[editor]") {
  LineEditor e = with_text("/ms");
  CHECK(e.word_before_cursor() == U"/ms");
  CHECK(e.word_is_first());
  e.replace_word_before_cursor(U"/msg ");
  CHECK(e.text() == "/msg ");
  CHECK(e.word_before_cursor().empty());
  CHECK_FALSE(e.word_is_first());
  e.insert("김");
  CHECK(e.word_before_cursor() == U"김");
  e.replace_word_before_cursor(U"김철수 ");
  CHECK(e.text() == "/msg 김철수 ");
  CHECK(e.cursor() == 9);
}

TEST_CASE("the editor moves and deletes by grapheme cluster", "[editor]") {
  chat::client::LineEditor e;
  e.insert("a\U0001F44D\U0001F3FDb");  // a👍🏽b
  e.move_left();
  e.move_left();
  CHECK(e.cursor() == 1);
  e.move_right();
  CHECK(e.cursor() == 3);
  e.backspace();
  CHECK(e.text() == "ab");
}
