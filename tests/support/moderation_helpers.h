// Shared by the moderation tests (integration, hostile, cluster): a user
// that takes a nickname and registers it, a line awaited among others, and
// a fresh directory for a --store file (store_dir.h).
#pragma once

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "chatd_process.h"
#include "store_dir.h"
#include "test_client.h"

namespace chat::test {

inline constexpr const char* kModerationPassword = "correct-horse-1";

// Reads lines until `line` comes (those before it are skipped); fails the
// test if it does not come within the timeout.
inline void await_line(TestClient& client, const std::string& line, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    INFO("waiting for \"" << line << "\"");
    REQUIRE(left.count() > 0);
    const auto got = client.read_line(left);
    REQUIRE(got);
    if (*got == line) return;
  }
}

// A new connection to `port` called `name`; with `register_it` it
// registers the name (and so is logged in as it).
inline TestClient moderation_user(std::uint16_t port, const std::string& name, bool register_it) {
  TestClient c(port);
  const auto greeting = c.read_line();
  REQUIRE(greeting);
  REQUIRE(greeting->starts_with("> Connected to the chat server"));
  c.send_line("/nick " + name);
  await_line(c, "> You are now known as " + name);
  if (register_it) {
    c.send_line(std::string("/register ") + kModerationPassword);
    await_line(c, "> Nickname " + name + " is registered to you: next time, /login " + name + " PASSWORD");
  }
  return c;
}

}  // namespace chat::test
