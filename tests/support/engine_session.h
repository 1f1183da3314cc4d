// The main of every per-engine test program (integration, hostile, soak):
// Catch2 plus `--engine NAME`, so ctest runs the same tests once per engine.
// engine_session.cpp holds Catch2's implementation (CATCH_CONFIG_RUNNER), so
// a program links either this or tests/catch_main.cpp, never both.
#pragma once

#include <span>

namespace chat::test {

// An extra integer option for a program's command line, e.g. --seconds N.
struct IntOption {
  const char* flag;  // "--seconds"
  int* value;
  const char* help;
};

// Runs the Catch2 session with `--engine NAME` and `extra` added to its
// command line; sets engine_under_test() before any test runs.
int run_engine_session(int argc, char* argv[], std::span<const IntOption> extra = {});

}  // namespace chat::test
