// The account rules (core/accounts.h, core/account_commands.cpp) with a
// fake hasher that answers when told and a fixed clock.
#include <catch2/catch.hpp>

#include <deque>

#include "core/accounts.h"
#include "room_fixture.h"

namespace chat::test {
namespace {

std::int64_t fake_now = 1'000'000;
std::int64_t fixed_clock() { return fake_now; }

// "Hashes" as "H:" + password; answers only when run() is called.
struct FakeHasher final : PasswordHasher {
  std::deque<PasswordJob> jobs;
  std::size_t capacity = 8;
  bool submit(PasswordJob job) override {
    if (jobs.size() >= capacity) return false;
    jobs.push_back(std::move(job));
    return true;
  }
  void run(Chat& chat) {
    while (!jobs.empty()) {
      PasswordJob job = std::move(jobs.front());
      jobs.pop_front();
      PasswordResult r;
      r.ticket = job.ticket;
      r.verified = !job.hash.empty() && job.hash == "H:" + job.password;
      const bool hash_now = job.hash.empty() && job.password.empty();
      if (!job.new_password.empty() && (r.verified || hash_now)) r.new_hash = "H:" + job.new_password;
      chat.on_password(std::move(r));
    }
  }
};

struct Sink final : AccountSink {
  std::vector<std::pair<std::string, std::string>> saved;
  void save_account(std::string_view name, std::string_view hash) override { saved.emplace_back(name, hash); }
};

struct ResumingMember final : Member {
  std::vector<std::string> got;
  int resumed = 0;
  bool dropped = false;
  bool secure = true;
  void deliver(const SharedLine& line) override { got.push_back(*line); }
  void resume() override { ++resumed; }
  bool confidential() const override { return secure; }
  void drop(DropReason) override { dropped = true; }
  std::vector<std::string> take() { return std::exchange(got, {}); }
};

struct AccountFixture : Fixture {
  AccountFixture() : Fixture(RoomConfig{.clock = fixed_clock}) {
    fake_now = 1'000'000;
    room.set_accounts(&hasher, &sink, AccountConfig{.tls_port = 8443});
  }
  FakeHasher hasher;
  Sink sink;
  std::vector<std::unique_ptr<ResumingMember>> users;
  std::pair<Chat::MemberId, ResumingMember*> enter(const std::string& addr) {
    users.push_back(std::make_unique<ResumingMember>());
    ResumingMember* m = users.back().get();
    const Chat::MemberId id = room.join(*m, addr);
    m->take();
    return {id, m};
  }
  Chat::Outcome say(Chat::MemberId id, std::string_view line) { return room.handle_line(id, line); }
};

}  // namespace

TEST_CASE("accounts: /register registers the nickname and logs in", "[accounts]") {
  AccountFixture f;
  auto [a, am] = f.enter("127.0.0.1:1000");
  f.say(a, "/nick alice");
  am->take();
  CHECK(f.say(a, "/register secret123") == Chat::Outcome::wait);
  CHECK(am->take().empty());
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"> Nickname alice is registered to you: next time, /login alice PASSWORD\n"});
  CHECK(am->resumed == 1);
  CHECK(f.sink.saved == std::vector<std::pair<std::string, std::string>>{{"alice", "H:secret123"}});
  CHECK(f.log_text().find("> 127.0.0.1:1000 registered alice\n") != std::string::npos);
  CHECK(f.log_text().find("secret123") == std::string::npos);
}

TEST_CASE("accounts: /register refusals", "[accounts]") {
  AccountFixture f;
  auto [a, am] = f.enter("127.0.0.1:1000");
  CHECK(f.say(a, "/register secret123") == Chat::Outcome::stay);
  CHECK(am->take() == Lines{"! set a nickname first: /nick NAME\n"});
  f.say(a, "/nick alice");
  am->take();
  f.say(a, "/register short");
  CHECK(am->take() == Lines{"! password too short: at least 8 characters\n"});
  f.say(a, "/register");
  CHECK(am->take() == Lines{"! usage: /register PASSWORD\n"});
  f.say(a, "/register secret123");
  f.hasher.run(f.room);
  am->take();
  f.say(a, "/register another123");
  CHECK(am->take() == Lines{"! nickname alice is already registered\n"});
}

