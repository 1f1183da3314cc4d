#include "core/moderation/address_key.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace chat {

std::optional<std::string> ban_address_key(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  if (s.ends_with("/64") && s.find(':') != std::string::npos) s.resize(s.size() - 3);
  in_addr v4{};
  if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    char buf[INET_ADDRSTRLEN];
    return std::string(::inet_ntop(AF_INET, &v4, buf, sizeof buf));
  }
  std::array<unsigned char, 16> v6{};
  if (::inet_pton(AF_INET6, s.c_str(), v6.data()) != 1) return std::nullopt;
  constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) {
    char buf[INET_ADDRSTRLEN];
    return std::string(::inet_ntop(AF_INET, v6.data() + 12, buf, sizeof buf));
  }
  std::fill(v6.begin() + 8, v6.end(), 0);
  char buf[INET6_ADDRSTRLEN];
  return std::string(::inet_ntop(AF_INET6, v6.data(), buf, sizeof buf)) + "/64";
}

std::string_view host_of_address_name(std::string_view name) noexcept {
  if (name.starts_with('[')) {
    const auto end = name.find("]:");
    return end == std::string_view::npos ? std::string_view{} : name.substr(1, end - 1);
  }
  const auto colon = name.rfind(':');
  if (colon == std::string_view::npos || name.find(':') != colon) return {};
  return name.substr(0, colon);
}

}  // namespace chat
