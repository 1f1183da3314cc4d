// main() for per-engine test programs without options of their own.
#include "engine_session.h"

int main(int argc, char* argv[]) { return chat::test::run_engine_session(argc, argv); }
