#include <catch2/catch.hpp>

#include "terminal/line_editor.h"
#include "terminal/screen.h"

using namespace chat::client;

TEST_CASE("a short line is shown whole with the cursor in it", "[render]") {
  const auto v = render_input(U"hello", 2, 0, 20);
  CHECK(v.visible == "hello");
  CHECK(v.cursor_column == 2);
  CHECK(v.first == 0);
}

TEST_CASE("wide characters move the cursor two columns", "[render]") {
  const auto v = render_input(U"a한국b", 3, 0, 20);
  CHECK(v.visible == "a한국b");
  CHECK(v.cursor_column == 5);
  // Combining marks add nothing.
  CHECK(render_input(U"e\u0301x", 2, 0, 20).cursor_column == 1);
}

TEST_CASE("a long line scrolls to keep the cursor in view", "[render]") {
  const std::u32string text = U"abcdefghijklmnopqrstuvwxyz";
  const auto end = render_input(text, text.size(), 0, 10);
  CHECK(end.cursor_column == 9);
  CHECK(end.visible == "rstuvwxyz");
  CHECK(end.first == 17);
  // Moving left within the view keeps it still.
  const auto left = render_input(text, 20, end.first, 10);
  CHECK(left.first == 17);
  CHECK(left.cursor_column == 3);
  // Moving before it scrolls back just enough.
  const auto back = render_input(text, 12, end.first, 10);
  CHECK(back.first == 12);
  CHECK(back.cursor_column == 0);
  CHECK(back.visible == "mnopqrstuv");
  // Home shows the start again.
  CHECK(render_input(text, 0, back.first, 10).first == 0);
}

TEST_CASE("a wide character never straddles the edge", "[render]") {
  const auto v = render_input(U"가나다라마", 0, 0, 5);
  CHECK(v.visible == "가나");  // 4 columns; 다 would need 6
  const auto end = render_input(U"가나다라마", 5, 0, 5);
  CHECK(end.cursor_column <= 4);
  CHECK(end.visible == "라마");
}

TEST_CASE("the screen redraws the input row with the cursor placed by column", "[screen]") {
  Screen screen("> ", 2, 40);
  LineEditor editor;
  editor.insert("한국");
  editor.move_left();
  CHECK(screen.draw(editor) == "\r\x1b[K> 한국\r\x1b[4C");
  CHECK(screen.print_above("[bob] hi", editor) == "\r\x1b[K[bob] hi\r\n\r\x1b[K> 한국\r\x1b[4C");
  screen.set_input_visible(false);
  CHECK(screen.print_above("[bob] bye", editor) == "\r\x1b[K[bob] bye\r\n");
  CHECK(screen.erase() == "\r\x1b[K");
}

TEST_CASE("after a resize narrower than the input, the rows it wrapped into are cleared", "[screen]") {
  Screen screen("> ", 2, 80);
  LineEditor editor;
  editor.insert(std::string(50, 'x'));
  (void)screen.draw(editor);  // cursor at column 52
  const std::string out = screen.resize(20, editor);
  CHECK(out.starts_with("\x1b[2A\r\x1b[J"));
  // 20 columns - 1 spare - 2 prompt = 17 cells, the cursor in the last: column 2 + 16.
  CHECK(out.find("\r\x1b[18C") != std::string::npos);
}
