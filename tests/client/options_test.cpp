#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "options.h"

using namespace chat::client;

namespace {

ParseResult parse(std::vector<std::string_view> args) { return parse_options(args); }

Options parse_ok(std::vector<std::string_view> args) {
  const ParseResult result = parse(std::move(args));
  REQUIRE(std::holds_alternative<Options>(result));
  return std::get<Options>(result);
}

std::string parse_error(std::vector<std::string_view> args) {
  const ParseResult result = parse(std::move(args));
  REQUIRE(std::holds_alternative<UsageError>(result));
  return std::get<UsageError>(result).message;
}

}  // namespace

TEST_CASE("no arguments: 127.0.0.1 port 8888, no nickname", "[options]") {
  const Options o = parse_ok({});
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == "8888");
  CHECK_FALSE(o.nick.has_value());
}

TEST_CASE("HOST and PORT are positional", "[options]") {
  CHECK(parse_ok({"example.org"}).host == "example.org");
  CHECK(parse_ok({"example.org"}).port == "8888");
  const Options o = parse_ok({"::1", "5555"});
  CHECK(o.host == "::1");
  CHECK(o.port == "5555");
  CHECK(parse_ok({"h", "1"}).port == "1");
  CHECK(parse_ok({"h", "65535"}).port == "65535");
}

TEST_CASE("the nickname comes from --nick NAME or --nick=NAME, anywhere on the line", "[options]") {
  CHECK(parse_ok({"--nick", "alice"}).nick == "alice");
  CHECK(parse_ok({"--nick=bob"}).nick == "bob");
  const Options o = parse_ok({"10.0.0.1", "--nick", "김철수", "4000"});
  CHECK(o.nick == "김철수");
  CHECK(o.host == "10.0.0.1");
  CHECK(o.port == "4000");
}

TEST_CASE("help and version win over everything else", "[options]") {
  CHECK(std::holds_alternative<ShowHelp>(parse({"--help"})));
  CHECK(std::holds_alternative<ShowHelp>(parse({"-h"})));
  CHECK(std::holds_alternative<ShowHelp>(parse({"host", "--help"})));
  CHECK(std::holds_alternative<ShowVersion>(parse({"--version"})));
  CHECK(usage_text().find("Usage: chat") == 0);
  CHECK(usage_text().back() == '\n');
}

TEST_CASE("a double dash ends the options", "[options]") {
  CHECK(parse_ok({"--", "-weird-host"}).host == "-weird-host");
  CHECK(parse_error({"--", "--help", "1", "2"}).find("unexpected argument 2") == 0);
}

TEST_CASE("bad ports are refused", "[options]") {
  for (const std::string_view port : {"0", "65536", "99999999999", "80x", "", " 80", "+80", "abc"}) {
    INFO("port '" << port << "'");
    CHECK(parse_error({"host", port}).find("invalid port: ") == 0);
  }
}

TEST_CASE("a negative port reads as an unknown option, still an error", "[options]") {
  CHECK(parse_error({"host", "-1"}) == "unknown option -1 (try --help)");
}

TEST_CASE("unknown options, extra arguments, and bad --nick are refused", "[options]") {
  CHECK(parse_error({"--bogus"}) == "unknown option --bogus (try --help)");
  CHECK(parse_error({"-x"}) == "unknown option -x (try --help)");
  CHECK(parse_error({"a", "1", "b"}) == "unexpected argument b (try --help)");
  CHECK(parse_error({"--nick"}) == "option --nick needs a NAME");
  CHECK(parse_error({"--nick", ""}) == "invalid nickname: ");
  CHECK(parse_error({"--nick", "a b"}) == "invalid nickname: a b");
  CHECK(parse_error({"--nick=you"}) == "invalid nickname: you");
  CHECK(parse_error({"--nick", "a/b"}) == "invalid nickname: a/b");
  CHECK(parse_error({""}) == "empty host");
}

TEST_CASE("error messages are one line", "[options]") {
  for (const auto& args : std::vector<std::vector<std::string_view>>{
           {"--bogus"}, {"h", "0"}, {"--nick"}, {"a", "1", "b"}}) {
    CHECK(parse_error(args).find('\n') == std::string::npos);
  }
}

TEST_CASE("the terminal-client flags", "[options]") {
  const Options plain = parse_ok({});
  CHECK_FALSE(plain.no_color);
  CHECK_FALSE(plain.timestamps);
  CHECK_FALSE(plain.reconnect);
  CHECK_FALSE(plain.no_history);
  const Options o = parse_ok({"--no-color", "--timestamps", "h", "--reconnect", "--no-history", "9"});
  CHECK(o.no_color);
  CHECK(o.timestamps);
  CHECK(o.reconnect);
  CHECK(o.no_history);
  CHECK(o.host == "h");
  CHECK(o.port == "9");
  CHECK(usage_text().find("--reconnect") != std::string::npos);
}

