#include "tracking/nick_tracker.h"

#include <algorithm>
#include <array>
#include <utility>

#include "nickname.h"

namespace chat::client {

namespace {

// The text between `prefix` and the last occurrence of `suffix_start`, if
// `line` has that shape.
std::optional<std::string_view> between(std::string_view line, std::string_view prefix,
                                        std::string_view suffix_start) {
  if (!line.starts_with(prefix)) return std::nullopt;
  line.remove_prefix(prefix.size());
  const auto end = line.rfind(suffix_start);
  if (end == std::string_view::npos || end == 0) return std::nullopt;
  return line.substr(0, end);
}

bool same_name(std::string_view a, std::string_view b) { return nickname_key(a) == nickname_key(b); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && same_name(text.substr(0, prefix.size()), prefix);
}

// How a long /who reply's continuation lines start (docs/PROTOCOL.md).
constexpr std::string_view kListContinuation = ">   ";

constexpr std::array<std::string_view, 13> kCommands{"/help",  "/history", "/join", "/list",  "/me",
                                                    "/msg",   "/names",   "/nick", "/part",  "/quit",
                                                    "/rooms", "/who",     "/whois"};

}  // namespace

void NickTracker::add(std::string_view name) {
  if (name.empty() || name.find(' ') != std::string_view::npos) return;
  if (own_ && same_name(*own_, name)) return;
  if (std::none_of(names_.begin(), names_.end(), [&](const std::string& n) { return same_name(n, name); })) {
    names_.emplace_back(name);
  }
}

void NickTracker::remove(std::string_view name) {
  std::erase_if(names_, [&](const std::string& n) { return same_name(n, name); });
}

bool NickTracker::add_list(std::string_view list) {
  const bool continues = list.ends_with(',');
  if (continues) list.remove_suffix(1);
  while (!list.empty()) {
    const auto comma = list.find(", ");
    add(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 2);
  }
  return continues;
}

void NickTracker::observe(std::string_view line) {
  const bool continuing = std::exchange(who_continues_, false);
  if (continuing && line.starts_with(kListContinuation)) {
    who_continues_ = add_list(line.substr(kListContinuation.size()));
    return;
  }
  if (const auto name = between(line, "> New user ", " entered (")) {
    add(*name);
  } else if (const auto gone = between(line, "< The user ", " left (")) {
    remove(*gone);
  } else if (line.starts_with("> You are logged in as ")) {  // accounts: /login renames
    own_ = std::string(line.substr(std::string_view("> You are logged in as ").size()));
    remove(*own_);
  } else if (line.starts_with("> You are now known as ")) {
    own_ = std::string(line.substr(std::string_view("> You are now known as ").size()));
    remove(*own_);
  } else if (const auto old_name = between(line, "> ", " is now known as ")) {
    const std::string_view rest = line.substr(2 + old_name->size() + std::string_view(" is now known as ").size());
    remove(*old_name);
    add(rest);
  } else if (const auto mover = between(line, "> ", " joined #")) {
    add(*mover);  // into this room
  } else if (const auto goner = between(line, "< ", " left for #")) {
    remove(*goner);  // out of this room
  } else if (line.starts_with("> Online (") || line.starts_with("> In #")) {
    const auto colon = line.find("): ");
    if (colon == std::string_view::npos) return;
    names_.clear();
    who_continues_ = add_list(line.substr(colon + 3));
  } else if (line.starts_with("[")) {
    // "[NAME] TEXT" or "[NAME -> you] TEXT": whoever talks is online.
    const auto close = line.find(']');
    if (close == std::string_view::npos) return;
    std::string_view name = line.substr(1, close - 1);
    if (name.ends_with(" -> you")) name.remove_suffix(std::string_view(" -> you").size());
    add(name);
  }
}

Completion complete_word(std::string_view word, bool first_word, const std::vector<std::string>& nicks) {
  std::vector<std::string> matches;
  if (first_word && word.starts_with('/')) {
    for (const std::string_view command : kCommands) {
      if (starts_with_ignoring_case(command, word)) matches.emplace_back(command);
    }
  } else {
    for (const std::string& nick : nicks) {
      if (starts_with_ignoring_case(nick, word)) matches.push_back(nick);
    }
  }
  if (matches.empty()) return {};
  if (matches.size() == 1) return {matches.front() + " ", {}};

  // Several: extend to the longest prefix they share (by bytes that agree
  // ignoring case, cut back to a character boundary), keeping the typed case
  // only where nothing new is added.
  std::size_t common = matches.front().size();
  for (const std::string& m : matches) {
    std::size_t i = 0;
    while (i < common && i < m.size() && nickname_key(m.substr(i, 1)) == nickname_key(matches.front().substr(i, 1))) ++i;
    common = i;
  }
  while (common > 0 && (static_cast<unsigned char>(matches.front()[common]) & 0xC0) == 0x80) --common;
  std::string replacement = common > word.size() ? matches.front().substr(0, common) : std::string(word);
  return {std::move(replacement), std::move(matches)};
}

bool refuses_nickname_in_use(std::string_view line, std::string_view name) {
  constexpr std::string_view kPrefix = "! nickname in use: ";
  if (!line.starts_with(kPrefix)) return false;
  line.remove_prefix(kPrefix.size());
  if (!line.starts_with(name)) return false;
  line.remove_prefix(name.size());
  return line.empty() || line.starts_with(" (");
}

}  // namespace chat::client
