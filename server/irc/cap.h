// CAP negotiation (ircv3.net "Capability Negotiation", LS 302): a pure
// state machine over a small struct. The port offers
//
//   server-time    @time= on messages, history replayed at its time
//   message-tags   client tags relayed; tags on everything
//   echo-message   your own PRIVMSG/NOTICE comes back to you
//   multi-prefix   NAMES and WHO show every prefix ("@+alice")
//   sasl           SASL PLAIN (sasl=PLAIN under 302), only on a connection
//                  where a password may travel (TLS): the line port's rule
//
// REQ is all or nothing: one unknown (or not offered) name NAKs the whole
// request, as the specification requires.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chat::irc {

enum class Cap : std::uint8_t { server_time, message_tags, echo_message, multi_prefix, sasl };
inline constexpr std::size_t kCapCount = 5;

[[nodiscard]] std::string_view cap_name(Cap cap) noexcept;
[[nodiscard]] std::optional<Cap> cap_by_name(std::string_view name) noexcept;

struct CapState {
  bool negotiating = false;   // between CAP LS/REQ and CAP END, before registration
  unsigned version = 0;       // 0: no LS yet; 301; 302
  std::uint8_t enabled = 0;   // one bit per Cap

  [[nodiscard]] bool has(Cap cap) const noexcept { return (enabled >> static_cast<unsigned>(cap)) & 1U; }
  void set(Cap cap, bool on) noexcept {
    const auto bit = static_cast<std::uint8_t>(1U << static_cast<unsigned>(cap));
    enabled = on ? static_cast<std::uint8_t>(enabled | bit) : static_cast<std::uint8_t>(enabled & ~bit);
  }
};

struct CapContext {
  std::string_view server;  // the prefix of replies
  std::string_view nick;    // "*" before the client has one
  bool registered = false;  // after registration CAP does not hold it up
  bool sasl_offered = false;  // a TLS connection (passwords only over TLS)
};

// Acts on "CAP <params...>" and appends the replies. Unknown subcommands
// get ERR_INVALIDCAPCMD (410), a missing one ERR_NEEDMOREPARAMS (461).
void handle_cap(CapState& state, std::span<const std::string_view> params, const CapContext& context,
                std::string& out);

// The value of CAP LS: "echo-message message-tags multi-prefix sasl=PLAIN
// server-time" (values only under 302, sasl only when offered).
[[nodiscard]] std::string cap_ls_value(unsigned version, bool sasl_offered);

}  // namespace chat::irc
