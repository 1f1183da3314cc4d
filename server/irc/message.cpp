#include "irc/message.h"

#include <algorithm>

namespace chat::irc {

namespace {

bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string_view skip_spaces(std::string_view s) noexcept {
  const auto at = s.find_first_not_of(' ');
  return at == std::string_view::npos ? std::string_view{} : s.substr(at);
}

// Cuts the first space-delimited word off `s`.
std::string_view take_word(std::string_view& s) noexcept {
  const auto end = s.find(' ');
  const std::string_view word = s.substr(0, end);
  s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  return word;
}

void parse_tags(std::string_view section, std::vector<Tag>& tags) {
  while (!section.empty()) {
    const auto end = section.find(';');
    const std::string_view item = section.substr(0, end);
    section = end == std::string_view::npos ? std::string_view{} : section.substr(end + 1);
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    if (!is_valid_tag_key(key)) continue;  // malformed keys are dropped, not fatal
    std::string value = eq == std::string_view::npos ? std::string{} : unescape_tag_value(item.substr(eq + 1));
    // A key given twice: the last value wins.
    const auto same = std::find_if(tags.begin(), tags.end(), [&](const Tag& t) { return t.key == key; });
    if (same != tags.end()) {
      same->value = std::move(value);
    } else {
      tags.push_back(Tag{key, std::move(value)});
    }
  }
}

}  // namespace

const Tag* Message::tag(std::string_view key) const noexcept {
  for (const Tag& t : tags) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

std::string_view describe(ParseError error) noexcept {
  switch (error) {
    case ParseError::empty: return "empty line";
    case ParseError::no_command: return "no command";
    case ParseError::bad_command: return "malformed command";
    case ParseError::too_long: return "Input line was too long";
    case ParseError::tags_too_long: return "Input line was too long";
    case ParseError::bad_bytes: return "NUL, CR or LF in a line";
  }
  return "";
}

bool is_valid_tag_key(std::string_view key) noexcept {
  if (!key.empty() && key.front() == '+') key.remove_prefix(1);
  const auto slash = key.rfind('/');
  if (slash != std::string_view::npos) {
    const std::string_view vendor = key.substr(0, slash);
    if (vendor.empty()) return false;
    for (char c : vendor) {
      if (!is_letter(c) && !is_digit(c) && c != '-' && c != '.') return false;
    }
    key.remove_prefix(slash + 1);
  }
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return is_letter(c) || is_digit(c) || c == '-'; });
}

std::string unescape_tag_value(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == escaped.size()) break;  // a lone trailing backslash is dropped
    switch (escaped[i]) {
      case ':': out.push_back(';'); break;
      case 's': out.push_back(' '); break;
      case 'r': out.push_back('\r'); break;
      case 'n': out.push_back('\n'); break;
      default: out.push_back(escaped[i]); break;  // "\\" and any other: the character
    }
  }
  return out;
}

void append_escaped_tag_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case ';': out.append("\\:"); break;
      case ' ': out.append("\\s"); break;
      case '\\': out.append("\\\\"); break;
      case '\r': out.append("\\r"); break;
      case '\n': out.append("\\n"); break;
      case '\0': break;  // cannot travel in a line
      default: out.push_back(c); break;
    }
  }
}

std::variant<Message, ParseError> parse_message(std::string_view line, From from) {
  if (line.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) return ParseError::bad_bytes;
  Message m;
  std::string_view rest = line;
  if (!rest.empty() && rest.front() == '@') {
    const auto end = rest.find(' ');
    const std::size_t section = end == std::string_view::npos ? rest.size() : end + 1;  // "@" .. " "
    const std::size_t data = end == std::string_view::npos ? rest.size() - 1 : end - 1;   // between them
    if (from == From::client ? data > kMaxClientTagData : section > kMaxTagBytes) return ParseError::tags_too_long;
    parse_tags(rest.substr(1, (end == std::string_view::npos ? rest.size() : end) - 1), m.tags);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    rest = skip_spaces(rest);
    if (rest.empty()) return ParseError::no_command;
  } else {
    rest = skip_spaces(rest);
    if (rest.empty()) return ParseError::empty;
  }
  if (rest.size() > kMaxBodyBytes) return ParseError::too_long;
  if (rest.front() == ':') {
    rest.remove_prefix(1);
    m.source = take_word(rest);
    rest = skip_spaces(rest);
    if (rest.empty()) return ParseError::no_command;
  }
  const std::string_view command = take_word(rest);
  const bool numeric = command.size() == 3 && std::all_of(command.begin(), command.end(), is_digit);
  if (!numeric && !std::all_of(command.begin(), command.end(), is_letter)) return ParseError::bad_command;
  m.command.reserve(command.size());
  for (char c : command) m.command.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  for (;;) {
    rest = skip_spaces(rest);
    if (rest.empty()) break;
    if (rest.front() == ':') {
      m.params.push_back(rest.substr(1));
      break;
    }
    if (m.params.size() == kMaxParams - 1) {  // the 15th: the rest, spaces and all
      m.params.push_back(rest);
      break;
    }
    m.params.push_back(take_word(rest));
  }
  return m;
}

}  // namespace chat::irc
