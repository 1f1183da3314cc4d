#include "core/moderation/duration.h"

namespace chat {

std::optional<std::int64_t> parse_duration(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 8) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 24 * 3600; break;
    case 'w': unit = 7 * 24 * 3600; break;
    default: return std::nullopt;
  }
  std::int64_t n = 0;
  for (const char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');  // at most 7 digits: no overflow
  }
  if (n == 0 || n * unit > kMaxDuration) return std::nullopt;
  return n * unit;
}

std::string format_duration(std::int64_t seconds) {
  if (seconds < 1) seconds = 1;
  struct Unit {
    std::int64_t size;
    char name;
  };
  static constexpr Unit kUnits[] = {{24 * 3600, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  std::string out;
  int parts = 0;
  for (const Unit& u : kUnits) {
    const std::int64_t n = seconds / u.size;
    if (n == 0) {
      if (parts > 0) break;  // "2h", not "2h 0m 5s"
      continue;
    }
    if (!out.empty()) out.push_back(' ');
    out += std::to_string(n);
    out.push_back(u.name);
    seconds -= n * u.size;
    if (++parts == 2) break;
  }
  return out;
}

}  // namespace chat
