#include "irc/serializer.h"

#include "irc/message.h"

namespace chat::irc {

namespace {

// CR, LF and NUL are written as spaces, so they count as spaces here.
bool valid_middle(std::string_view p) noexcept {
  return !p.empty() && p.front() != ':' && p.find_first_of(std::string_view(" \r\n\0", 4)) == std::string_view::npos;
}

void append_clean(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}

}  // namespace

bool append_message(std::string& out, const OutMessage& m) {
  const std::size_t n = m.params.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (!valid_middle(m.params[i])) return false;
  }
  if (!m.tags.empty()) {
    out.push_back('@');
    bool first = true;
    for (const OutTag& t : m.tags) {
      if (!first) out.push_back(';');
      first = false;
      out.append(t.key);
      if (!t.value.empty()) {
        out.push_back('=');
        append_escaped_tag_value(out, t.value);
      }
    }
    out.push_back(' ');
  }
  if (!m.source.empty()) {
    out.push_back(':');
    append_clean(out, m.source);
    out.push_back(' ');
  }
  out.append(m.command);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(' ');
    if (i + 1 == n && (m.colon_last || !valid_middle(m.params[i]))) out.push_back(':');
    append_clean(out, m.params[i]);
  }
  out.append("\r\n");
  return true;
}

bool append_message(std::string& out, std::string_view source, std::string_view command,
                    std::initializer_list<std::string_view> params) {
  return append_message(out, OutMessage{.source = source, .command = command,
                                        .params = std::span<const std::string_view>(params.begin(), params.size())});
}

}  // namespace chat::irc
