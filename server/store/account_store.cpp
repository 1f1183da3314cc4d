#include "store/account_store.h"
#include "store/sqlite_statement.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include "base/server_log.h"
#include "nickname.h"

namespace chat {

namespace {

// key: the nickname key (unique: one account per confusable skeleton);
// name: as registered; hash: Argon2id in libsodium's encoded form
// ("$argon2id$v=19$m=65536,t=2,p=1$SALT$HASH"), never the password.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS accounts ("
    "  key TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  updated INTEGER NOT NULL)";

using sqlite::bind_text;
using sqlite::column_text;
using sqlite::prepare;
using sqlite::Statement;

}  // namespace

void AccountStore::DbCloser::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

std::variant<std::unique_ptr<AccountStore>, std::string> AccountStore::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Db db(raw);
  auto failure = [&](std::string_view what) {
    const char* why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
    return "cannot " + std::string(what) + " the accounts in the store " + path + ": " + why;
  };
  if (rc != SQLITE_OK) return failure("open");
  // Closing it never writes the WAL back (the history writer process,
  // which holds the file last, does): chatd's exit must not wait for a disk.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(db.get(), 1000);
  if (sqlite3_exec(db.get(), kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) return failure("create");
  return std::unique_ptr<AccountStore>(new AccountStore(path, std::move(db)));
}

AccountStore::AccountStore(std::string path, Db db) : path_(std::move(path)), db_(std::move(db)) {
  writer_ = std::thread([this] { writer_loop(); });
}

AccountStore::~AccountStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

std::size_t AccountStore::load_into(Chat& chat) {
  Statement s = prepare(db_.get(), "SELECT name, hash FROM accounts");
  if (!s) return 0;
  std::size_t n = 0;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    chat.restore_account(column_text(s.get(), 0), column_text(s.get(), 1));
    ++n;
  }
  return n;
}

void AccountStore::save_account(std::string_view name, std::string_view hash) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Row{std::string(name), std::string(hash)});
  }
  wake_.notify_one();
}

void AccountStore::flush() {
  std::unique_lock lock(mutex_);
  written_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

bool AccountStore::write(const Row& row) {
  Statement s = prepare(db_.get(),
                        "INSERT INTO accounts (key, name, hash, updated) VALUES (?1, ?2, ?3, strftime('%s','now')) "
                        "ON CONFLICT(key) DO UPDATE SET name = ?2, hash = ?3, updated = strftime('%s','now')");
  if (!s) return false;
  bind_text(s.get(), 1, nickname_key(row.name));
  bind_text(s.get(), 2, row.name);
  bind_text(s.get(), 3, row.hash);
  return sqlite3_step(s.get()) == SQLITE_DONE;
}

void AccountStore::writer_loop() {
  auto retry = std::chrono::milliseconds(100);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Row> rows = std::exchange(queue_, {});
    busy_ = true;
    lock.unlock();
    std::size_t done = 0;
    for (; done < rows.size(); ++done) {
      if (!write(rows[done])) break;
    }
    lock.lock();
    if (done < rows.size()) {
      diagnostic("cannot write an account to the store", "cannot write an account to the store " + path_ + ": " +
                                                            sqlite3_errmsg(db_.get()));
      queue_.insert(queue_.begin(), std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(done)),
                    std::make_move_iterator(rows.end()));
      if (stopping_) {
        queue_.clear();  // given up at exit: said above
      } else {
        wake_.wait_for(lock, retry, [&] { return stopping_; });
        retry = std::min(retry * 2, std::chrono::milliseconds(1000));
      }
    } else {
      retry = std::chrono::milliseconds(100);
    }
    busy_ = false;
    written_.notify_all();
  }
}

}  // namespace chat
