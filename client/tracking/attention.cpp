#include "tracking/attention.h"

#include "nickname.h"

namespace chat::client {

namespace {

// Bytes that continue a nickname: a match next to one is part of a longer word.
bool is_name_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '-';
}

bool names_whole_word(std::string_view text, std::string_view nick) {
  const std::string key = nickname_key(nick);
  if (key.empty() || text.size() < nick.size()) return false;
  for (std::size_t at = 0; at + nick.size() <= text.size(); ++at) {
    if (at > 0 && is_name_byte(text[at - 1])) continue;
    const std::size_t end = at + nick.size();
    if (end < text.size() && is_name_byte(text[end])) continue;
    if (nickname_key(text.substr(at, nick.size())) == key) return true;
  }
  return false;
}

}  // namespace

Attention attention(std::string_view line, std::string_view own_nick) {
  std::string_view sender, text;
  if (line.starts_with('[')) {
    const auto close = line.find("] ");
    if (close == std::string_view::npos) return Attention::none;
    sender = line.substr(1, close - 1);
    text = line.substr(close + 2);
    if (sender.ends_with(" -> you")) return Attention::private_message;
  } else if (line.starts_with("* ")) {
    const auto space = line.find(' ', 2);
    if (space == std::string_view::npos) return Attention::none;
    sender = line.substr(2, space - 2);
    text = line.substr(space + 1);
  } else {
    return Attention::none;
  }
  if (own_nick.empty() || sender.find(' ') != std::string_view::npos) return Attention::none;  // "[You -> bob]"
  if (nickname_key(sender) == nickname_key(own_nick)) return Attention::none;
  return names_whole_word(text, own_nick) ? Attention::mention : Attention::none;
}

}  // namespace chat::client
