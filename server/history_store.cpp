#include "history_store.h"

#include <sqlite3.h>

#include <utility>

#include "room_name.h"
#include "server_log.h"

namespace chat {

namespace {

// One prepared statement, finalized when it goes out of scope.
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Statement prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return nullptr;
  }
  return Statement(raw);
}

bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

std::string_view column_text(sqlite3_stmt* s, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return text != nullptr ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(s, col)))
                         : std::string_view();
}

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// Version 1: one row per kept line. `line` is the line as sent, without its
// "\n"; `room` is the room's name as spelled, `room_key` its unique key.
constexpr const char* kSchemaV1 =
    "CREATE TABLE IF NOT EXISTS messages ("
    "  id INTEGER PRIMARY KEY,"
    "  room_key TEXT NOT NULL,"
    "  room TEXT NOT NULL,"
    "  time INTEGER NOT NULL,"
    "  line TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS messages_by_room ON messages(room_key, id);"
    "PRAGMA user_version = 1;";

}  // namespace

void HistoryStore::DbCloser::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

std::variant<std::unique_ptr<HistoryStore>, std::string> HistoryStore::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  auto failure = [&](std::string_view what) {
    const char* why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
    return "cannot " + std::string(what) + " the store " + path + ": " + why;
  };
  if (rc != SQLITE_OK) return failure("open");
  sqlite3_busy_timeout(db.get(), 2000);

  // Reading the version is the first real access: a file that is not a
  // database fails here.
  int version = -1;
  if (Statement s = prepare(db.get(), "PRAGMA user_version"); s && sqlite3_step(s.get()) == SQLITE_ROW) {
    version = sqlite3_column_int(s.get(), 0);
  }
  if (version < 0) return failure("read");
  if (version > kSchemaVersion) {
    return "the store " + path + " has schema version " + std::to_string(version) + "; this chatd knows up to " +
           std::to_string(kSchemaVersion);
  }
  // WAL: the writer never blocks readers; NORMAL sync: a committed batch
  // survives the process being killed (not necessarily a power loss).
  if (!exec(db.get(), "PRAGMA journal_mode = WAL") || !exec(db.get(), "PRAGMA synchronous = NORMAL")) {
    return failure("set up");
  }
  if (version == 0 && !exec(db.get(), kSchemaV1)) return failure("create tables in");
  return std::unique_ptr<HistoryStore>(new HistoryStore(std::move(db)));
}

HistoryStore::HistoryStore(std::unique_ptr<sqlite3, DbCloser> db) : db_(std::move(db)) {
  writer_ = std::thread([this] { writer_loop(); });
}

HistoryStore::~HistoryStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void HistoryStore::load_into(Room& room, std::size_t per_room) {
  if (per_room == 0) return;
  Statement s = prepare(db_.get(),
                        "SELECT room, time, line FROM ("
                        "  SELECT id, room, time, line,"
                        "         ROW_NUMBER() OVER (PARTITION BY room_key ORDER BY id DESC) AS age"
                        "  FROM messages)"
                        " WHERE age <= ?1 ORDER BY id");
  if (!s) {
    diagnostic(std::string("cannot read history from the store: ") + sqlite3_errmsg(db_.get()));
    return;
  }
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(per_room));
  std::string line;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    line.assign(column_text(s.get(), 2));
    line.push_back('\n');
    room.restore_history(column_text(s.get(), 0), sqlite3_column_int64(s.get(), 1), line);
  }
}

std::variant<std::vector<HistoryStore::Line>, std::string> HistoryStore::read_room(std::string_view room_name) {
  Statement s = prepare(db_.get(), "SELECT time, line FROM messages WHERE room_key = ?1 ORDER BY id");
  if (!s) return std::string("cannot read the store: ") + sqlite3_errmsg(db_.get());
  const std::string key = room_key(room_name);
  bind_text(s.get(), 1, key);
  std::vector<Line> lines;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    lines.push_back(Line{sqlite3_column_int64(s.get(), 0), std::string(column_text(s.get(), 1))});
  }
  if (rc != SQLITE_DONE) return std::string("cannot read the store: ") + sqlite3_errmsg(db_.get());
  return lines;
}

void HistoryStore::append(std::string_view room, std::int64_t time, std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    wake = queue_.empty();
    queue_.push_back(Pending{std::string(room), {}, time, std::string(line)});
    ++queued_total_;
  }
  if (wake) wake_.notify_one();
}

void HistoryStore::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_total_;
  written_.wait(lock, [&] { return written_total_ >= target; });
}

void HistoryStore::writer_loop() {
  std::vector<Pending> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    batch.clear();
    batch.swap(queue_);
    const std::uint64_t dropped = std::exchange(dropped_, 0);
    lock.unlock();

    for (Pending& p : batch) p.key = room_key(p.room);
    const std::string error = write_batch(batch);
    const bool ok = error.empty();
    if (!ok && !failing_) {
      diagnostic("cannot write history to the store (serving from memory): " + error);
    } else if (ok && failing_) {
      diagnostic("the store accepts history again");
    }
    failing_ = !ok;
    if (dropped > 0) {
      diagnostic("the store fell behind: " + std::to_string(dropped) + " history lines not stored");
    }

    lock.lock();
    written_total_ += batch.size();
    written_.notify_all();
  }
}

std::string HistoryStore::write_batch(const std::vector<Pending>& batch) {
  sqlite3* db = db_.get();
  if (!exec(db, "BEGIN")) return sqlite3_errmsg(db);
  Statement insert = prepare(db, "INSERT INTO messages(room_key, room, time, line) VALUES (?1, ?2, ?3, ?4)");
  bool ok = insert != nullptr;
  for (std::size_t i = 0; ok && i < batch.size(); ++i) {
    const Pending& p = batch[i];
    bind_text(insert.get(), 1, p.key);
    bind_text(insert.get(), 2, p.room);
    sqlite3_bind_int64(insert.get(), 3, p.time);
    bind_text(insert.get(), 4, p.line);
    ok = sqlite3_step(insert.get()) == SQLITE_DONE;
    sqlite3_reset(insert.get());
  }
  insert.reset();
  if (ok && exec(db, "COMMIT")) return {};
  std::string error = sqlite3_errmsg(db);
  exec(db, "ROLLBACK");
  return error;
}

}  // namespace chat
