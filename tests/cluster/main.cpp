// main() of the cluster tests: the per-engine Catch2 session, or one clear
// SKIP line (exit 77, ctest's SKIP_RETURN_CODE) where redis-server is not
// installed. CI sets CHAT_REQUIRE_REDIS=1: there a missing redis-server fails.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "engine_session.h"
#include "redis_server.h"

int main(int argc, char* argv[]) {
  bool listing = false;  // catch_discover_tests lists the tests at build time
  for (int i = 1; i < argc; ++i) listing = listing || std::string_view(argv[i]).starts_with("--list");
  if (!listing && !chat::test::find_redis_server()) {
    if (std::getenv("CHAT_REQUIRE_REDIS") != nullptr) {
      std::fputs("redis-server is not installed, and CHAT_REQUIRE_REDIS is set: failing\n", stderr);
      return 1;
    }
    std::puts("SKIP: redis-server is not installed (Debian: apt-get install redis-server)");
    return 77;
  }
  return chat::test::run_engine_session(argc, argv);
}
