#include "command.h"

#include <array>
#include <utility>

namespace chat {

namespace {

constexpr std::string_view kBlank = " \t";

std::string_view trim(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlank) - first + 1);
}

// Splits off the first blank-separated word; returns {word, rest-trimmed}.
std::pair<std::string_view, std::string_view> split_word(std::string_view s) noexcept {
  const auto end = s.find_first_of(kBlank);
  if (end == std::string_view::npos) return {s, {}};
  return {s.substr(0, end), trim(s.substr(end))};
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, Command::Kind>, 28> kCommands{{
    {"/nick", Command::Kind::nick},
    {"/who", Command::Kind::who},
    {"/msg", Command::Kind::msg},
    {"/me", Command::Kind::me},
    {"/quit", Command::Kind::quit},
    {"/help", Command::Kind::help},
    {"/join", Command::Kind::join},
    {"/rooms", Command::Kind::rooms},
    {"/register", Command::Kind::register_account},
    {"/login", Command::Kind::login},
    {"/logout", Command::Kind::logout},
    {"/password", Command::Kind::password},
    {"/list", Command::Kind::rooms},  // IRC's words for /rooms and /who
    {"/names", Command::Kind::who},
    {"/part", Command::Kind::part},
    {"/whois", Command::Kind::whois},
    {"/history", Command::Kind::history},
    {"/op", Command::Kind::op},
    {"/deop", Command::Kind::deop},
    {"/topic", Command::Kind::topic},
    {"/kick", Command::Kind::kick},
    {"/ban", Command::Kind::ban},
    {"/unban", Command::Kind::unban},
    {"/bans", Command::Kind::bans},
    {"/mute", Command::Kind::mute},
    {"/unmute", Command::Kind::unmute},
    {"/private", Command::Kind::privacy},
    {"/invite", Command::Kind::invite},
}};

}  // namespace

Command parse_command(std::string_view line) noexcept {
  if (trim(line).empty()) return {Command::Kind::empty, {}, {}};
  if (line.front() != '/') return {Command::Kind::text, line, {}};
  if (line.size() > 1 && line[1] == '/') return {Command::Kind::text, line.substr(1), {}};

  const auto [word, rest] = split_word(line);
  for (const auto& [name, kind] : kCommands) {
    if (!equals_ignoring_ascii_case(word, name)) continue;
    if (kind == Command::Kind::msg || kind == Command::Kind::login || kind == Command::Kind::password ||
        kind == Command::Kind::kick || kind == Command::Kind::ban || kind == Command::Kind::mute) {
      const auto [target, text] = split_word(rest);
      return {kind, target, text};
    }
    return {kind, rest, {}};
  }
  return {Command::Kind::unknown, word, {}};
}

}  // namespace chat
