// --store PATH: the moderation rules (owners, operators, topics, bans and
// mutes with their expiry, invite-only rooms and invitations) kept in the
// same SQLite file as the history (server/store/history_store.h), in a
// table of their own, so a restart keeps them.
//
// Like the history, the chat's thread never waits for the disk: save()
// queues the rule; a writer thread writes what is queued in one
// transaction. Rules are few (a moderation command each, behind the rate
// limit), so the queue is bounded by count (kMaxQueued): past it a rule is
// dropped and said on stderr (it still applies until the restart).
//
// Opened after the HistoryStore, which holds the file's lock.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/chat.h"
#include "core/moderation/moderation_sink.h"

struct sqlite3;

namespace chat {

class ModerationStore final : public ModerationSink {
 public:
  static constexpr std::size_t kMaxQueued = 100'000;

  // Opens `path` (which the HistoryStore has created and locked) and makes
  // the table if needed; the one line to show the user on failure.
  static std::variant<std::unique_ptr<ModerationStore>, std::string> open(const std::string& path);
  ~ModerationStore();  // writes what is queued, then closes
  ModerationStore(const ModerationStore&) = delete;
  ModerationStore& operator=(const ModerationStore&) = delete;

  // Gives `chat` every stored rule still in force at `now`.
  void load_into(Chat& chat, std::int64_t now);
  // ModerationSink: queues the rule for the writer.
  void save(const ModerationRule& rule) override;
  // Blocks until everything queued before the call is written (tests).
  void flush();

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const noexcept;
  };
  using Db = std::unique_ptr<sqlite3, DbCloser>;
  explicit ModerationStore(Db db);
  void writer_loop();
  bool write(const std::vector<ModerationRule>& batch);

  Db db_;
  std::mutex mutex_;
  std::condition_variable wake_, written_;
  std::vector<ModerationRule> queue_;  // guarded by mutex_
  std::uint64_t queued_ = 0, done_ = 0;  // guarded by mutex_
  bool stopping_ = false;              // guarded by mutex_
  bool told_full_ = false;
  std::thread writer_;
};

}  // namespace chat
