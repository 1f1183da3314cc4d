#include <catch2/catch.hpp>

#include "tracking/nick_tracker.h"

using chat::client::complete_word;
using chat::client::NickTracker;
using Names = std::vector<std::string>;

TEST_CASE("joins, leaves and renames keep the list", "[nicks]") {
  NickTracker t;
  t.observe("> Connected to the chat server (1 user online)");
  t.observe("> New user 127.0.0.1:40000 entered (2 users online)");
  t.observe("> New user 김철수 entered (3 users online)");
  CHECK(t.others() == Names{"127.0.0.1:40000", "김철수"});
  t.observe("> 127.0.0.1:40000 is now known as bob");
  CHECK(t.others() == Names{"김철수", "bob"});
  t.observe("< The user 김철수 left (2 users online)");
  CHECK(t.others() == Names{"bob"});
}

TEST_CASE("/who replaces the list, without the user's own name", "[nicks]") {
  NickTracker t;
  t.observe("> New user ghost entered (2 users online)");
  t.observe("> You are now known as alice");
  CHECK(t.own() == "alice");
  t.observe("> Online (3): bob, alice, carol");
  CHECK(t.others() == Names{"bob", "carol"});
}

TEST_CASE("a /who reply split over several lines is read whole", "[nicks]") {
  NickTracker t;
  t.observe("> You are now known as alice");
  t.observe("> Online (5): bob, alice,");
  t.observe(">   carol, dave,");
  t.observe(">   erin");
  CHECK(t.others() == Names{"bob", "carol", "dave", "erin"});
  // Only right after a line ending in ",": help text is not a name list.
  t.observe(">   /nick NAME       change your nickname");
  CHECK(t.others() == Names{"bob", "carol", "dave", "erin"});
}

TEST_CASE("people who talk are online", "[nicks]") {
  NickTracker t;
  t.observe("[dave] hello");
  t.observe("[erin -> you] psst");
  t.observe("[Dave] same person, other case");
  CHECK(t.others() == Names{"dave", "erin"});
}

TEST_CASE("lines that only look similar change nothing", "[nicks]") {
  NickTracker t;
  t.observe("> Server shutting down");
  t.observe("! nickname in use: bob");
  t.observe("* bob waves");
  t.observe("plain text");
  CHECK(t.others().empty());
  CHECK_FALSE(t.own().has_value());
}

TEST_CASE("Tab completes a unique nickname with a space after it", "[completion]") {
  const Names nicks{"bob", "김철수", "carol"};
  CHECK(complete_word("b", false, nicks).replacement == "bob ");
  CHECK(complete_word("B", false, nicks).replacement == "bob ");
  CHECK(complete_word("김", true, nicks).replacement == "김철수 ");
  CHECK(complete_word("x", false, nicks).replacement.empty());
}

TEST_CASE("Tab with several matches extends to the shared prefix and lists them", "[completion]") {
  const Names nicks{"robert", "roberta", "rob_x"};
  const auto c = complete_word("ro", false, nicks);
  CHECK(c.replacement == "rob");
  CHECK(c.choices == Names{"robert", "roberta", "rob_x"});
  const auto again = complete_word("rob", false, nicks);
  CHECK(again.replacement == "rob");  // nothing to add: the session lists the choices
  CHECK(again.choices.size() == 3);
  // Korean names share a prefix by whole characters, never half of one.
  const auto k = complete_word("김", false, Names{"김철수", "김철민"});
  CHECK(k.replacement == "김철");
}

TEST_CASE("Tab completes commands as the first word", "[completion]") {
  CHECK(complete_word("/q", true, {}).replacement == "/quit ");
  CHECK(complete_word("/Ni", true, {}).replacement == "/nick ");
  // IRC's words too (issue 24 item 10).
  CHECK(complete_word("/p", true, {}).replacement == "/part ");
  CHECK(complete_word("/l", true, {}).replacement == "/list ");
  CHECK(complete_word("/na", true, {}).replacement == "/names ");
  CHECK(complete_word("/whoi", true, {}).replacement == "/whois ");
  CHECK(complete_word("/hi", true, {}).replacement == "/history ");
  CHECK(complete_word("/h", true, {}).choices == Names{"/help", "/history"});
  const auto w = complete_word("/w", true, {});
  CHECK(w.replacement == "/who");
  CHECK(w.choices == Names{"/who", "/whois"});
  const auto m = complete_word("/m", true, {});
  CHECK(m.replacement == "/m");
  CHECK(m.choices == Names{"/me", "/msg"});
  // Not the first word: /w is no command there.
  CHECK(complete_word("/w", false, Names{"/weird"}).replacement == "/weird ");
}

TEST_CASE("a nickname refusal is recognised with or without its reason", "[nicks]") {
  using chat::client::refuses_nickname_in_use;
  CHECK(refuses_nickname_in_use("! nickname in use: bob", "bob"));
  CHECK(refuses_nickname_in_use("! nickname in use: bob (looks like B0b)", "bob"));
  CHECK_FALSE(refuses_nickname_in_use("! nickname in use: bobby", "bob"));
  CHECK_FALSE(refuses_nickname_in_use("! invalid nickname: bob (reserved)", "bob"));
  CHECK_FALSE(refuses_nickname_in_use("[alice] ! nickname in use: bob", "bob"));
}

TEST_CASE("a login names the user as its account", "[nicks]") {
  NickTracker t;
  t.observe("> You are now known as bob");
  t.observe("> You are logged in as alice");
  CHECK(t.own() == "alice");
}
