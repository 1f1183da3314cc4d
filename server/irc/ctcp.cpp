#include "irc/ctcp.h"

namespace chat::irc {

namespace {

std::string_view body(std::string_view text) noexcept {
  text.remove_prefix(1);
  if (!text.empty() && text.back() == kCtcpDelimiter) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string ctcp_command(std::string_view text) {
  if (!is_ctcp(text)) return {};
  const std::string_view b = body(text);
  const std::string_view word = b.substr(0, b.find(' '));
  std::string out;
  out.reserve(word.size());
  for (char c : word) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return out;
}

std::optional<std::string_view> action_text(std::string_view text) noexcept {
  if (!is_ctcp(text)) return std::nullopt;
  const std::string_view b = body(text);
  constexpr std::string_view kAction = "ACTION";
  if (b.size() < kAction.size()) return std::nullopt;
  for (std::size_t i = 0; i < kAction.size(); ++i) {
    const char c = b[i] >= 'a' && b[i] <= 'z' ? static_cast<char>(b[i] - 'a' + 'A') : b[i];
    if (c != kAction[i]) return std::nullopt;
  }
  if (b.size() == kAction.size()) return std::string_view{};
  if (b[kAction.size()] != ' ') return std::nullopt;
  return b.substr(kAction.size() + 1);
}

void append_action(std::string& out, std::string_view text) {
  out.push_back(kCtcpDelimiter);
  out.append("ACTION ");
  out.append(text);
  out.push_back(kCtcpDelimiter);
}

}  // namespace chat::irc
