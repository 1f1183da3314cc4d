#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tracking/arrival_filter.h"

using chat::client::ArrivalFilter;

namespace {
std::vector<std::string> shown(ArrivalFilter& f, const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    if (!f.hide(l)) out.push_back(l);
  }
  return out;
}
}  // namespace

TEST_CASE("without a join to wait for nothing is hidden", "[arrival]") {
  ArrivalFilter f;
  const std::vector<std::string> lines{"> Connected to the chat server (2 users online)", "> Recent messages (1):",
                                       "04:33 [bob] hi", "> End of recent messages"};
  CHECK(shown(f, lines) == lines);
}

TEST_CASE("chat --room hides the default room's replay and shows the joined room's", "[arrival]") {
  ArrivalFilter f;
  f.expect_join();
  CHECK(shown(f, {"> Connected to the chat server (2 users online)", "> Recent messages (1):",
                  "04:33 [bob] lobby talk", "> End of recent messages", "> You are now known as alice",
                  "> You are now in #dev (2 users here)", "> Recent messages (1):", "04:34 [carol] dev talk",
                  "> End of recent messages"}) ==
        std::vector<std::string>{"> Connected to the chat server (2 users online)", "> You are now known as alice",
                                 "> You are now in #dev (2 users here)", "> Recent messages (1):",
                                 "04:34 [carol] dev talk", "> End of recent messages"});
}

TEST_CASE("a refused join ends the wait", "[arrival]") {
  ArrivalFilter f;
  f.expect_join();
  CHECK(shown(f, {"> Recent messages (1):", "04:33 [bob] x", "> End of recent messages",
                  "! invalid room name: #a/b", "> Recent messages (1):"}) ==
        std::vector<std::string>{"! invalid room name: #a/b", "> Recent messages (1):"});
}