TEST_CASE("every row of the option table is in --help and does what its kind says", "[options]") {
  const std::string usage = usage_text();
  for (const OptionRow& row : option_table()) {
    INFO(row.name);
    const std::string names = std::string(row.name) + (row.placeholder.empty() ? "" : " " + std::string(row.placeholder));
    CHECK(usage.find("\n  " + names + " ") != std::string::npos);
    CHECK_FALSE(row.help.empty());
    const std::string name(row.name);
    // --ca and --insecure refine --tls and are refused without it;
    // --password-file needs --nick (the account).
    const std::string_view tls = name == "--ca" || name == "--insecure" ? "--tls"
                                 : name == "--password-file"            ? "--nick=alice"
                                                                        : "--no-bell";
    switch (row.kind) {
      case OptionKind::help: CHECK(std::holds_alternative<ShowHelp>(parse({name}))); break;
      case OptionKind::version: CHECK(std::holds_alternative<ShowVersion>(parse({name}))); break;
      case OptionKind::flag:
        REQUIRE(row.flag != nullptr);
        CHECK_FALSE(parse_ok({}).*(row.flag));
        CHECK(parse_ok({tls, name}).*(row.flag));
        CHECK(parse_error({name + "=1"}) == "unknown option " + name + "=1 (try --help)");
        break;
      case OptionKind::text:
        REQUIRE(row.text != nullptr);
        CHECK_FALSE((parse_ok({}).*(row.text)).has_value());
      {
        // A value the row's check takes (a port for --port).
        const std::string v1 = name == "--port" ? "91" : "x1", v2 = name == "--port" ? "92" : "x2";
        CHECK(parse_ok({tls, name, v1}).*(row.text) == v1);
        CHECK(parse_ok({tls, name + "=" + v2}).*(row.text) == v2);
      }
        CHECK(parse_error({name}) == "option " + name + " needs a " + std::string(row.placeholder));
        break;
    }
  }
}
TEST_CASE("chat takes --host/--port and HOST:PORT as chatd does", "[options]") {
  Options o = parse_ok({"--host", "example.org", "--port", "9000"});
  CHECK(o.host == "example.org");
  CHECK(o.port == "9000");
  o = parse_ok({"--host=::1", "--port=9001"});
  CHECK(o.host == "::1");
  CHECK(o.port == "9001");
  o = parse_ok({"--port", "9002"});
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == "9002");
  o = parse_ok({"example.org:9003"});
  CHECK(o.host == "example.org");
  CHECK(o.port == "9003");
  o = parse_ok({"[::1]:9004"});
  CHECK(o.host == "::1");
  CHECK(o.port == "9004");
  o = parse_ok({"::1"});  // a bare IPv6 address is a host
  CHECK(o.host == "::1");
  CHECK(o.port == "8888");
  CHECK(parse_error({"--port"}) == "option --port needs a PORT");
  CHECK(parse_error({"--port", "0"}) == "invalid port: 0 (expected 1-65535)");
  CHECK(parse_error({"host:99999"}) == "invalid port: 99999 (expected 1-65535)");
  CHECK(parse_error({"--host", "a", "b"}) == "the host is given twice (--host and b)");
  CHECK(parse_error({"--port", "1", "a", "2"}) == "the port is given twice (--port and 2)");
  CHECK(parse_ok({"--no-bell"}).no_bell);
  CHECK_FALSE(parse_ok({}).no_bell);
}

TEST_CASE("TLS options: --tls is explicit, --ca and --insecure refine it and cannot stand alone", "[options][tls]") {
  const Options plain = parse_ok({"example.org", "6697"});
  CHECK_FALSE(plain.tls);
  CHECK_FALSE(plain.ca.has_value());
  CHECK_FALSE(plain.insecure);

  const Options verified = parse_ok({"--tls", "example.org", "6697"});
  CHECK(verified.tls);
  CHECK_FALSE(verified.insecure);
  CHECK_FALSE(verified.ca.has_value());
  CHECK(verified.host == "example.org");

  const Options with_ca = parse_ok({"example.org:6697", "--tls", "--ca", "/etc/chat/ca.pem"});
  CHECK(with_ca.tls);
  CHECK(with_ca.ca == "/etc/chat/ca.pem");
  CHECK(with_ca.port == "6697");
  CHECK(parse_ok({"--tls", "--ca=ca.pem"}).ca == "ca.pem");

  const Options insecure = parse_ok({"--insecure", "--tls"});
  CHECK(insecure.tls);
  CHECK(insecure.insecure);

  CHECK(parse_error({"--ca", "ca.pem"}) == "--ca needs --tls");
  CHECK(parse_error({"--insecure", "host"}) == "--insecure needs --tls");
  CHECK(parse_error({"--tls", "--ca", "ca.pem", "--insecure"}) == "--ca and --insecure contradict each other");
  CHECK(parse_error({"--tls", "--ca="}) == "empty CA file name");
  CHECK(parse_error({"--tls", "--ca"}) == "option --ca needs a FILE");
}

TEST_CASE("the account of --password-file is --nick", "[options]") {
  const Options o = parse_ok({"--nick", "alice", "--password-file", "/home/alice/.chat_password"});
  CHECK(o.password_file == "/home/alice/.chat_password");
  CHECK(o.nick == "alice");
  CHECK(parse_error({"--password-file", "pw"}) == "--password-file needs --nick NAME (the account)");
}
