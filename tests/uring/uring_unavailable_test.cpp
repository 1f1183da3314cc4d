// --engine uring where io_uring is refused: one clear line, exit 1, and no
// other engine started in its place. The refusal is a seccomp filter
// (tests/uring/no_uring.cpp) making io_uring_setup fail as it does under
// kernel.io_uring_disabled=2 (EPERM) or on a kernel without it (ENOSYS).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "chatd_process.h"

using chat::test::RunResult;
using chat::test::run_program;

namespace {

void check_refused(const char* error) {
  const RunResult r = run_program(NO_URING_PATH, {error, CHATD_PATH, "--engine", "uring", "--port", "0"});
  INFO("stdout: \"" << r.out << "\"\nstderr: \"" << r.err << "\"");
  CHECK(r.exit_code == 1);
  CHECK(r.err.starts_with("chatd: cannot start the uring engine: io_uring is unavailable: "));
  CHECK(r.err.find("io_uring_disabled") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.ends_with("\n"));
  CHECK(r.out.empty());  // never listened
}

}  // namespace

TEST_CASE("uring refused with EPERM is one line and exit 1", "[uring]") { check_refused("EPERM"); }

TEST_CASE("uring refused with ENOSYS is one line and exit 1", "[uring]") { check_refused("ENOSYS"); }

TEST_CASE("chatd runs as usual under the same filter", "[uring]") {
  // The filter is specific: chatd --help through it runs as usual.
  const RunResult r = run_program(NO_URING_PATH, {"EPERM", CHATD_PATH, "--help"});
  CHECK(r.exit_code == 0);
}
