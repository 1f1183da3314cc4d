#include "options.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <string_view>
#include <variant>
#include <vector>

using namespace flood;

namespace {
ParseResult parse(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> v(args);
  return parse_options(v);
}
std::string error_of(const ParseResult& r) {
  const auto* e = std::get_if<OptionError>(&r);
  return e ? e->message : "";
}
}  // namespace

TEST_CASE("closed loop with defaults") {
  const auto r = parse({"--clients", "100", "--senders", "10", "--messages", "1000"});
  REQUIRE(std::holds_alternative<Options>(r));
  const auto& o = std::get<Options>(r);
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 8888);
  CHECK(o.clients == 100);
  CHECK(o.senders == 10);
  CHECK(o.messages == 1000);
  CHECK(o.size == 64);
  CHECK(o.window == 64);
  CHECK(o.connect_batch == 100);
  CHECK(o.protocol == Protocol::line);
  CHECK(o.server_pids.empty());
  CHECK(o.ports.empty());
  CHECK(o.timeout == 60);
  CHECK_FALSE(o.open_loop());
  CHECK(o.ack == Ack::quick);
  CHECK(o.threads == 1);
}

TEST_CASE("every flag, with = or a separate value") {
  const auto r = parse({"--host=::1", "--port", "6667", "--clients=50", "--senders", "5", "--rate", "2500.5",
                        "--duration", "3", "--size", "200", "--window", "8", "--connect-batch", "10",
                        "--protocol", "irc", "--channel", "#bench", "--server-pid", "1234", "--timeout", "9.5",
                        "--idle", "2", "--ack", "delayed"});
  REQUIRE(std::holds_alternative<Options>(r));
  const auto& o = std::get<Options>(r);
  CHECK(o.host == "::1");
  CHECK(o.port == 6667);
  CHECK(o.open_loop());
  CHECK(o.rate == 2500.5);
  CHECK(o.duration == 3);
  CHECK(o.size == 200);
  CHECK(o.window == 8);
  CHECK(o.connect_batch == 10);
  CHECK(o.protocol == Protocol::irc);
  CHECK(o.channel == "#bench");
  CHECK(o.server_pids == std::vector<long>{1234});
  CHECK(o.timeout == 9.5);
  CHECK(o.idle == 2);
  CHECK(o.ack == Ack::delayed);
}

TEST_CASE("clients spread round-robin over --ports, --server-pid adds up processes") {
  const auto r = parse({"--ports", "7001,7002,7003", "--clients", "7", "--senders", "1", "--messages", "1",
                        "--server-pid", "10", "--server-pid=11"});
  REQUIRE(std::holds_alternative<Options>(r));
  const auto& o = std::get<Options>(r);
  CHECK(o.ports == std::vector<std::uint16_t>{7001, 7002, 7003});
  CHECK(o.server_pids == std::vector<long>{10, 11});
  std::vector<std::uint16_t> chosen;
  for (std::uint32_t id = 0; id < 7; ++id) chosen.push_back(port_of_client(o, id));
  CHECK(chosen == std::vector<std::uint16_t>{7001, 7002, 7003, 7001, 7002, 7003, 7001});

  Options single;
  single.port = 9000;
  CHECK(port_of_client(single, 0) == 9000);
  CHECK(port_of_client(single, 5) == 9000);

  CHECK(error_of(parse({"--ports", "7001,,7002"})) == "invalid value for --ports: '7001,,7002'");
  CHECK(error_of(parse({"--ports", "7001,0"})) == "invalid value for --ports: '7001,0'");
  CHECK(error_of(parse({"--ports", ""})) == "invalid value for --ports: ''");
  CHECK(error_of(parse({"--ports", "7001,"})) == "invalid value for --ports: '7001,'");
}

TEST_CASE("threads share the clients, line protocol only") {
  const auto r = parse({"--clients", "100", "--senders", "10", "--messages", "5", "--threads=3"});
  REQUIRE(std::holds_alternative<Options>(r));
  CHECK(std::get<Options>(r).threads == 3);
  CHECK(error_of(parse({"--clients", "2", "--senders", "1", "--messages", "1", "--threads", "3"})) ==
        "--threads must not exceed --clients");
  CHECK(error_of(parse({"--clients", "9", "--senders", "1", "--messages", "1", "--threads", "2", "--protocol",
                        "irc"})) == "--threads needs --protocol line");
  CHECK(error_of(parse({"--threads", "0"})) == "invalid value for --threads: '0'");
  CHECK(error_of(parse({"--threads", "65"})) == "invalid value for --threads: '65'");
}

TEST_CASE("help") { CHECK(std::holds_alternative<ShowHelp>(parse({"--help"}))); }

