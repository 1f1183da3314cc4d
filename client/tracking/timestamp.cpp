#include "tracking/timestamp.h"

#include <array>

namespace chat::client {

std::string timestamp_prefix(std::time_t when) {
  std::tm local{};
  if (::localtime_r(&when, &local) == nullptr) return "--:-- ";
  std::array<char, 16> buf{};
  const std::size_t n = std::strftime(buf.data(), buf.size(), "%H:%M ", &local);
  return std::string(buf.data(), n);
}

}  // namespace chat::client
