// How long the soak load runs: `--seconds N` (ctest passes it per engine),
// unless the environment variable CHAT_SOAK_SECONDS says otherwise, so a
// developer can run a 5 s soak through ctest.
#pragma once

#include <cstdlib>

namespace chat::test {

inline int& soak_seconds_option() {
  static int seconds = 60;
  return seconds;
}

inline int soak_seconds() {
  if (const char* env = std::getenv("CHAT_SOAK_SECONDS"); env != nullptr && std::atoi(env) > 0) {
    return std::atoi(env);
  }
  return soak_seconds_option();
}

}  // namespace chat::test
