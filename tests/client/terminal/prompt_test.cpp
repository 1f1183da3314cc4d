#include <catch2/catch.hpp>

#include "terminal/prompt.h"

using chat::client::PromptParts;
using chat::client::prompt_for_width;
using chat::client::prompt_text;

TEST_CASE("the prompt shows what is known, joined by spaces, then the arrow", "[prompt]") {
  CHECK(prompt_text({}) == "\xC2\xBB ");
  CHECK(prompt_text({"bob", "", ""}) == "bob \xC2\xBB ");
  CHECK(prompt_text({"bob", "#random", ""}) == "bob #random \xC2\xBB ");
  CHECK(prompt_text({"bob", "", "reconnecting"}) == "bob (reconnecting) \xC2\xBB ");
  CHECK(prompt_text({"bob", "#random", "reconnecting"}) == "bob #random (reconnecting) \xC2\xBB ");
  CHECK(prompt_text({"", "", "connecting"}) == "(connecting) \xC2\xBB ");
}

TEST_CASE("a prompt too wide for the terminal shrinks to the arrow", "[prompt]") {
  const PromptParts parts{"bob", "", "reconnecting"};  // 21 columns
  CHECK(prompt_for_width(parts, 80) == prompt_text(parts));
  CHECK(prompt_for_width(parts, 42) == prompt_text(parts));
  CHECK(prompt_for_width(parts, 41) == "\xC2\xBB ");
  CHECK(prompt_for_width(parts, 30) == "\xC2\xBB ");
}
