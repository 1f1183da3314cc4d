// The --cluster value, redis://HOST:PORT[/DB], parsed strictly. Pure.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace chat {

struct RedisUrl {
  std::string host;  // a name or an IPv4 address; an IPv6 address without its [ ]
  unsigned port = 6379;
  unsigned db = 0;

  bool operator==(const RedisUrl&) const = default;
};

// "redis://127.0.0.1:6379", "redis://localhost:6380/2", "redis://[::1]:6379".
// HOST and PORT are required, DB is 0 to 15 when given; no user, password,
// query or trailing text. On error, what is wrong (one phrase, no value).
std::variant<RedisUrl, std::string> parse_redis_url(std::string_view text);

}  // namespace chat
