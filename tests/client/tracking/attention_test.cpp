#include <catch2/catch.hpp>

#include "tracking/attention.h"

using chat::client::Attention;
using chat::client::attention;

TEST_CASE("a line naming the user is a mention, as a whole word, any ASCII case", "[attention]") {
  CHECK(attention("[alice] hi bob!", "bob") == Attention::mention);
  CHECK(attention("[alice] bob: are you there", "bob") == Attention::mention);
  CHECK(attention("[alice] BOB?", "bob") == Attention::mention);
  CHECK(attention("* alice pokes bob", "bob") == Attention::mention);
  CHECK(attention("[alice] bobby is here", "bob") == Attention::none);
  CHECK(attention("[alice] kebob", "bob") == Attention::none);
  CHECK(attention("[alice] bob_2 left", "bob") == Attention::none);
  CHECK(attention("[alice] hello", "bob") == Attention::none);
}

TEST_CASE("own lines, notices and unknown names are no mention", "[attention]") {
  CHECK(attention("[bob] I am bob", "bob") == Attention::none);
  CHECK(attention("* bob is bob", "bob") == Attention::none);
  CHECK(attention("> bob is now known as bobby", "bob") == Attention::none);
  CHECK(attention("! no such user: bob", "bob") == Attention::none);
  CHECK(attention("[You -> alice] hi bob", "bob") == Attention::none);
  CHECK(attention("[alice] hi bob", "") == Attention::none);
}

TEST_CASE("a private message to the user is its own kind", "[attention]") {
  CHECK(attention("[alice -> you] psst", "bob") == Attention::private_message);
  CHECK(attention("[alice -> you] psst", "") == Attention::private_message);
}
