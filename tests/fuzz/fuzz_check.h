// The one way a fuzz target reports a broken property: say which check
// failed, then trap, so libFuzzer saves the input and the corpus replay
// under ctest dies with a message instead of passing quietly.
#pragma once

#include <cstdio>

#define FUZZ_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      std::fflush(stderr);                                                           \
      __builtin_trap();                                                              \
    }                                                                                \
  } while (0)
