// What an address ban matches: an IPv4 address as itself, an IPv6 address
// as its /64 (one subscriber's usual allocation: banning one address of it
// would be dodged by the next). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chat {

// "203.0.113.9" -> "203.0.113.9"; "2001:db8:1:2::5" -> "2001:db8:1:2::/64";
// "2001:db8:1:2::/64" -> the same; an IPv4-mapped IPv6 address -> its IPv4.
// nullopt when `text` is not an address.
[[nodiscard]] std::optional<std::string> ban_address_key(std::string_view text);

// The host of an address name as the chat shows it ("10.0.0.1:4000",
// "[2001:db8::1]:4000"), or empty if it is not one.
[[nodiscard]] std::string_view host_of_address_name(std::string_view name) noexcept;

}  // namespace chat
