#include "terminal/prompt.h"

#include "terminal/display_width.h"

namespace chat::client {

namespace {
constexpr std::string_view kEnd = "\xC2\xBB ";  // "» "
}

std::string prompt_text(const PromptParts& parts) {
  std::string out;
  const auto segment = [&out](std::string_view s) {
    if (s.empty()) return;
    out += s;
    out += ' ';
  };
  segment(parts.nick);
  segment(parts.room);
  if (!parts.state.empty()) segment("(" + parts.state + ")");
  out += kEnd;
  return out;
}

std::string prompt_for_width(const PromptParts& parts, std::size_t columns) {
  std::string full = prompt_text(parts);
  if (text_width(full) * 2 <= columns) return full;
  return std::string(kEnd);
}

}  // namespace chat::client
