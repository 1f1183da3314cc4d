#include "help_text.h"

#include <algorithm>
#include <string_view>

namespace chat {

namespace {

constexpr std::size_t kIndent = 2;  // before the names
constexpr std::size_t kGap = 2;     // between the names and the description

// Appends `text` to `out`, wrapped at spaces to lines of at most `room`
// columns, every line after the first indented by `column` spaces.
void append_wrapped(std::string& out, std::string_view text, std::size_t column, std::size_t room) {
  std::size_t used = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view word = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (word.empty()) continue;
    if (used > 0 && used + 1 + word.size() > room) {
      out += '\n';
      out.append(column, ' ');
      used = 0;
    } else if (used > 0) {
      out += ' ';
      ++used;
    }
    out += word;
    used += word.size();
  }
}

}  // namespace

std::string format_help(std::span<const HelpEntry> entries, std::size_t width) {
  std::size_t names_width = 0;
  for (const HelpEntry& e : entries) names_width = std::max(names_width, e.names.size());
  const std::size_t column = kIndent + names_width + kGap;
  // Past a narrow width every word gets a line of its own.
  const std::size_t room = width > column ? width - column : 0;

  std::string out;
  for (const HelpEntry& e : entries) {
    out.append(kIndent, ' ');
    out += e.names;
    out.append(column - kIndent - e.names.size(), ' ');
    append_wrapped(out, e.description, column, room);
    out += '\n';
  }
  return out;
}

}  // namespace chat
