// chatd_hostile's main: Catch2 plus `--engine NAME`, so ctest can run the
// same tests once per poller engine (see CMakeLists.txt).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <csignal>

#include "chatd_process.h"

int main(int argc, char* argv[]) {
  // A test writing to a socket chatd already closed must see EPIPE, not die.
  std::signal(SIGPIPE, SIG_IGN);

  Catch::Session session;
  std::string engine = chat::test::engine_under_test();
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(engine, "engine")["--engine"]("engine under test");
  session.cli(cli);
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  chat::test::set_engine_under_test(engine);
  return session.run();
}
