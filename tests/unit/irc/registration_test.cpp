// CAP negotiation and registration as pure steps.
#include "irc/registration.h"

#include <catch2/catch.hpp>

#include <string>

#include "irc/cap.h"
#include "irc/message.h"

using namespace chat::irc;

namespace {

// Feeds one line; returns the step and leaves the replies in `out`.
RegistrationStep feed(Registration& reg, std::string_view line, std::string& out, bool tls = false) {
  out.clear();
  auto parsed = parse_message(line);
  REQUIRE(std::holds_alternative<Message>(parsed));
  return register_step(reg, std::get<Message>(parsed), RegistrationContext{.server = "srv", .sasl_offered = tls}, out);
}

}  // namespace

TEST_CASE("irc cap: LS 302 lists values and LS without a version does not") {
  Registration reg;
  std::string out;
  CHECK(feed(reg, "CAP LS 302", out) == RegistrationStep::waiting);
  CHECK(out == ":srv CAP * LS :echo-message message-tags multi-prefix server-time\r\n");
  CHECK(reg.cap.negotiating);
  CHECK(reg.cap.version == 302);
  Registration tls;
  feed(tls, "CAP LS 302", out, true);
  CHECK(out == ":srv CAP * LS :echo-message message-tags multi-prefix sasl=PLAIN server-time\r\n");
  Registration old;
  feed(old, "CAP LS", out, true);
  CHECK(out == ":srv CAP * LS :echo-message message-tags multi-prefix sasl server-time\r\n");
  CHECK(old.cap.version == 301);
}

TEST_CASE("irc cap: REQ is all or nothing") {
  Registration reg;
  std::string out;
  feed(reg, "CAP LS 302", out);
  feed(reg, "CAP REQ :server-time multi-prefix", out);
  CHECK(out == ":srv CAP * ACK :server-time multi-prefix\r\n");
  CHECK(reg.cap.has(Cap::server_time));
  CHECK(reg.cap.has(Cap::multi_prefix));
  feed(reg, "CAP REQ :echo-message unknown-cap", out);
  CHECK(out == ":srv CAP * NAK :echo-message unknown-cap\r\n");
  CHECK_FALSE(reg.cap.has(Cap::echo_message));
  feed(reg, "CAP REQ sasl", out);  // not offered without TLS
  CHECK(out == ":srv CAP * NAK sasl\r\n");
  feed(reg, "CAP REQ :-server-time", out);
  CHECK(out == ":srv CAP * ACK -server-time\r\n");
  CHECK_FALSE(reg.cap.has(Cap::server_time));
  feed(reg, "CAP LIST", out);
  CHECK(out == ":srv CAP * LIST multi-prefix\r\n");
}

TEST_CASE("irc cap: bad subcommands") {
  Registration reg;
  std::string out;
  feed(reg, "CAP FOO", out);
  CHECK(out == ":srv 410 * FOO :Invalid CAP command\r\n");
  feed(reg, "CAP", out);
  CHECK(out == ":srv 461 * CAP :Not enough parameters\r\n");
}

TEST_CASE("irc registration: NICK then USER without CAP is ready") {
  Registration reg;
  std::string out;
  CHECK(feed(reg, "NICK alice", out) == RegistrationStep::waiting);
  CHECK(out.empty());
  CHECK(feed(reg, "USER al 0 * :Alice Liddell", out) == RegistrationStep::ready);
  CHECK(reg.nick == "alice");
  CHECK(reg.user == "al");
  CHECK(reg.realname == "Alice Liddell");
}

TEST_CASE("irc registration: USER then NICK with PASS ignored") {
  Registration reg;
  std::string out;
  CHECK(feed(reg, "PASS whatever", out) == RegistrationStep::waiting);
  CHECK(feed(reg, "USER al 0 * :A", out) == RegistrationStep::waiting);
  CHECK(feed(reg, "NICK alice", out) == RegistrationStep::ready);
}

TEST_CASE("irc registration: CAP holds registration until END") {
  Registration reg;
  std::string out;
  feed(reg, "CAP LS 302", out);
  CHECK(feed(reg, "NICK alice", out) == RegistrationStep::waiting);
  CHECK(feed(reg, "USER al 0 * :A", out) == RegistrationStep::waiting);
  CHECK(feed(reg, "CAP REQ :server-time", out) == RegistrationStep::waiting);
  CHECK(feed(reg, "CAP END", out) == RegistrationStep::ready);
  CHECK(out.empty());
}

