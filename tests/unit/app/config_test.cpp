// --config: the "name = value" file, read through chatd's option table.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/options.h"

namespace {

chat::Options applied(std::string_view text) {
  chat::Options o;
  if (auto error = chat::apply_config(text, "chatd.conf", o)) FAIL(*error);
  return o;
}

std::string error(std::string_view text) {
  chat::Options o;
  auto e = chat::apply_config(text, "chatd.conf", o);
  REQUIRE(e.has_value());
  return *e;
}

}  // namespace

TEST_CASE("config: name = value lines, comments and blank lines") {
  const chat::Options o = applied(
      "# chatd.conf\n"
      "\n"
      "   # indented comment\n"
      "port = 9000\n"
      "max-queue=2M\r\n"
      "  rate-limit   =   5:20  \n"
      "default-room = #ops\n"
      "quiet = yes\n"
      "reuse-port = off\n"
      "tls-cert = /etc/chatd/cert pem\n"
      "tls-key = /etc/chatd/key.pem");  // no final newline
  CHECK(o.port == 9000);
  CHECK(o.max_queue == 2u << 20);
  CHECK(o.rate_limit.per_second == 5);
  CHECK(o.rate_limit.burst == 20);
  CHECK(o.default_room == "#ops");  // a '#' after the '=' is the value's
  CHECK(o.quiet);
  CHECK_FALSE(o.reuse_port);
  CHECK(o.tls_cert == "/etc/chatd/cert pem");
  CHECK(o.tls_key == "/etc/chatd/key.pem");
  CHECK(applied("") == chat::Options{});
}

TEST_CASE("config: errors name the file, the line and the option's range") {
  CHECK(error("port = 0\n\nmax-line = 10\n") ==
        "chatd.conf:3: invalid max-line '10': expected a size from 16 bytes to 16M");
  CHECK(error("stall-timeout = -1\n") == "chatd.conf:1: invalid stall-timeout '-1': expected seconds from 0 to 86400 (0 = never)");
  CHECK(error("prot = 8888\n") == "chatd.conf:1: unknown option 'prot' (the names are chatd --help's, without --)");
  CHECK(error("--port = 8888\n").starts_with("chatd.conf:1: unknown option '--port'"));
  CHECK(error("port 8888\n") == "chatd.conf:1: expected NAME = VALUE, got 'port 8888'");
  CHECK(error("quiet = maybe\n") == "chatd.conf:1: invalid quiet 'maybe': expected yes or no");
  CHECK(error("port = 1\nport = 2\n") == "chatd.conf:2: port is set twice (first on line 1)");
  CHECK(error("engine = fast\n").starts_with("chatd.conf:1: unknown engine 'fast'"));
}

TEST_CASE("config: command-line-only options are no keys") {
  for (const char* name : {"config", "check-config", "help", "version", "export-history"}) {
    INFO(name);
    CHECK(error(std::string(name) + " = x\n").starts_with("chatd.conf:1: unknown option"));
  }
}

TEST_CASE("config: every other row of the table is a key, and its default parses to the default") {
  for (const chat::OptionRow& row : chat::option_table()) {
    if (row.command_line_only) continue;
    INFO(row.name);
    CHECK(row.same != nullptr);
    if (row.default_value.empty()) continue;
    chat::Options want;  // Options{} leaves the engine to parse_options, which names it
    if (row.name == "--engine") want.engine = row.default_value;
    CHECK(applied(std::string(chat::config_name(row)) + " = " + row.default_value + "\n") == want);
  }
}

TEST_CASE("config: --config FILE is read first and flags override it") {
  const auto path = std::filesystem::temp_directory_path() / ("chat-config-test-" + std::to_string(::getpid()));
  std::ofstream(path) << "port = 9000\nmax-clients = 5\nquiet = yes\n";
  const std::string file = path.string();
  std::vector<std::string_view> args = {"--max-clients", "7", "--config", file};
  auto parsed = chat::parse_options(args);
  REQUIRE(std::holds_alternative<chat::ParsedOptions>(parsed));
  const chat::Options& o = std::get<chat::ParsedOptions>(parsed).options;
  CHECK(o.port == 9000);
  CHECK(o.max_clients == 7);  // the flag, though it comes before --config
  CHECK(o.quiet);
  CHECK(o.config == file);

  std::ofstream(path) << "max-line = 1\n";
  auto bad = chat::parse_options(args);
  REQUIRE(std::holds_alternative<std::string>(bad));
  CHECK(std::get<std::string>(bad).starts_with(file + ":1: invalid max-line '1'"));
  std::filesystem::remove(path);
  auto missing = chat::parse_options(args);
  REQUIRE(std::holds_alternative<std::string>(missing));
  CHECK(std::get<std::string>(missing) == "cannot read --config " + file + ": No such file or directory");
}

TEST_CASE("config: changed_options names what a reload would change") {
  chat::Options a, b;
  CHECK(chat::changed_options(a, b).empty());
  b.rate_limit = {1, 1};
  b.tls_cert = "/x.pem";
  b.quiet = true;
  CHECK(chat::changed_options(a, b) == std::vector<std::string>{"rate-limit", "tls-cert", "quiet"});
}
