#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "terminal/history.h"

using chat::client::History;

TEST_CASE("Up walks back through sent lines and Down returns to the draft", "[history]") {
  History h;
  h.add("first");
  h.add("second");
  CHECK(h.older("draft") == "second");
  CHECK(h.older("ignored") == "first");
  CHECK_FALSE(h.older("x").has_value());  // nothing older
  CHECK(h.newer() == "second");
  CHECK(h.newer() == "draft");
  CHECK_FALSE(h.newer().has_value());
}

TEST_CASE("blank lines and immediate repeats are not kept", "[history]") {
  History h;
  CHECK(h.add("a"));
  CHECK_FALSE(h.add("a"));
  CHECK_FALSE(h.add("   "));
  CHECK_FALSE(h.add(""));
  CHECK(h.add("b"));
  CHECK(h.add("a"));
  CHECK(h.entries() == std::vector<std::string>{"a", "b", "a"});
}

TEST_CASE("history keeps at most its limit, dropping the oldest", "[history]") {
  History h(3);
  for (const char* line : {"1", "2", "3", "4"}) h.add(line);
  CHECK(h.entries() == std::vector<std::string>{"2", "3", "4"});
}

TEST_CASE("adding a line ends browsing", "[history]") {
  History h;
  h.add("a");
  h.add("b");
  (void)h.older("");
  (void)h.older("");
  h.add("c");
  CHECK(h.older("") == "c");
}

TEST_CASE("history file: appended line by line, loaded back, private", "[history]") {
  char dir_template[] = "/tmp/chat-history-test-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/.chat_history";

  History::append_to_file(path, "hello");
  History::append_to_file(path, "/msg bob 안녕");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  History h;
  h.load(path);
  CHECK(h.entries() == std::vector<std::string>{"hello", "/msg bob 안녕"});

  // A file far over the limit is rewritten with what was kept.
  for (int i = 0; i < 10; ++i) History::append_to_file(path, "line " + std::to_string(i));
  History small(4);
  small.load(path);
  CHECK(small.entries() == std::vector<std::string>{"line 6", "line 7", "line 8", "line 9"});
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "line 6\nline 7\nline 8\nline 9\n");
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // the rewritten file too, even with a lax umask

  ::unlink(path.c_str());
  ::rmdir(dir_template);
}

TEST_CASE("a missing history file is no error", "[history]") {
  History h;
  h.load("/nonexistent/dir/.chat_history");
  CHECK(h.entries().empty());
}
