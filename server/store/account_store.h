// Accounts in the --store database: a table of its own, `accounts`, in the
// file HistoryStore opened (and holds the flock of), through a connection
// of its own. The history store owns the file's schema version; this table
// is created if missing whatever that version, so an older chatd that
// opens the file ignores it.
//
// The chat's thread never waits for the disk: save_account() queues the
// row and a writer thread writes it (a registration is rare; each is its
// own transaction). load_into() runs once, before the chat serves anyone.
// A row that cannot be written is retried with backoff and said on stderr.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/chat.h"

struct sqlite3;

namespace chat {

class AccountStore final : public AccountSink {
 public:
  // Opens `path`, which HistoryStore::open() has opened (and locked) first,
  // and creates the table. On failure the one line to show the user.
  static std::variant<std::unique_ptr<AccountStore>, std::string> open(const std::string& path);
  ~AccountStore();  // writes what is queued, then closes
  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;

  // Gives `chat` every stored account; returns how many.
  std::size_t load_into(Chat& chat);
  // AccountSink: queues the row for the writer. Never waits for the disk.
  void save_account(std::string_view name, std::string_view hash) override;
  // Blocks until everything queued before the call is written (tests).
  void flush();

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const noexcept;
  };
  using Db = std::unique_ptr<sqlite3, DbCloser>;
  struct Row {
    std::string name;
    std::string hash;
  };
  AccountStore(std::string path, Db db);
  void writer_loop();
  bool write(const Row& row);

  const std::string path_;
  Db db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::vector<Row> queue_;  // guarded by mutex_
  bool busy_ = false;       // guarded by mutex_: the writer holds rows not yet written
  bool stopping_ = false;   // guarded by mutex_
  std::thread writer_;
};

}  // namespace chat