TEST_CASE("bad command lines are refused with one clear message") {
  CHECK(error_of(parse({"--senders", "1", "--messages", "1"})) == "--clients is required");
  CHECK(error_of(parse({"--clients", "2", "--messages", "1"})) == "--senders is required");
  CHECK(error_of(parse({"--clients", "2", "--senders", "3", "--messages", "1"})) ==
        "--senders must not exceed --clients");
  CHECK(error_of(parse({"--clients", "2", "--senders", "1"})) ==
        "--messages is required (or --rate and --duration)");
  CHECK(error_of(parse({"--clients", "2", "--senders", "1", "--rate", "10"})) == "--rate needs --duration");
  CHECK(error_of(parse({"--clients", "2", "--senders", "1", "--messages", "1", "--duration", "1"})) ==
        "--duration needs --rate");
  CHECK(error_of(parse({"--clients", "1", "--senders", "1", "--messages", "1"})) ==
        "invalid value for --clients: '1'");
  CHECK(error_of(parse({"--clients", "2", "--senders", "1", "--messages", "1", "--size", "39"})) ==
        "invalid value for --size: '39'");
  CHECK(error_of(parse({"--clients", "2x"})) == "invalid value for --clients: '2x'");
  CHECK(error_of(parse({"--port", "0"})) == "invalid value for --port: '0'");
  CHECK(error_of(parse({"--protocol", "xmpp"})) == "invalid value for --protocol: 'xmpp'");
  CHECK(error_of(parse({"--ack", "never"})) == "invalid value for --ack: 'never'");
  CHECK(error_of(parse({"--timeout", "-1"})) == "invalid value for --timeout: '-1'");
  CHECK(error_of(parse({"--bogus", "1"})) == "unknown option: --bogus");
  CHECK(error_of(parse({"--clients"})) == "missing value for --clients");
  CHECK(error_of(parse({"stray"})) == "unexpected argument: 'stray'");
}

TEST_CASE("connect batch is clamped to the client count") {
  const auto r = parse({"--clients", "10", "--senders", "1", "--messages", "1", "--connect-batch", "500"});
  REQUIRE(std::holds_alternative<Options>(r));
  CHECK(std::get<Options>(r).connect_batch == 10);
}

TEST_CASE("TLS options: --tls is a flag, --ca FILE verifies and needs --tls") {
  const auto plain = parse({"--clients", "4", "--senders", "1", "--messages", "1"});
  REQUIRE(std::holds_alternative<Options>(plain));
  CHECK_FALSE(std::get<Options>(plain).tls);
  CHECK_FALSE(std::get<Options>(plain).ca);

  const auto tls = parse({"--tls", "--clients", "4", "--senders", "1", "--messages", "1", "--port", "8443"});
  REQUIRE(std::holds_alternative<Options>(tls));
  CHECK(std::get<Options>(tls).tls);
  CHECK(std::get<Options>(tls).port == 8443);
  CHECK_FALSE(std::get<Options>(tls).ca);

  const auto ca = parse({"--clients", "4", "--senders", "1", "--messages", "1", "--ca=ca.pem", "--tls"});
  REQUIRE(std::holds_alternative<Options>(ca));
  CHECK(std::get<Options>(ca).ca == "ca.pem");

  CHECK(error_of(parse({"--clients", "4", "--senders", "1", "--messages", "1", "--ca", "ca.pem"})) ==
        "--ca needs --tls");
  CHECK(error_of(parse({"--tls", "--clients", "4", "--senders", "1", "--messages", "1", "--ca="})) ==
        "invalid value for --ca: ''");
  CHECK(error_of(parse({"--tls=1", "--clients", "4", "--senders", "1", "--messages", "1"})) ==
        "unknown option: --tls");
}

TEST_CASE("protocol ws: the line protocol over a WebSocket with rooms on one thread") {
  const auto r = parse({"--clients", "4", "--senders", "1", "--messages", "1", "--protocol", "ws", "--rooms", "2"});
  REQUIRE(std::holds_alternative<Options>(r));
  CHECK(std::get<Options>(r).protocol == Protocol::ws);
  CHECK(std::get<Options>(r).rooms == 2);
  CHECK(error_of(parse({"--clients", "4", "--senders", "1", "--messages", "1", "--protocol", "ws", "--threads", "2"})) ==
        "--threads needs --protocol line");
  CHECK(error_of(parse({"--clients", "4", "--senders", "1", "--messages", "1", "--protocol", "irc", "--rooms", "2"})) ==
        "--rooms needs --protocol line or ws");
  CHECK(error_of(parse({"--clients", "4", "--senders", "1", "--messages", "1", "--protocol", "wss"})) ==
        "invalid value for --protocol: 'wss'");
}
