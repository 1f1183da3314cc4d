#include "cluster/redis_url.h"

#include <charconv>

namespace chat {

namespace {

// A decimal number in [0, max], digits only.
bool parse_decimal(std::string_view text, unsigned max, unsigned& out) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return false;
  out = value;
  return true;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

std::variant<RedisUrl, std::string> parse_redis_url(std::string_view text) {
  constexpr std::string_view scheme = "redis://";
  if (!text.starts_with(scheme)) return std::string("no redis:// scheme");
  std::string_view rest = text.substr(scheme.size());
  RedisUrl url;

  std::string_view host;
  if (rest.starts_with('[')) {  // [IPv6]
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::string("unclosed '[' in the host");
    host = rest.substr(1, close - 1);
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return std::string("expected an IPv6 address inside [ ]");
    }
    rest = rest.substr(close + 1);
  } else {
    const auto colon = rest.find(':');
    host = rest.substr(0, colon);
    if (host.empty()) return std::string("missing HOST");
    for (const char c : host) {
      if (!is_host_char(c)) return std::string("unexpected character in HOST (user:password@ is not supported)");
    }
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon);
  }
  url.host = std::string(host);

  if (!rest.starts_with(':')) return std::string("missing :PORT");
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  if (!parse_decimal(rest.substr(0, slash), 65535, url.port) || url.port == 0) {
    return std::string("PORT must be a number from 1 to 65535");
  }
  if (slash != std::string_view::npos) {
    if (!parse_decimal(rest.substr(slash + 1), 15, url.db)) return std::string("DB must be a number from 0 to 15");
  }
  return url;
}

}  // namespace chat
