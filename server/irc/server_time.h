// The IRCv3 server-time tag's value (ircv3.net "server-time"): UTC, ISO
// 8601 with milliseconds and "Z": "2026-12-07T17:20:01.000Z". Written from
// the chat's own clock and history times, with no time zone involved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat::irc {

// `milliseconds` since the Unix epoch (may be before it).
[[nodiscard]] std::string format_server_time(std::int64_t milliseconds);

// The inverse, for tests and for clients' @time tags: milliseconds since
// the epoch of "YYYY-MM-DDThh:mm:ss.sssZ", or nullopt if not that format.
[[nodiscard]] std::optional<std::int64_t> parse_server_time(std::string_view text);

}  // namespace chat::irc
