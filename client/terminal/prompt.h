// The text before the input line: who you are, where, and whether you are
// connected, so a glance at the input row answers all three. Pure.
#pragma once

#include <string>
#include <string_view>

namespace chat::client {

struct PromptParts {
  std::string nick;   // the user's name once known (--nick, then the server's word); empty: unknown
  std::string room;   // "#random" once known; empty until the client knows rooms
  std::string state;  // empty when connected; else "reconnecting", "connecting", ...
};

// The segments that are known, joined by one space, then "» ":
//   {}                              -> "» "
//   {"bob"}                         -> "bob » "
//   {"bob", "#random"}              -> "bob #random » "
//   {"bob", "", "reconnecting"}     -> "bob (reconnecting) » "
[[nodiscard]] std::string prompt_text(const PromptParts& parts);

// The prompt for a terminal `columns` wide: the full one while it takes at
// most half the row, else just "» " so typing keeps its room.
[[nodiscard]] std::string prompt_for_width(const PromptParts& parts, std::size_t columns);

}  // namespace chat::client
