// chatd over TLS, on every engine: the classic transcript byte for byte, TLS
// and plain users in one room, every limit as on plain connections, the
// handshake timeout, garbage on the TLS port, --tls-only, SIGHUP reload and
// bad certificate options. Certificates are generated for the test run
// (tests/support/tls_certs.h).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>
#include <vector>

#include "chat_fixtures.h"
#include "tls_certs.h"
#include "tls_test_client.h"

using namespace chat::test;

namespace {

std::vector<std::string> tls_args(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--tls-cert", tls_certs().server.cert, "--tls-key", tls_certs().server.key,
                                   "--tls-port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TlsClientOptions verified() { return {tls_certs().ca_cert, "localhost"}; }

// join() for a TLS user: the same lines, over TLS.
TlsTestClient join_tls(const ChatdProcess& server, std::vector<std::function<void(const std::string&, int)>> seen = {},
                       int rcvbuf = 0) {
  TlsTestClient client(server.tls_port(), verified(), "127.0.0.1", rcvbuf);
  const int count = static_cast<int>(seen.size()) + 1;
  client.expect_line("> Connected to the chat server " + online(count));
  for (auto& expect : seen) expect(client.address_name(), count);
  return client;
}

// join() for a plain user among `seen.size()` users of any kind.
TestClient join_plain(const ChatdProcess& server, std::vector<std::function<void(const std::string&, int)>> seen) {
  TestClient client(server.port());
  const int count = static_cast<int>(seen.size()) + 1;
  client.expect_line("> Connected to the chat server " + online(count));
  for (auto& expect : seen) expect(client.address_name(), count);
  return client;
}

// What a present user (plain or TLS) must see when someone joins.
template <class Client>
std::function<void(const std::string&, int)> sees_entry(Client& present) {
  return [&present](const std::string& name, int count) {
    present.expect_line("> New user " + name + " entered " + online(count));
  };
}

template <class Client>
void who(Client& client, const std::vector<std::string>& names) {
  std::string line = "> Online (" + std::to_string(names.size()) + "): ";
  for (std::size_t i = 0; i < names.size(); ++i) line += (i != 0 ? ", " : "") + names[i];
  client.send_line("/who");
  client.expect_line(line);
}

// A copy of a certificate pair at paths of its own, so a test can replace
// the files under a running chatd.
struct CertFiles {
  std::string cert, key;
  explicit CertFiles(const std::string& tag) {
    const std::string base = tls_certs().dir + "/" + tag + "-" + std::to_string(::getpid());
    cert = base + ".crt";
    key = base + ".key";
  }
  void use(const CertPair& pair) const {
    std::filesystem::copy_file(pair.cert, cert, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(pair.key, key, std::filesystem::copy_options::overwrite_existing);
  }
  ~CertFiles() {
    std::error_code ignored;
    std::filesystem::remove(cert, ignored);
    std::filesystem::remove(key, ignored);
  }
};

}  // namespace

TEST_CASE("tls: the classic two-user transcript, byte for byte over TLS", "[tls]") {
  ChatdProcess server(tls_args());
  REQUIRE(server.tls_port() != 0);
  TlsTestClient user1 = join_tls(server);
  user1.send_line("anyone here?");
  who(user1, {user1.address_name()});
  TlsTestClient user2 = join_tls(server, {sees_entry(user1)});
  const std::string name1 = user1.address_name(), name2 = user2.address_name();
  CHECK(user2.peer_serial() == tls_certs().server.serial);

  user1.send_line("Hello");
  user2.expect_line("[" + name1 + "] Hello");
  user2.send_line("World");
  user1.expect_line("[" + name2 + "] World");

  user2.send_line("/quit");
  user1.expect_line("< The user " + name2 + " left (1 user online)");
  REQUIRE(user2.wait_closed());
  who(user1, {name1});
}

TEST_CASE("tls: a TLS user and a plain user in one room", "[tls]") {
  ChatdProcess server(tls_args());
  TestClient plain = join(server, {});
  TlsTestClient secure = join_tls(server, {sees_entry(plain)});
  plain.send_line("/nick alice");
  secure.expect_line("> " + plain.address_name() + " is now known as alice");
  plain.expect_line("> You are now known as alice");
  secure.send_line("hi alice");
  plain.expect_line("[" + secure.address_name() + "] hi alice");
  plain.send_line("hi over TLS");
  secure.expect_line("[alice] hi over TLS");
  who(secure, {"alice", secure.address_name()});
}

TEST_CASE("tls: an oversize line over TLS is rejected and the sender can still talk", "[tls][max-line]") {
  ChatdProcess server(tls_args({"--max-line", "64"}));
  TlsTestClient sender = join_tls(server);
  TestClient receiver = join_plain(server, {sees_entry(sender)});
  sender.send_line(std::string(65, 'x'));
  sender.expect_line("! line too long (max 64 bytes)");
  sender.send_line("still here");
  receiver.expect_line("[" + sender.address_name() + "] still here");
}

TEST_CASE("tls: a TLS reader that reads nothing skips lines and is told how many", "[tls][slow-reader]") {
  ChatdProcess server(tls_args({"--rate-limit", "0", "--max-queue", "65536"}));
  TestClient sender = join(server, {});
  TlsTestClient reader = join_tls(server, {sees_entry(sender)}, 4096);
  const std::string from = "[" + sender.address_name() + "] ";
  const std::string padding(120, '.');
  const int kLines = 40000;  // ~5 MB: past the kernel's buffers and the 64 KiB queue
  std::string batch;
  for (int i = 0; i < kLines; ++i) {
    batch += "line " + std::to_string(i) + " " + padding + "\n";
    if (batch.size() > 65536 || i == kLines - 1) {
      sender.send_raw(batch);
      batch.clear();
    }
  }
  expect_who(sender, {sender.address_name(), reader.address_name()});
  long received = 0, skipped = 0;
  int last = -1;
  while (received + skipped < kLines) {
    const auto line = reader.read_line();
    INFO("received " << received << ", skipped " << skipped);
    REQUIRE(line.has_value());
    if (line->starts_with("! ") && line->ends_with(" skipped (reading too slowly)")) {
      skipped += std::stol(line->substr(2));
      continue;
    }
    REQUIRE(line->starts_with(from + "line "));
    const int index = std::stoi(line->substr(from.size() + 5));
    REQUIRE(index > last);  // in order, never duplicated, never garbled
    last = index;
    ++received;
  }
  CHECK(skipped > 0);
  sender.send_line("marker");
  reader.expect_line(from + "marker");
}

TEST_CASE("tls: the rate limit holds over TLS", "[tls][rate-limit]") {
  ChatdProcess server(tls_args({"--rate-limit", "1:2"}));
  TlsTestClient sender = join_tls(server);
  TestClient receiver = join_plain(server, {sees_entry(sender)});
  sender.send_raw("one\ntwo\nthree\nfour\nfive\n");
  const std::string from = "[" + sender.address_name() + "] ";
  receiver.expect_line(from + "one");
  receiver.expect_line(from + "two");
  sender.expect_line("! slow down: 3 messages dropped");
}

TEST_CASE("tls: an idle TLS user is disconnected after --idle-timeout", "[tls][idle]") {
  ChatdProcess server(tls_args({"--idle-timeout", "1"}));
  TlsTestClient user = join_tls(server);
  user.expect_line("> Disconnected: idle for 1 s", 5s);
  REQUIRE(user.wait_closed());
}

TEST_CASE("tls: a socket that never sends a ClientHello is dropped after the handshake timeout", "[tls][handshake]") {
  ChatdProcess server(tls_args({"--tls-handshake-timeout", "1"}));
  TlsTestClient user = join_tls(server);
  TestClient silent(server.tls_port());
  // Half a handshake: a record header announcing 512 bytes, then 100 of them.
  TestClient half(server.tls_port());
  half.send_raw(std::string("\x16\x03\x01\x02\x00", 5) + std::string(100, '\x01'));
  REQUIRE(silent.wait_closed(5s));
  REQUIRE(half.wait_closed(5s));
  // Both time out in one check; diagnostics name one client per cause and
  // second (the other is counted in "N more"), so either may be the named one.
  REQUIRE(server.wait_stderr("TLS handshake timed out: "));
  const std::string err = server.stderr_text();
  CHECK((err.find("TLS handshake timed out: " + silent.address_name()) != std::string::npos ||
         err.find("TLS handshake timed out: " + half.address_name()) != std::string::npos));
  // The TLS user chatting meanwhile never noticed.
  who(user, {user.address_name()});
}

TEST_CASE("tls: plain text sent to the TLS port is dropped and logged, others unaffected", "[tls][garbage]") {
  ChatdProcess server(tls_args());
  TlsTestClient user = join_tls(server);
  TestClient plain(server.tls_port());
  plain.send_line("hello, is this the chat?");
  REQUIRE(plain.wait_closed(3s));
  REQUIRE(server.wait_stderr("TLS handshake failed: " + plain.address_name() + ": "));
  const std::string err = server.stderr_text();
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);  // one line
  who(user, {user.address_name()});
  TlsTestClient second = join_tls(server, {sees_entry(user)});
  who(second, {user.address_name(), second.address_name()});
}

TEST_CASE("tls: --tls-only serves TLS and no plain port", "[tls][tls-only]") {
  ChatdProcess server(tls_args({"--tls-only"}));
  CHECK(server.port() == 0);
  CHECK(server.stdout_text().starts_with("Chat Server started on TLS port " + std::to_string(server.tls_port()) + " ("));
  TlsTestClient user = join_tls(server);
  who(user, {user.address_name()});
}

TEST_CASE("tls: SIGHUP reloads the certificate for new connections and drops nobody", "[tls][reload]") {
  CertFiles files("reload");
  files.use(tls_certs().server);
  ChatdProcess server({"--tls-cert", files.cert, "--tls-key", files.key, "--tls-port", "0"});
  TlsTestClient before = join_tls(server);
  CHECK(before.peer_serial() == tls_certs().server.serial);

  files.use(tls_certs().reloaded);
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("SIGHUP: reloaded the TLS certificate from " + files.cert));
  TlsTestClient after = join_tls(server, {sees_entry(before)});
  CHECK(after.peer_serial() == tls_certs().reloaded.serial);
  CHECK(after.peer_subject().find("O=reloaded") != std::string::npos);
  before.send_line("still here");
  after.expect_line("[" + before.address_name() + "] still here");