TEST_CASE("accounts: a registered nickname is reserved with its confusables", "[accounts]") {
  AccountFixture f;
  f.room.restore_account("alice", "H:secret123");
  auto [b, bm] = f.enter("127.0.0.1:2000");
  f.say(b, "/nick alice");
  CHECK(bm->take() == Lines{"! nickname alice is registered: /login alice PASSWORD\n"});
  f.say(b, "/nick \xD0\xB0lice");  // Cyrillic a
  CHECK(bm->take() == Lines{"! nickname \xD0\xB0lice is registered: /login alice PASSWORD\n"});
  f.say(b, "/nick ALICE");
  CHECK(bm->take() == Lines{"! nickname ALICE is registered: /login alice PASSWORD\n"});
}

TEST_CASE("accounts: /login renames and reclaims the name from an unlogged holder", "[accounts]") {
  AccountFixture f;
  auto [h, hm] = f.enter("127.0.0.1:1000");
  f.say(h, "/nick alice");  // before the account exists
  f.room.restore_account("alice", "H:secret123");
  auto [a, am] = f.enter("127.0.0.1:2000");
  f.say(a, "/nick bob");
  hm->take();
  am->take();
  CHECK(f.say(a, "/login alice secret123") == Chat::Outcome::wait);
  f.hasher.run(f.room);
  CHECK(hm->take() == Lines{"! nickname alice belongs to its registered owner: you are 127.0.0.1:1000 again\n",
                            "> bob is now known as alice\n"});
  CHECK(am->take() == Lines{"> alice is now known as 127.0.0.1:1000\n", "> You are logged in as alice\n"});
  CHECK(f.room.name_of(a) == "alice");
  CHECK(f.log_text().find("> 127.0.0.1:2000 logged in as alice\n") != std::string::npos);
  // Logged in, the owner may leave the name and take it back.
  f.say(a, "/nick carol");
  f.say(a, "/nick alice");
  CHECK(am->take() == Lines{"> You are now known as carol\n", "> You are now known as alice\n"});
}

TEST_CASE("accounts: a second login replaces the first connection", "[accounts]") {
  AccountFixture f;
  f.room.restore_account("alice", "H:secret123");
  auto [a, am] = f.enter("127.0.0.1:1000");
  f.say(a, "/login alice secret123");
  f.hasher.run(f.room);
  auto [b, bm] = f.enter("127.0.0.1:2000");
  am->take();
  f.say(b, "/login alice secret123");
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"! you logged in from another connection\n"});
  CHECK(am->dropped);
  CHECK(bm->take() == Lines{"< The user alice left (1 user online)\n", "> You are logged in as alice\n"});
  CHECK(f.room.name_of(b) == "alice");
}

TEST_CASE("accounts: wrong password and unknown name fail alike", "[accounts]") {
  AccountFixture f;
  f.room.restore_account("alice", "H:secret123");
  auto [a, am] = f.enter("127.0.0.1:1000");
  f.say(a, "/login alice wrongpass");
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"! login failed\n"});
  f.say(a, "/login nobody wrongpass");
  CHECK(f.hasher.jobs.size() == 1);  // an unknown name costs a check too
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"! login failed\n"});
  f.say(a, "/login alice");
  CHECK(am->take() == Lines{"! usage: /login NAME PASSWORD\n"});
}

TEST_CASE("accounts: five failures in ten minutes lock the account and the address", "[accounts]") {
  AccountFixture f;
  f.room.restore_account("alice", "H:secret123");
  auto [a, am] = f.enter("127.0.0.1:1000");
  for (int i = 0; i < 5; ++i) {
    f.say(a, "/login alice wrong" + std::to_string(i) + "xx");
    f.hasher.run(f.room);
    fake_now += 10;
  }
  am->take();
  // The oldest failure was 50 s ago: 550 s to go, and no check is made.
  CHECK(f.say(a, "/login alice secret123") == Chat::Outcome::stay);
  CHECK(am->take() == Lines{"! too many failed logins: try again in 550 s\n"});
  CHECK(f.hasher.jobs.empty());
  // Another address: the account is still locked.
  auto [b, bm] = f.enter("10.0.0.2:1000");
  am->take();
  f.say(b, "/login alice secret123");
  CHECK(bm->take() == Lines{"! too many failed logins: try again in 550 s\n"});
  // The same address, another account: the address is locked.
  f.room.restore_account("bob", "H:bobsecret");
  f.say(a, "/login bob bobsecret");
  CHECK(am->take() == Lines{"! too many failed logins: try again in 550 s\n"});
  fake_now += 550;
  CHECK(f.say(a, "/login alice secret123") == Chat::Outcome::wait);
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"> You are logged in as alice\n"});
}

