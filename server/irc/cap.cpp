#include "irc/cap.h"

#include <array>
#include <vector>

#include "irc/numerics.h"
#include "irc/serializer.h"

namespace chat::irc {

namespace {

// Alphabetical, as CAP LS lists them.
constexpr std::array<std::pair<std::string_view, Cap>, kCapCount> kCaps{{
    {"echo-message", Cap::echo_message},
    {"message-tags", Cap::message_tags},
    {"multi-prefix", Cap::multi_prefix},
    {"sasl", Cap::sasl},
    {"server-time", Cap::server_time},
}};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

void reply(std::string& out, const CapContext& c, std::string_view sub, std::string_view value) {
  append_message(out, c.server, "CAP", {c.nick, sub, value});
}

bool offered(Cap cap, const CapContext& c) { return cap != Cap::sasl || c.sasl_offered; }

void request(CapState& state, std::string_view list, const CapContext& c, std::string& out) {
  // All or nothing: check every name before changing anything.
  std::vector<std::pair<Cap, bool>> changes;
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto end = rest.find(' ');
    std::string_view word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (word.empty()) continue;
    const bool on = !word.starts_with('-');
    if (!on) word.remove_prefix(1);
    const auto cap = cap_by_name(word);
    if (!cap || !offered(*cap, c)) {
      reply(out, c, "NAK", list);
      return;
    }
    changes.emplace_back(*cap, on);
  }
  if (changes.empty()) {
    reply(out, c, "NAK", list);
    return;
  }
  for (const auto& [cap, on] : changes) state.set(cap, on);
  reply(out, c, "ACK", list);
}

}  // namespace

std::string_view cap_name(Cap cap) noexcept {
  for (const auto& [name, c] : kCaps) {
    if (c == cap) return name;
  }
  return {};
}

std::optional<Cap> cap_by_name(std::string_view name) noexcept {
  for (const auto& [n, c] : kCaps) {
    if (n == name) return c;
  }
  return std::nullopt;
}

std::string cap_ls_value(unsigned version, bool sasl_offered) {
  std::string out;
  for (const auto& [name, cap] : kCaps) {
    if (cap == Cap::sasl && !sasl_offered) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(name);
    if (cap == Cap::sasl && version >= 302) out.append("=PLAIN");
  }
  return out;
}

void handle_cap(CapState& state, std::span<const std::string_view> params, const CapContext& c, std::string& out) {
  if (params.empty()) {
    append_numeric(out, c.server, c.nick, Numeric::ERR_NEEDMOREPARAMS, {"CAP"});
    return;
  }
  const std::string sub = upper(params[0]);
  if (sub == "LS") {
    if (!c.registered) state.negotiating = true;
    unsigned asked = 301;
    if (params.size() > 1) {
      unsigned v = 0;
      for (char ch : params[1]) {
        if (ch < '0' || ch > '9' || v > 100000) break;
        v = v * 10 + static_cast<unsigned>(ch - '0');
      }
      if (v >= 302) asked = 302;
    }
    if (asked > state.version) state.version = asked;
    reply(out, c, "LS", cap_ls_value(state.version, c.sasl_offered));
    return;
  }
  if (sub == "LIST") {
    std::string value;
    for (const auto& [name, cap] : kCaps) {
      if (!state.has(cap)) continue;
      if (!value.empty()) value.push_back(' ');
      value.append(name);
    }
    reply(out, c, "LIST", value);
    return;
  }
  if (sub == "REQ") {
    if (!c.registered) state.negotiating = true;
    if (state.version == 0) state.version = 301;
    request(state, params.size() > 1 ? params[1] : std::string_view{}, c, out);
    return;
  }
  if (sub == "END") {
    state.negotiating = false;
    return;
  }
  append_numeric(out, c.server, c.nick, Numeric::ERR_INVALIDCAPCMD, {params[0]});
}

}  // namespace chat::irc
