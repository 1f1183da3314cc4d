#include "store/moderation_store.h"
#include "store/sqlite_statement.h"

#include <sqlite3.h>

#include <utility>

#include "base/server_log.h"

namespace chat {

namespace {

// One row per rule: a room's owner, topic and invite-only flag have an
// empty key; a removal deletes the row.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS moderation ("
    "  room TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,"
    "  name TEXT NOT NULL, by TEXT NOT NULL, text TEXT NOT NULL, until INTEGER NOT NULL,"
    "  PRIMARY KEY (room, kind, key))";

using sqlite::prepare;
using sqlite::Statement;

std::string column(sqlite3_stmt* s, int i) { return std::string(sqlite::column_text(s, i)); }

void bind(sqlite3_stmt* s, int i, const std::string& text) { sqlite::bind_text(s, i, text); }

}  // namespace

void ModerationStore::DbCloser::operator()(sqlite3* db) const noexcept { sqlite3_close(db); }

std::variant<std::unique_ptr<ModerationStore>, std::string> ModerationStore::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return "cannot open " + path + " for moderation: " + sqlite3_errstr(rc);
  // Closing it never writes the WAL back (the history writer process,
  // which holds the file last, does): chatd's exit must not wait for a disk.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(db.get(), 1000);
  char* error = nullptr;
  if (sqlite3_exec(db.get(), kSchema, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return "cannot set up moderation in " + path + ": " + why;
  }
  auto store = std::unique_ptr<ModerationStore>(new ModerationStore(std::move(db)));
  store->writer_ = std::thread([s = store.get()] { s->writer_loop(); });
  return store;
}

ModerationStore::ModerationStore(Db db) : db_(std::move(db)) {}

ModerationStore::~ModerationStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void ModerationStore::load_into(Chat& chat, std::int64_t now) {
  const Statement s = prepare(db_.get(), "SELECT room, kind, key, name, by, text, until FROM moderation");
  if (!s) return;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    ModerationRule r;
    const std::string kind = column(s.get(), 1);
    if (kind.size() != 1) continue;
    r.kind = static_cast<ModerationRule::Kind>(kind[0]);
    r.room = column(s.get(), 0);
    r.key = column(s.get(), 2);
    r.name = column(s.get(), 3);
    r.by = column(s.get(), 4);
    r.text = column(s.get(), 5);
    r.until = sqlite3_column_int64(s.get(), 6);
    if (r.until != 0 && r.until <= now) continue;  // expired while chatd was down
    chat.restore_moderation(r);
  }
}

void ModerationStore::save(const ModerationRule& rule) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      if (!told_full_) diagnostic("store: moderation queue full: a rule will not survive a restart");
      told_full_ = true;
      return;
    }
    queue_.push_back(rule);
    ++queued_;
  }
  wake_.notify_one();
}

void ModerationStore::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_;
  written_.wait(lock, [&] { return done_ >= target || stopping_; });
}

bool ModerationStore::write(const std::vector<ModerationRule>& batch) {
  sqlite3* db = db_.get();
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return false;
  const Statement put = prepare(db,
                                "INSERT OR REPLACE INTO moderation (room, kind, key, name, by, text, until) "
                                "VALUES (lower(?1), ?2, ?3, ?4, ?5, ?6, ?7)");
  const Statement erase = prepare(db, "DELETE FROM moderation WHERE room = lower(?1) AND kind = ?2 AND key = ?3");
  const Statement erase_invites = prepare(db, "DELETE FROM moderation WHERE room = lower(?1) AND kind = 'I'");
  bool ok = put && erase && erase_invites;
  for (const ModerationRule& r : batch) {
    if (!ok) break;
    const std::string kind(1, static_cast<char>(r.kind));
    sqlite3_stmt* s = r.removed ? erase.get() : put.get();
    sqlite3_reset(s);
    bind(s, 1, r.room);
    bind(s, 2, kind);
    bind(s, 3, r.key);
    if (!r.removed) {
      bind(s, 4, r.name);
      bind(s, 5, r.by);
      bind(s, 6, r.text);
      sqlite3_bind_int64(s, 7, r.until);
    }
    ok = sqlite3_step(s) == SQLITE_DONE;
    if (ok && r.removed && r.kind == ModerationRule::Kind::invite_only) {  // invitations go with it
      sqlite3_reset(erase_invites.get());
      bind(erase_invites.get(), 1, r.room);
      ok = sqlite3_step(erase_invites.get()) == SQLITE_DONE;
    }
  }
  if (!ok) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  }
  return sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
}

void ModerationStore::writer_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) break;
    std::vector<ModerationRule> batch = std::move(queue_);
    queue_.clear();
    lock.unlock();
    bool ok = write(batch);
    for (int attempt = 0; !ok && attempt < 3; ++attempt) ok = write(batch);
    if (!ok) diagnostic(std::string("store: moderation rules not written: ") + sqlite3_errmsg(db_.get()));
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
  }
}

}  // namespace chat
