#define CATCH_CONFIG_RUNNER
#include "engine_session.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <string>

#include "chatd_process.h"

namespace chat::test {

int run_engine_session(int argc, char* argv[], std::span<const IntOption> extra) {
  // A test writing to a socket chatd already closed must see EPIPE, not die.
  std::signal(SIGPIPE, SIG_IGN);

  Catch::Session session;
  std::string engine = engine_under_test();
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(engine, "engine")["--engine"]("engine under test");
  for (const IntOption& option : extra) cli |= Opt(*option.value, "n")[option.flag](option.help);
  session.cli(cli);
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  set_engine_under_test(engine);
  return session.run();
}

}  // namespace chat::test
