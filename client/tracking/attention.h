// Which server lines ask for the user's attention: a private message to
// them, or someone else's line that mentions their nickname. Pure.
#pragma once

#include <string_view>

namespace chat::client {

enum class Attention {
  none,
  mention,  // "[NAME] TEXT" or "* NAME TEXT" from someone else, TEXT naming the user
  private_message,  // "[NAME -> you] TEXT"
};

// `line` is a sanitized server line; `own_nick` the user's name (empty:
// unknown, so nothing is a mention). The name matches ignoring ASCII case,
// as a whole word: "bob" in "hi bob!" and "bob: ok", not in "bobby".
[[nodiscard]] Attention attention(std::string_view line, std::string_view own_nick);

}  // namespace chat::client
