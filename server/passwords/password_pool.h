// The password workers: Argon2id (libsodium's crypto_pwhash_str) on a few
// threads of their own, so a hash never runs on the chat's thread.
//
// Bounded both ways: kQueue jobs wait at most (past it submit() says no and
// the member is told "! server busy: try again"), and at most `workers`
// hashes run at once, each using kMemoryPerHash while it runs: the memory
// they can take is workers x kMemoryPerHash (docs/SECURITY.md, "Accounts").
//
// Results come back through ready(): called on a worker thread when a
// result is waiting and none was waiting before; the engine then calls
// drain() on the chat's thread (the reactor through its loop, the threads
// engine under its room lock) and hands each result to
// Chat::on_password().
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/password_hasher.h"

namespace chat {

class PasswordPool final : public PasswordHasher {
 public:
  static constexpr std::size_t kQueue = 64;
  // libsodium's "interactive" limits: 2 passes over 64 MiB.
  static constexpr std::size_t kMemoryPerHash = std::size_t{64} << 20;
  static constexpr unsigned long long kPasses = 2;

  // False if libsodium cannot start (then there are no accounts).
  static bool available();

  explicit PasswordPool(std::size_t workers);
  ~PasswordPool();  // lets running hashes end; queued jobs are dropped
  PasswordPool(const PasswordPool&) = delete;
  PasswordPool& operator=(const PasswordPool&) = delete;

  // Called on a worker thread when a result waits and none waited before;
  // set once, before the first submit().
  void set_ready(std::function<void()> ready) { ready_ = std::move(ready); }

  bool submit(PasswordJob job) override;
  // The results ready so far, in the order they finished.
  std::vector<PasswordResult> drain();
  [[nodiscard]] std::size_t workers() const noexcept { return threads_.size(); }

  // The work itself, on the calling thread (the workers; tests).
  static PasswordResult run(PasswordJob& job);
  static std::string hash(const std::string& password);
  static bool verify(const std::string& hash, const std::string& password);

 private:
  void work();

  std::function<void()> ready_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PasswordJob> queue_;        // guarded by mutex_
  std::vector<PasswordResult> results_;  // guarded by mutex_
  bool stopping_ = false;                // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace chat
