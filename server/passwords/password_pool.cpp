#include "passwords/password_pool.h"

#include <sodium.h>

#include <utility>

namespace chat {

namespace {

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

// An unknown name is checked against this, so it costs what a real check
// costs; made once, by the first worker that needs it.
const std::string& decoy_hash() {
  static const std::string decoy = PasswordPool::hash("not a password: the decoy for unknown names");
  return decoy;
}

}  // namespace

bool PasswordPool::available() { return sodium_init() >= 0; }

PasswordPool::PasswordPool(std::size_t workers) {
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

PasswordPool::~PasswordPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (PasswordJob& job : queue_) {
      wipe(job.password);
      wipe(job.new_password);
    }
    queue_.clear();
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool PasswordPool::submit(PasswordJob job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= kQueue) {
      wipe(job.password);
      wipe(job.new_password);
      return false;
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

std::vector<PasswordResult> PasswordPool::drain() {
  std::lock_guard lock(mutex_);
  return std::exchange(results_, {});
}

void PasswordPool::work() {
  for (;;) {
    PasswordJob job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    PasswordResult result = run(job);
    bool first = false;
    {
      std::lock_guard lock(mutex_);
      first = results_.empty();
      results_.push_back(std::move(result));
    }
    if (first && ready_) ready_();
  }
}

PasswordResult PasswordPool::run(PasswordJob& job) {
  PasswordResult r;
  r.ticket = job.ticket;
  const bool hash_only = job.hash.empty() && job.password.empty();
  if (!hash_only) {
    const bool decoy = job.hash.empty();
    r.verified = verify(decoy ? decoy_hash() : job.hash, job.password) && !decoy;
  }
  if (!job.new_password.empty() && (hash_only || r.verified)) {
    r.new_hash = hash(job.new_password);
    r.failed = r.new_hash.empty();
  }
  wipe(job.password);
  wipe(job.new_password);
  return r;
}

std::string PasswordPool::hash(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kPasses, kMemoryPerHash,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return {};  // out of memory
  }
  return std::string(out);
}

bool PasswordPool::verify(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace chat