  // A reload that fails keeps the certificate loaded before.
  std::ofstream(files.cert) << "not a certificate\n";
  server.signal(SIGHUP);
  REQUIRE(server.wait_stderr("SIGHUP: keeping the TLS certificate loaded before: cannot use --tls-cert " + files.cert));
  TlsTestClient third = join_tls(server, {sees_entry(before), sees_entry(after)});
  CHECK(third.peer_serial() == tls_certs().reloaded.serial);
  who(before, {before.address_name(), after.address_name(), third.address_name()});
}

TEST_CASE("tls: bad certificate options are one line and exit 2", "[tls][options]") {
  const auto& c = tls_certs();
  auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"--host", "127.0.0.1", "--port", "0", "--tls-port", "0", "--engine", engine_under_test()});
    return run_program(CHATD_PATH, args);
  };
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"--tls-cert", c.server.cert}, "chatd: --tls-cert needs --tls-key FILE\n"},
      {{"--tls-key", c.server.key}, "chatd: --tls-key needs --tls-cert FILE\n"},
      {{"--tls-only"}, "chatd: --tls-only needs --tls-cert FILE and --tls-key FILE\n"},
      {{"--tls-cert", c.dir + "/none.crt", "--tls-key", c.server.key},
       "chatd: cannot read --tls-cert " + c.dir + "/none.crt: No such file or directory\n"},
      {{"--tls-cert", c.server.cert, "--tls-key", c.dir + "/none.key"},
       "chatd: cannot read --tls-key " + c.dir + "/none.key: No such file or directory\n"},
      {{"--tls-cert", c.garbage, "--tls-key", c.server.key}, "chatd: cannot use --tls-cert " + c.garbage + ": "},
      {{"--tls-cert", c.server.cert, "--tls-key", c.reloaded.key},
       "chatd: --tls-key " + c.reloaded.key + " does not match --tls-cert " + c.server.cert + ": "},
  };
  for (const Case& k : cases) {
    const RunResult r = run(k.args);
    INFO("args: " << k.args.front() << " ...; stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.starts_with(k.error));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
}