TEST_CASE("accounts: the throttle forgets after the window", "[accounts]") {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) t.failed("alice", true, "1.2.3.4", 100 + i);
  CHECK(t.wait("alice", "1.2.3.4", 104) == 0);
  t.failed("alice", true, "1.2.3.4", 104);
  CHECK(t.wait("alice", "9.9.9.9", 104) == 596);
  CHECK(t.wait("bob", "1.2.3.4", 104) == 596);
  CHECK(t.wait("alice", "1.2.3.4", 700) == 0);
  t.failed("alice", true, "1.2.3.4", 700);  // the ring drops the oldest: 101..104, 700
  CHECK(t.wait("alice", "1.2.3.4", 700) == 1);
  CHECK(address_host("127.0.0.1:4000") == "127.0.0.1");
  CHECK(address_host("[::1]:4000") == "::1");
}

TEST_CASE("accounts: /logout and /password", "[accounts]") {
  AccountFixture f;
  auto [a, am] = f.enter("127.0.0.1:1000");
  auto [o, om] = f.enter("127.0.0.1:3000");
  f.say(a, "/logout");
  CHECK(am->take() == Lines{"> New user 127.0.0.1:3000 entered (2 users online)\n", "! you are not logged in\n"});
  f.say(a, "/password secret123 newsecret");
  CHECK(am->take() == Lines{"! you are not logged in\n"});
  f.say(a, "/nick alice");
  f.say(a, "/register secret123");
  f.hasher.run(f.room);
  am->take();
  f.say(a, "/password wrongpass newsecret");
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"! password not changed: wrong password\n"});
  f.say(a, "/password secret123 short");
  CHECK(am->take() == Lines{"! password too short: at least 8 characters\n"});
  f.say(a, "/password secret123 newsecret");
  f.hasher.run(f.room);
  CHECK(am->take() == Lines{"> Password changed\n"});
  CHECK(f.sink.saved.back() == std::pair<std::string, std::string>{"alice", "H:newsecret"});
  om->take();
  f.say(a, "/logout");
  CHECK(am->take() == Lines{"> You are logged out\n"});
  CHECK(om->take() == Lines{"> alice is now known as 127.0.0.1:1000\n"});
  f.say(a, "/nick alice");
  CHECK(am->take() == Lines{"! nickname alice is registered: /login alice PASSWORD\n"});
}

TEST_CASE("accounts: passwords only over TLS, a full queue, no store", "[accounts]") {
  AccountFixture f;
  auto [a, am] = f.enter("10.0.0.1:1000");
  am->secure = false;
  f.say(a, "/login alice secret123");
  CHECK(am->take() == Lines{"! passwords only over TLS: port 8443\n"});
  f.room.set_accounts(&f.hasher, &f.sink, AccountConfig{});
  f.say(a, "/register secret123");
  CHECK(am->take() == Lines{"! passwords only over TLS: this server has none\n"});
  f.room.set_accounts(&f.hasher, &f.sink, AccountConfig{.allow_plain_passwords = true});
  f.hasher.capacity = 0;
  f.say(a, "/login alice secret123");
  CHECK(am->take() == Lines{"! server busy: try again\n"});
  f.room.set_accounts(nullptr, nullptr, AccountConfig{});
  f.say(a, "/login alice secret123");
  CHECK(am->take() == Lines{"! accounts need a server started with --store\n"});
}

TEST_CASE("accounts: a member that leaves while its check runs is forgotten", "[accounts]") {
  AccountFixture f;
  auto [a, am] = f.enter("127.0.0.1:1000");
  f.say(a, "/nick alice");
  f.say(a, "/register secret123");
  f.room.leave(a);
  auto [b, bm] = f.enter("127.0.0.1:2000");  // reuses the id
  f.hasher.run(f.room);
  CHECK(bm->take().empty());
  CHECK(bm->resumed == 0);
  CHECK(f.room.accounts().empty());
}

}  // namespace chat::test
