// Accounts: which nicknames are registered (by nickname key, so a
// confusable of a registered name is that name), who is logged in as which,
// which password checks are under way, and the throttle on failed logins.
//
// Pure rules, no hashing and no disk: passwords are hashed off the chat's
// thread behind core/password_hasher.h, accounts kept behind
// core/account_sink.h. Times are seconds from the chat's clock
// (RoomConfig::clock), so tests fix it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/member.h"

namespace chat {

struct AccountConfig {
  static constexpr std::size_t kMinPassword = 8;  // characters
  // The TLS port a plain connection is sent to for passwords; 0: none.
  unsigned tls_port = 0;
  // --allow-plain-passwords: passwords over plain TCP from anywhere.
  bool allow_plain_passwords = false;
};

// Failed logins (wrong password, unknown name) per account and per address:
// after kMaxFailures within kWindow seconds, that account or address is
// refused without a check until the oldest of them is kWindow old.
class LoginThrottle {
 public:
  static constexpr std::size_t kMaxFailures = 5;
  static constexpr std::int64_t kWindow = 600;
  // Names that are not registered and addresses tracked at most; past it,
  // the expired are forgotten, and if none are, new ones go untracked
  // (registered accounts are always tracked: docs/SECURITY.md).
  static constexpr std::size_t kMaxTracked = 100'000;

  // Seconds until `account_key` and `address` may try again; 0: now.
  [[nodiscard]] std::int64_t wait(std::string_view account_key, std::string_view address, std::int64_t now) const;
  // A failed try; `registered` says whether the account exists.
  void failed(std::string_view account_key, bool registered, std::string_view address, std::int64_t now);
  // A login that succeeded clears its account's failures (not its address's).
  void succeeded(std::string_view account_key) { accounts_.erase(std::string(account_key)); }
  [[nodiscard]] std::size_t tracked() const noexcept { return accounts_.size() + addresses_.size(); }

 private:
  struct Failures {
    std::array<std::int64_t, kMaxFailures> times{};  // a ring: the newest kMaxFailures
    std::size_t count = 0;
    std::size_t next = 0;
    [[nodiscard]] std::int64_t wait(std::int64_t now) const;
    [[nodiscard]] std::int64_t newest() const { return times[(next + kMaxFailures - 1) % kMaxFailures]; }
  };
  using Table = std::unordered_map<std::string, Failures>;
  static void add(Table& table, std::string_view key, bool always, std::int64_t now);
  static void forget_expired(Table& table, std::int64_t now);
  Table accounts_;   // by nickname key
  Table addresses_;  // by host (no port)
};

// The host of an IP:PORT or [IPv6]:PORT address name, for the throttle.
[[nodiscard]] std::string_view address_host(std::string_view address_name);

class Accounts {
 public:
  struct Account {
    std::string name;  // as registered
    std::string hash;  // Argon2id, in the encoded form the hasher gives
  };

  // --- the registry, by nickname key
  [[nodiscard]] const Account* find(std::string_view name) const;
  [[nodiscard]] bool empty() const noexcept { return registry_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return registry_.size(); }
  // Adds or replaces the account of `name`'s key.
  void put(std::string name, std::string hash);
  // Every account, by nickname key (to seed a cluster's Redis).
  [[nodiscard]] const std::unordered_map<std::string, Account>& all() const noexcept { return registry_; }

  // --- who is logged in where (this node's members)
  [[nodiscard]] std::optional<MemberId> holder(std::string_view name) const;
  void log_in(std::string_view name, MemberId id);
  void log_out(std::string_view name, MemberId id);

  // --- password checks under way: one per member at most (it waits)
  enum class What { register_account, login, password };
  struct Pending {
    MemberId member;
    What what;
    std::string name;  // the account concerned
  };
  std::uint64_t start(MemberId member, What what, std::string name);
  // The check `ticket` is for, taken out; nullopt if its member left.
  std::optional<Pending> finish(std::uint64_t ticket);
  // `member` left: its check's answer will be dropped.
  void cancel(MemberId member);
  [[nodiscard]] bool pending(std::string_view name) const;

  LoginThrottle throttle;

 private:
  std::unordered_map<std::string, Account> registry_;   // nickname key -> account
  std::unordered_map<std::string, MemberId> holders_;  // nickname key -> member logged in
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace chat
