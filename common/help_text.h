// The option list of a --help text, laid out from a program's option table:
// each option's names in one column, its description beside them, wrapped
// to a terminal's width. chatd and chat both print theirs with it.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace chat {

struct HelpEntry {
  std::string names;        // "--max-line BYTES", "--no-color, --no-colour"
  std::string description;  // one paragraph; wrapped at spaces
};

// Every entry on its own line(s), "  NAMES  DESCRIPTION\n", the descriptions
// aligned in one column and wrapped so no line passes `width` columns
// unless a single word is longer.
[[nodiscard]] std::string format_help(std::span<const HelpEntry> entries, std::size_t width = 80);

}  // namespace chat
