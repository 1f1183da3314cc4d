// The bench tests' own Catch2 main (tests/catch_main is defined after bench/).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
