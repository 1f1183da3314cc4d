// Accounts over TCP, on every engine (docs/PROTOCOL.md "Accounts"):
// /register, /login, /logout, /password, the reservation of registered
// nicknames, the throttle, the stdout log (never a password) and a restart
// with --store. The TLS rule needs a non-loopback peer, which these tests
// never use: tests/unit/core/accounts_test.cpp checks it.
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>

#include "chat_fixtures.h"
#include "store_dir.h"

using namespace chat::test;

namespace {

using TempDir = StoreDir;

// A hash takes tens of milliseconds, more on a loaded CI machine.
constexpr auto kHashWait = std::chrono::seconds(20);

void register_as(TestClient& c, const std::string& name, const std::string& password) {
  c.send_line("/nick " + name);
  c.expect_line("> You are now known as " + name);
  c.send_line("/register " + password);
  c.expect_line("> Nickname " + name + " is registered to you: next time, /login " + name + " PASSWORD", kHashWait);
}

}  // namespace

TEST_CASE("accounts: refused without --store", "[accounts]") {
  ChatdProcess server;
  TestClient a = join(server, {});
  a.send_line("/register secret123");
  a.expect_line("! accounts need a server started with --store");
  a.send_line("/login alice secret123");
  a.expect_line("! accounts need a server started with --store");
  a.send_line("/password secret123 other12345");
  a.expect_line("! accounts need a server started with --store");
  a.send_line("/logout");
  a.expect_line("! you are not logged in");
}

TEST_CASE("accounts: /help lists the account and moderation commands where accounts are on", "[accounts]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient a = join(server, {});
  a.send_line("/help");
  a.expect_line("> Commands:");
  for (int i = 0; i < 13; ++i) REQUIRE(a.read_line());  // the classic list (unit-tested against PROTOCOL.md)
  a.expect_line("> Accounts and moderation:");
  a.expect_line(">   /register PASSWORD            register your nickname to you");
}

TEST_CASE("accounts: register, reserve, log in, log out", "[accounts]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient a = join(server, {});
  a.send_line("/register secret123");
  a.expect_line("! set a nickname first: /nick NAME");
  a.send_line("/nick alice");
  a.expect_line("> You are now known as alice");
  a.send_line("/register short");
  a.expect_line("! password too short: at least 8 characters");
  a.send_line("/register secret123");
  a.expect_line("> Nickname alice is registered to you: next time, /login alice PASSWORD", kHashWait);
  CHECK(server.wait_stdout("> " + a.address_name() + " registered alice\n"));
  a.send_line("/register secret123");
  a.expect_line("! nickname alice is already registered");

  TestClient b = join(server, {&a});
  b.send_line("/nick alice");
  b.expect_line("! nickname alice is registered: /login alice PASSWORD");
  b.send_line("/nick \xD0\xB0lice");
  b.expect_line("! nickname \xD0\xB0lice is registered: /login alice PASSWORD");
  b.send_line("/login alice wrongpass");
  b.expect_line("! login failed", kHashWait);
  b.send_line("/login nobody wrongpass");
  b.expect_line("! login failed", kHashWait);

  // The owner logs in elsewhere: the first connection is replaced.
  b.send_line("/login alice secret123");
  a.expect_line("! you logged in from another connection", kHashWait);
  CHECK(a.wait_closed());
  b.expect_line("< The user alice left " + online(1), kHashWait);
  b.expect_line("> You are logged in as alice");
  CHECK(server.wait_stdout("> " + b.address_name() + " logged in as alice\n"));

  TestClient c = join(server, {&b});
  b.send_line("/password wrongpass newsecret1");
  b.expect_line("! password not changed: wrong password", kHashWait);
  b.send_line("/password secret123 newsecret1");
  b.expect_line("> Password changed", kHashWait);
  b.send_line("/logout");
  b.expect_line("> You are logged out");
  c.expect_line("> alice is now known as " + b.address_name());
  b.send_line("/login alice secret123");
  b.expect_line("! login failed", kHashWait);
  b.send_line("/login alice newsecret1");
  b.expect_line("> You are logged in as alice", kHashWait);
  c.expect_line("> " + b.address_name() + " is now known as alice");

  server.signal(SIGTERM);
  REQUIRE(server.wait_exit() == 0);
  const std::string log = server.stdout_text();
  CHECK(log.find("secret123") == std::string::npos);
  CHECK(log.find("newsecret1") == std::string::npos);
  CHECK(log.find("wrongpass") == std::string::npos);
}

TEST_CASE("accounts: /login renames with the usual line to others", "[accounts]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient owner = join(server, {});
  register_as(owner, "carol", "secret123");
  owner.send_line("/nick dave");
  owner.expect_line("> You are now known as dave");
  owner.send_line("/logout");
  owner.expect_line("> You are logged out");
  TestClient squatter = join(server, {&owner});
  squatter.send_line("/nick dave");
  squatter.expect_line("> You are now known as dave");
  owner.expect_line("> " + squatter.address_name() + " is now known as dave");
  // dave is not registered: anyone may take it. The owner's login renames
  // it to carol. (An unlogged holder of a registered name, told "! nickname
  // carol belongs to its registered owner", happens in a cluster: unit-
  // tested in tests/unit/core/accounts_test.cpp.)
  owner.send_line("/login carol secret123");
  owner.expect_line("> You are logged in as carol", kHashWait);
  squatter.expect_line("> " + owner.address_name() + " is now known as carol");
  // /whois names the account of a logged-in user (issue 24, item 10).
  squatter.send_line("/whois carol");
  const auto whois = squatter.read_line();
  REQUIRE(whois);
  CHECK(whois->starts_with("> carol is in #lobby, connected since "));
  CHECK(whois->ends_with(", logged in as carol"));
}

TEST_CASE("accounts: five failed logins lock the account for ten minutes", "[accounts]") {
  TempDir dir;
  ChatdProcess server({"--store", dir.db()});
  TestClient a = join(server, {});
  register_as(a, "erin", "secret123");
  TestClient b = join(server, {&a});
  for (int i = 0; i < 5; ++i) {
    b.send_line("/login erin wrong" + std::to_string(i) + "pass");
    b.expect_line("! login failed", kHashWait);
  }
  b.send_line("/login erin secret123");
  const auto line = b.read_line();
  REQUIRE(line);
  std::smatch m;
  REQUIRE(std::regex_match(*line, m, std::regex("! too many failed logins: try again in ([0-9]+) s")));
  const int seconds = std::stoi(m[1]);
  CHECK(seconds > 500);
  CHECK(seconds <= 600);
}

TEST_CASE("accounts: registrations survive a restart with --store", "[accounts]") {
  TempDir dir;
  {
    ChatdProcess server({"--store", dir.db()});
    TestClient a = join(server, {});
    register_as(a, "frank", "secret123");
    server.signal(SIGTERM);
    REQUIRE(server.wait_exit() == 0);
  }
  std::error_code ec;
  CHECK((std::filesystem::status(dir.db(), ec).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  ChatdProcess again({"--store", dir.db()});
  TestClient b = join(again, {});
  b.send_line("/nick frank");
  b.expect_line("! nickname frank is registered: /login frank PASSWORD");
  b.send_line("/login frank secret123");
  b.expect_line("> You are logged in as frank", kHashWait);
}