TEST_CASE("irc registration: an open SASL exchange holds it too") {
  Registration reg;
  std::string out;
  feed(reg, "NICK alice", out);
  CHECK(feed(reg, "AUTHENTICATE PLAIN", out) == RegistrationStep::authenticate);
  reg.sasl_open = true;  // the caller's exchange
  CHECK(feed(reg, "USER al 0 * :A", out) == RegistrationStep::waiting);
  reg.sasl_open = false;
  CHECK(can_complete(reg));
}

TEST_CASE("irc registration: refusals before registration") {
  Registration reg;
  std::string out;
  feed(reg, "NICK", out);
  CHECK(out == ":srv 431 * :No nickname given\r\n");
  feed(reg, "NICK foo|bar", out);
  CHECK(out == ":srv 432 * foo|bar :Erroneous nickname\r\n");
  feed(reg, "USER al 0", out);
  CHECK(out == ":srv 461 * USER :Not enough parameters\r\n");
  feed(reg, "JOIN #a", out);
  CHECK(out == ":srv 451 * :You have not registered\r\n");
  feed(reg, "NICK alice", out);
  feed(reg, "PRIVMSG bob :hi", out);
  CHECK(out == ":srv 451 alice :You have not registered\r\n");
  feed(reg, "USER al 0 * :A", out);
  feed(reg, "USER al 0 * :A", out);
  CHECK(out == ":srv 462 alice :You may not reregister\r\n");
}

TEST_CASE("irc registration: PING PONG and QUIT") {
  Registration reg;
  std::string out;
  CHECK(feed(reg, "PING :abc def", out) == RegistrationStep::waiting);
  CHECK(out == ":srv PONG srv :abc def\r\n");
  feed(reg, "PING", out);
  CHECK(out == ":srv 409 * :No origin specified\r\n");
  CHECK(feed(reg, "PONG x", out) == RegistrationStep::waiting);
  CHECK(out.empty());
  CHECK(feed(reg, "QUIT :bye", out) == RegistrationStep::quit);
}

TEST_CASE("irc registration: the burst is 001 to 005 then LUSERS then MOTD") {
  Burst b{.server = "srv", .nick = "alice", .user = "alice", .host = "chat", .version = "chatd-1.0",
          .created = "Mon Dec 7 2026", .isupport = {}, .lusers = {.users = 3, .local = 2, .channels = 1,
                                                                   .servers = 2, .max_local = 5, .max_users = 7},
          .motd = {"hello", "world"}};
  std::string out;
  append_burst(out, b);
  std::vector<std::string> commands;
  std::string_view rest = out;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    auto m = parse_message(rest.substr(0, end));
    REQUIRE(std::holds_alternative<Message>(m));
    commands.push_back(std::get<Message>(m).command);
    CHECK(std::get<Message>(m).params.front() == "alice");
    rest.remove_prefix(end + 2);
  }
  CHECK(commands == std::vector<std::string>{"001", "002", "003", "004", "005", "005", "251", "254", "255", "265",
                                             "266", "375", "372", "372", "376"});
  CHECK(out.starts_with(":srv 001 alice :Welcome to the chat IRC Network alice!alice@chat\r\n"));
  CHECK(out.find(":srv 004 alice srv chatd-1.0 io bikmnotv bkov\r\n") != std::string::npos);
  CHECK(out.find(":srv 251 alice :There are 3 users and 0 invisible on 2 servers\r\n") != std::string::npos);
  CHECK(out.find(":srv 255 alice :I have 2 clients and 1 servers\r\n") != std::string::npos);
  CHECK(out.find(":srv 265 alice 2 5 :Current local users 2, max 5\r\n") != std::string::npos);
  CHECK(out.find(":srv 372 alice :- hello\r\n") != std::string::npos);
}

TEST_CASE("irc registration: no MOTD is 422") {
  std::string out;
  append_motd(out, "srv", "alice", {});
  CHECK(out == ":srv 422 alice :MOTD File is missing\r\n");
}
