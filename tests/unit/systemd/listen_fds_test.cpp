// The socket-activation and watchdog variables, as systemd sets them.
#include <catch2/catch.hpp>

#include "systemd/listen_fds.h"
#include "systemd/notify.h"

namespace {

std::vector<chat::PassedSocket> passed(const char* pid, const char* fds, const char* names, pid_t self = 42) {
  auto r = chat::parse_listen_fds(pid, fds, names, self);
  if (const auto* e = std::get_if<std::string>(&r)) FAIL(*e);
  return std::get<std::vector<chat::PassedSocket>>(r);
}

std::string error(const char* pid, const char* fds, const char* names) {
  auto r = chat::parse_listen_fds(pid, fds, names, 42);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("LISTEN_FDS: fds from 3, named by LISTEN_FDNAMES") {
  auto s = passed("42", "2", "plain:tls");
  REQUIRE(s.size() == 2);
  CHECK(s[0].fd == 3);
  CHECK(s[0].name == "plain");
  CHECK(s[1].fd == 4);
  CHECK(s[1].name == "tls");
  s = passed("42", "1", nullptr);
  REQUIRE(s.size() == 1);
  CHECK(s[0].name.empty());
  CHECK(passed("42", "0", nullptr).empty());
}

TEST_CASE("LISTEN_FDS: nothing without the variables or for another process") {
  CHECK(passed(nullptr, nullptr, nullptr).empty());
  CHECK(passed(nullptr, "1", nullptr).empty());
  CHECK(passed("41", "1", "plain").empty());  // our parent's, inherited
}

TEST_CASE("LISTEN_FDS: malformed values are one line each") {
  CHECK(error("x", "1", nullptr) == "LISTEN_PID='x' is not a process id");
  CHECK(error("42", "-1", nullptr) == "LISTEN_FDS='-1' is not a number of sockets");
  CHECK(error("42", "2", "plain") == "LISTEN_FDNAMES='plain' names 1 sockets, LISTEN_FDS says 2");
}

TEST_CASE("WATCHDOG_USEC: for this process only, and positive") {
  CHECK(chat::watchdog_interval("30000000", nullptr, 42) == std::chrono::seconds(30));
  CHECK(chat::watchdog_interval("500", "42", 42) == std::chrono::microseconds(500));
  CHECK_FALSE(chat::watchdog_interval("500", "41", 42));
  CHECK_FALSE(chat::watchdog_interval("0", nullptr, 42));
  CHECK_FALSE(chat::watchdog_interval(nullptr, nullptr, 42));
  CHECK_FALSE(chat::watchdog_interval("soon", nullptr, 42));
}

TEST_CASE("LISTEN_FDNAMES: a socket named metrics is the metrics port") {
  const auto s = passed("42", "3", "plain:tls:metrics");
  REQUIRE(s.size() == 3);
  CHECK(s[2].fd == 5);
  CHECK(s[2].name == "metrics");
}
