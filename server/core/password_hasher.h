// Where passwords are hashed and checked: off the chat's thread, on a
// bounded pool of workers (server/passwords/password_pool.h), because one
// Argon2id hash takes tens of milliseconds and tens of MiB by design.
//
// The chat submits a job and makes the member wait (Chat::Outcome::wait,
// as a cluster /nick does); the answer comes back on the chat's thread
// through Chat::on_password(), and the chat resumes the member.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chat {

struct PasswordJob {
  std::uint64_t ticket = 0;
  // Checked against `hash`; with an empty `hash` and no `new_password`,
  // checked against nothing in the time a real check takes (an unknown
  // name must not answer faster than a wrong password).
  std::string password;
  std::string hash;
  // Hashed once `password` checks, or at once when `hash` and `password`
  // are empty (/register).
  std::string new_password;
};

struct PasswordResult {
  std::uint64_t ticket = 0;
  bool verified = false;  // `password` matched `hash`
  std::string new_hash;   // the hash of `new_password`; empty if not made
  bool failed = false;    // the hasher could not run it (out of memory, stopping)
};

class PasswordHasher {
 public:
  // Queues `job`; false when the queue is full (the member is told to try
  // again). Never blocks.
  virtual bool submit(PasswordJob job) = 0;

 protected:
  ~PasswordHasher() = default;
};

// Where accounts go to outlive the process: the --store database
// (server/store/account_store.h) and, with --cluster, Redis. Called on the
// chat's thread; must not block on the disk or the network.
class AccountSink {
 public:
  // Adds or replaces the account `name` (its nickname key) with `hash`.
  virtual void save_account(std::string_view name, std::string_view hash) = 0;

 protected:
  ~AccountSink() = default;
};

}  // namespace chat
