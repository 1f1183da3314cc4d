// How long the soak load runs, set once by the soak test's main.
#pragma once

namespace chat::test {

inline int& soak_seconds() {
  static int seconds = 60;
  return seconds;
}

}  // namespace chat::test
