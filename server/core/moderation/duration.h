// Moderation durations as users type them: "30m", "2h", "7d" (also "45s"
// and "2w"), and back for /bans ("1h 59m"). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

// The longest duration accepted: a year. Longer is what "permanent" is for.
inline constexpr std::int64_t kMaxDuration = 366LL * 24 * 3600;

// Seconds, for a positive number and one unit (s, m, h, d, w), at most
// kMaxDuration; nullopt for anything else ("", "10", "1y", "0m", "-5m").
[[nodiscard]] std::optional<std::int64_t> parse_duration(std::string_view text) noexcept;

// "2h", "1h 59m", "45s", "7d", "3d 4h": the two largest units, rounded down.
[[nodiscard]] std::string format_duration(std::int64_t seconds);

}  // namespace chat
