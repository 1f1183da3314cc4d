// The step both test clients share: take one whole line off the bytes read
// so far, whatever socket or TLS stream they came from.
#pragma once

#include <optional>
#include <string>

namespace chat::test {

// The first line in `pending`, without its '\n', removed from `pending`;
// nothing while no whole line has arrived.
inline std::optional<std::string> pop_line(std::string& pending) {
  const auto newline = pending.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = pending.substr(0, newline);
  pending.erase(0, newline + 1);
  return line;
}

}  // namespace chat::test
