// Fuzz target for the command parser (common/command.h): any line a client
// sends parses to one of the kinds, with arguments that are trimmed views
// into the line itself, chosen by the first word ignoring ASCII case.
//
// Input: the line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "command.h"
#include "fuzz_check.h"

namespace {

using Kind = chat::Command::Kind;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool all_blank(std::string_view s) {
  for (char c : s) {
    if (!is_blank(c)) return false;
  }
  return true;
}

// An empty view may point anywhere (or nowhere); a non-empty one must lie
// inside the line, so no argument outlives or escapes the caller's bytes.
bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  const auto lo = reinterpret_cast<std::uintptr_t>(whole.data());
  const auto p = reinterpret_cast<std::uintptr_t>(part.data());
  return p >= lo && p + part.size() <= lo + whole.size();
}

// Same bytes at the same place: the parser must hand back views, not copies.
bool same_view(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a.data() == b.data());
}

// Index of the first non-blank byte at or after `from` (size() if none).
std::size_t skip_blanks(std::string_view s, std::size_t from) {
  while (from < s.size() && is_blank(s[from])) ++from;
  return from;
}

// Index one past the last non-blank byte (0 if none).
std::size_t end_of_content(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0 && is_blank(s[end - 1])) --end;
  return end;
}

std::size_t end_of_word(std::string_view s, std::size_t from) {
  while (from < s.size() && !is_blank(s[from])) ++from;
  return from;
}

Kind kind_of_word(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  if (lower == "/nick") return Kind::nick;
  if (lower == "/who") return Kind::who;
  if (lower == "/msg") return Kind::msg;
  if (lower == "/me") return Kind::me;
  if (lower == "/quit") return Kind::quit;
  if (lower == "/help") return Kind::help;
  if (lower == "/join") return Kind::join;
  if (lower == "/rooms" || lower == "/list") return Kind::rooms;
  if (lower == "/names") return Kind::who;
  if (lower == "/part") return Kind::part;
  if (lower == "/whois") return Kind::whois;
  if (lower == "/history") return Kind::history;
  if (lower == "/op") return Kind::op;
  if (lower == "/deop") return Kind::deop;
  if (lower == "/topic") return Kind::topic;
  if (lower == "/kick") return Kind::kick;
  if (lower == "/ban") return Kind::ban;
  if (lower == "/unban") return Kind::unban;
  if (lower == "/bans") return Kind::bans;
  if (lower == "/mute") return Kind::mute;
  if (lower == "/unmute") return Kind::unmute;
  if (lower == "/private") return Kind::privacy;
  if (lower == "/invite") return Kind::invite;
  return Kind::unknown;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A heap copy of exactly the line, so AddressSanitizer sees a read past it.
  const std::string copy(reinterpret_cast<const char*>(data), size);
  const std::string_view line(copy);
  const chat::Command c = chat::parse_command(line);

  FUZZ_CHECK(inside(c.arg, line));
  FUZZ_CHECK(inside(c.text, line));
  FUZZ_CHECK((c.kind == Kind::empty) == all_blank(line));

  if (c.kind == Kind::empty) {
    FUZZ_CHECK(c.arg.empty() && c.text.empty());
    return 0;
  }
  if (line.front() != '/') {  // plain text, kept exactly as typed
    FUZZ_CHECK(c.kind == Kind::text);
    FUZZ_CHECK(same_view(c.arg, line));
    FUZZ_CHECK(c.text.empty());
    return 0;
  }
  if (line.size() > 1 && line[1] == '/') {  // "//x" is the text "/x"
    FUZZ_CHECK(c.kind == Kind::text);
    FUZZ_CHECK(same_view(c.arg, line.substr(1)));
    FUZZ_CHECK(c.text.empty());
    return 0;
  }

  const std::size_t word_end = end_of_word(line, 0);
  const std::string_view word = line.substr(0, word_end);
  const Kind want = kind_of_word(word);
  FUZZ_CHECK(c.kind == want);
  FUZZ_CHECK(c.kind != Kind::text && c.kind != Kind::empty);

  // The rest after the word, without surrounding blanks.
  const std::size_t rest_begin = skip_blanks(line, word_end);
  const std::size_t rest_end = std::max(rest_begin, end_of_content(line));
  const std::string_view rest = line.substr(rest_begin, rest_end - rest_begin);

  switch (c.kind) {
    case Kind::unknown:
      FUZZ_CHECK(same_view(c.arg, word));
      FUZZ_CHECK(c.text.empty());
      break;
    case Kind::msg:
    case Kind::kick:
    case Kind::ban:
    case Kind::mute: {
      const std::size_t target_end = end_of_word(line, rest_begin);
      const std::size_t text_begin = skip_blanks(line, target_end);
      const std::size_t text_end = std::max(text_begin, end_of_content(line));
      FUZZ_CHECK(same_view(c.arg, line.substr(rest_begin, target_end - rest_begin)));
      FUZZ_CHECK(same_view(c.text, line.substr(text_begin, text_end - text_begin)));
      FUZZ_CHECK(c.arg.find_first_of(" \t") == std::string_view::npos);
      FUZZ_CHECK(c.text.empty() || !c.arg.empty());
      break;
    }
    default:  // nick, who, me, quit, help: the whole trimmed rest
      FUZZ_CHECK(same_view(c.arg, rest));
      FUZZ_CHECK(c.text.empty());
      break;
  }
  // Arguments never start or end with a blank.
  for (std::string_view part : {c.arg, c.text}) {
    if (part.empty()) continue;
    FUZZ_CHECK(!is_blank(part.front()) && !is_blank(part.back()));
  }
  return 0;
}
