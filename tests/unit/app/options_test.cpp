#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "app/options.h"

namespace {

std::variant<chat::ParsedOptions, std::string> parse(std::vector<std::string_view> args) {
  return chat::parse_options(args);
}

chat::Options ok(std::vector<std::string_view> args) {
  auto r = parse(std::move(args));
  if (const auto* e = std::get_if<std::string>(&r)) FAIL(*e);
  return std::get<chat::ParsedOptions>(r).options;
}

std::string error(std::vector<std::string_view> args) {
  auto r = parse(std::move(args));
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("defaults") {
  const chat::Options o = ok({});
  CHECK_FALSE(o.host.has_value());
  CHECK(o.port == 8888);
  CHECK(o.max_clients == 10000);
  CHECK(o.max_line == 4096);
  CHECK(o.max_queue == 1024 * 1024);
  CHECK(o.stall_timeout_s == 30);
  CHECK_FALSE(o.quiet);
}

TEST_CASE("the classic positional form: HOST PORT, or PORT alone") {
  chat::Options o = ok({"127.0.0.1", "9000"});
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 9000);
  o = ok({"9001"});
  CHECK_FALSE(o.host.has_value());
  CHECK(o.port == 9001);
  o = ok({"::1"});
  CHECK(o.host == "::1");
  CHECK(error({"a", "1", "2"}).find("too many") != std::string::npos);
}

TEST_CASE("flags, with separate or inline values and size suffixes") {
  const chat::Options o = ok({"--host", "::1", "--port=0", "--engine", "poll", "--max-clients", "5",
                              "--max-line", "1K", "--max-queue", "2M", "--stall-timeout", "0", "--quiet", "--reuse-port"});
  CHECK(o.host == "::1");
  CHECK(o.port == 0);
  CHECK(o.engine == "poll");
  CHECK(o.max_clients == 5);
  CHECK(o.max_line == 1024);
  CHECK(o.max_queue == 2u << 20);
  CHECK(o.stall_timeout_s == 0);
  CHECK(o.quiet);
  CHECK(o.reuse_port);
  CHECK_FALSE(ok({}).reuse_port);
}

TEST_CASE("hostile-client limits: per-address cap, rate limit, idle timeout") {
  chat::Options o = ok({});
  CHECK(o.max_per_ip == 16);
  // On by default, at a level no person typing or pasting reaches.
  CHECK(o.rate_limit.per_second == 10);
  CHECK(o.rate_limit.burst == 50);
  CHECK(o.idle_timeout_s == 0);
  CHECK(ok({"--rate-limit", "0"}).rate_limit.per_second == 0);  // still means off
  o = ok({"--max-per-ip", "0", "--rate-limit", "5:20", "--idle-timeout", "600"});
  CHECK(o.max_per_ip == 0);
  CHECK(o.rate_limit.per_second == 5);
  CHECK(o.rate_limit.burst == 20);
  CHECK(o.idle_timeout_s == 600);
  o = ok({"--rate-limit", "3"});
  CHECK(o.rate_limit.burst == 3);
  CHECK(error({"--rate-limit", "fast"}).find("--rate-limit") != std::string::npos);
  CHECK(error({"--rate-limit", "5:0"}).find("--rate-limit") != std::string::npos);
}

TEST_CASE("help and version") {
  auto r = parse({"--help"});
  CHECK(std::get<chat::ParsedOptions>(r).action == chat::Action::help);
  r = parse({"--version"});
  CHECK(std::get<chat::ParsedOptions>(r).action == chat::Action::version);
  CHECK(chat::usage_text().find("--max-queue") != std::string::npos);
}

TEST_CASE("bad arguments give one clear line") {
  CHECK(error({"--port", "abc"}) == "invalid --port 'abc': expected a port from 0 to 65535");
  CHECK(error({"--port", "70000"}).find("0 to 65535") != std::string::npos);
  CHECK(error({"--port"}) == "--port needs a value");
  CHECK(error({"--bogus"}) == "unknown option '--bogus' (try --help)");
  CHECK(error({"--engine", "nosuch"}).find("unknown engine 'nosuch'") == 0);
  CHECK(error({"--max-clients", "0"}).find("--max-clients") != std::string::npos);
  CHECK(error({"--max-line", "-5"}).find("--max-line") != std::string::npos);
  CHECK(error({"--max-queue", "1K", "--max-line", "4096"}).find("--max-queue") != std::string::npos);
  for (const auto& e : {error({"--port", "abc"}), error({"--bogus"})}) {
    CHECK(e.find('\n') == std::string::npos);
  }
}

TEST_CASE("every row of the option table is in --help and parses its documented default") {
  // --help wraps long lines; compare with the words joined by one space.
  std::string usage;
  for (const char c : chat::usage_text()) {
    const bool space = c == ' ' || c == '\n';
    if (!space || (!usage.empty() && usage.back() != ' ')) usage += space ? ' ' : c;
  }
  const chat::Options defaults = ok({});
  for (const chat::OptionRow& row : chat::option_table()) {
    INFO(row.name);
    const std::string names = std::string(row.name) + (row.placeholder.empty() ? "" : " " + std::string(row.placeholder));
    CHECK(usage.find(" " + names + " ") != std::string::npos);
    CHECK_FALSE(row.help.empty());
    if (row.default_value.empty()) continue;
    CHECK(usage.find("default " + row.default_value) != std::string::npos);
    CHECK(ok({row.name, row.default_value}) == defaults);
    const std::string inline_form = std::string(row.name) + "=" + row.default_value;
    CHECK(ok({inline_form}) == defaults);
  }
}

TEST_CASE("a value out of a row's range names the range") {
  CHECK(error({"--max-line", "8"}) == "invalid --max-line '8': expected a size from 16 bytes to 16M");
  CHECK(error({"--max-queue", "5G"}) == "invalid --max-queue '5G': expected a size from 1K to 4G");
  CHECK(error({"--max-clients", "0"}) == "invalid --max-clients '0': expected a number from 1 to 10000000");
  CHECK(error({"--stall-timeout", "x"}) == "invalid --stall-timeout 'x': expected seconds from 0 to 86400 (0 = never)");
  CHECK(error({"--rate-limit", "fast"}) ==
        "invalid --rate-limit 'fast': expected MSGS/S or MSGS/S:BURST, e.g. 5:20 (0 = off)");
  CHECK(error({"--host="}) == "invalid --host '': expected an address");
  CHECK(error({"--idle-timeout"}) == "--idle-timeout needs a value");
}

TEST_CASE("room and history options") {
  const chat::Options d = ok({});
  CHECK(d.default_room == "#lobby");
  CHECK(d.history == 50);
  CHECK(d.max_rooms == 1000);
  CHECK_FALSE(d.history_local);
  CHECK_FALSE(d.store.has_value());

  const chat::Options o = ok({"--default-room", "main", "--history=0", "--history-time", "local",
                              "--max-rooms", "7", "--store", "/tmp/x.db", "--export-history", "#main"});
  CHECK(o.default_room == "#main");
  CHECK(o.history == 0);
  CHECK(o.history_local);
  CHECK(o.max_rooms == 7);
  CHECK(o.store == "/tmp/x.db");
  CHECK(o.export_history == "#main");

  CHECK(error({"--default-room", "#a b"}).starts_with("invalid --default-room '#a b'"));
  CHECK(error({"--history-time", "gmt"}) == "invalid --history-time 'gmt': expected utc or local");
  CHECK(error({"--max-rooms", "0"}).starts_with("invalid --max-rooms '0'"));
  CHECK(error({"--export-history", "#a"}) == "--export-history needs --store PATH");
}

TEST_CASE("cluster options") {
  const chat::Options plain = ok({});
  CHECK_FALSE(plain.cluster);
  CHECK_FALSE(plain.node_name);
  CHECK(plain.node_timeout_s == 10);
  const chat::Options o = ok({"--cluster", "redis://127.0.0.1:6390/3", "--node-name", "n1", "--node-timeout", "3"});
  CHECK(o.cluster == "redis://127.0.0.1:6390/3");
  CHECK(o.node_name == "n1");
  CHECK(o.node_timeout_s == 3);
  CHECK(error({"--cluster", "localhost:6379"}) ==
        "invalid --cluster 'localhost:6379': expected redis://HOST:PORT[/DB] (no redis:// scheme)");
  CHECK(error({"--cluster", "redis://h:1/99"}) ==
        "invalid --cluster 'redis://h:1/99': expected redis://HOST:PORT[/DB] (DB must be a number from 0 to 15)");
  CHECK(error({"--node-name", "a b"}) == "invalid --node-name 'a b': expected 1 to 64 printable characters, no spaces");
  CHECK(error({"--node-timeout", "1"}) == "invalid --node-timeout '1': expected seconds from 2 to 3600");
  CHECK(error({"--cluster", "redis://h:1", "--engine", "threads"}) ==
        "--cluster needs a reactor engine, not --engine threads");
}

TEST_CASE("web options: --web-port and --web-origin: the web port needs a reactor engine and real origins") {
  const chat::Options o = ok({"--web-port", "8080", "--web-origin", "https://chat.example.org"});
  CHECK(o.web_port == 8080u);
  CHECK(o.web_origin == "https://chat.example.org");
  CHECK(o.web_ping_s == 30);
  CHECK(error({"--web-port", "8080", "--engine", "threads"}) == "--web-port needs a reactor engine, not --engine threads");
  CHECK(error({"--web-port", "8080", "--web-origin", "chat.example.org"}) ==
        "--web-origin: 'chat.example.org' is not an origin like https://chat.example.org");
  CHECK(error({"--web-origin", "https://a.example"}) == "--web-origin needs --web-port N");
}

TEST_CASE("a --max-queue that cannot hold one --rate-limit burst of --max-line lines is warned about") {
  // Issue 18, item 7: the flags SECURITY.md recommended lost lines of a paste.
  const auto warning = chat::queue_warning(ok({"--rate-limit", "5:20", "--max-queue", "64K"}));
  REQUIRE(warning);
  CHECK(*warning ==
        "warning: --max-queue 65536 cannot hold a burst of 20 lines of --max-line 4096 (needs 87040): readers may "
        "miss lines of a paste the rate limit lets through");
  CHECK_FALSE(chat::queue_warning(ok({"--rate-limit", "5:20", "--max-queue", "128K"})));  // the recommended values
  CHECK_FALSE(chat::queue_warning(ok({})));                                               // 50 x 4352 < 1 MiB
  CHECK_FALSE(chat::queue_warning(ok({"--rate-limit", "0", "--max-queue", "16K"})));      // no burst to hold
  CHECK(chat::queue_warning(ok({"--max-line", "16K", "--max-queue", "256K"})));           // 50 x 16,640
}

TEST_CASE("metrics option ADDR:PORT: off unless given, IPv6 in brackets, not with the threads engine") {
  CHECK_FALSE(ok({}).metrics.has_value());
  CHECK(ok({"--metrics", "127.0.0.1:9108"}).metrics == "127.0.0.1:9108");
  CHECK(ok({"--metrics=[::1]:0"}).metrics == "[::1]:0");
  const auto v4 = chat::parse_endpoint("127.0.0.1:9108");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 9108);
  const auto v6 = chat::parse_endpoint("[::1]:9");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 9);
  for (const char* bad : {"9108", ":9108", "::1:9108", "[]:1", "host:", "host:65536", "host:x", "[::1:1"}) {
    INFO(bad);
    CHECK_FALSE(chat::parse_endpoint(bad));
  }
  CHECK(error({"--metrics", "9108"}) ==
        "invalid --metrics '9108': expected ADDR:PORT, e.g. 127.0.0.1:9108 or [::1]:9108");
  CHECK(error({"--metrics", "127.0.0.1:9108", "--engine", "threads"}) ==
        "--metrics needs a reactor engine, not --engine threads");
}
