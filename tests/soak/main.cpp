// chatd_soak's main: Catch2 plus `--engine NAME` and `--seconds N` (how long
// the load runs; the environment variable CHAT_SOAK_SECONDS overrides it, so
// a developer can run a 5 s soak through ctest).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>

#include "chatd_process.h"
#include "soak_config.h"

int main(int argc, char* argv[]) {
  std::signal(SIGPIPE, SIG_IGN);

  Catch::Session session;
  std::string engine = chat::test::engine_under_test();
  int seconds = 60;
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(engine, "engine")["--engine"]("engine under test") |
             Opt(seconds, "seconds")["--seconds"]("how long the load runs (CHAT_SOAK_SECONDS overrides)");
  session.cli(cli);
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  chat::test::set_engine_under_test(engine);
  if (const char* env = std::getenv("CHAT_SOAK_SECONDS"); env != nullptr && std::atoi(env) > 0) {
    seconds = std::atoi(env);
  }
  chat::test::soak_seconds() = seconds;
  return session.run();
}
