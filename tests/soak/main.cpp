// chatd_soak's main: the per-engine test session plus `--seconds N`.
#include "engine_session.h"
#include "soak_config.h"

int main(int argc, char* argv[]) {
  const chat::test::IntOption seconds{"--seconds", &chat::test::soak_seconds_option(),
                                      "how long the load runs (CHAT_SOAK_SECONDS overrides)"};
  return chat::test::run_engine_session(argc, argv, {&seconds, 1});
}
