#include "store/history_store.h"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <utility>

#include "room_name.h"

#include "base/server_log.h"

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

// Version 1: one row per room per group commit. `lines` holds that batch's
// lines of the room, oldest first, each as "SECONDS LINE\n" (SECONDS since
// the epoch; LINE as sent, which never contains "\n"). `room` is the room's
// name as spelled, compared ignoring ASCII case (NOCASE folds exactly
// ASCII, as room names do). A row per batch, not per line, keeps the
// writer's cost per line to a copy: an SQLite insert costs ~1.5 us, which
// per line would be a fifth of the server's whole cost per delivery in a
// room of 100 (docs/BENCHMARKS.md). No index: only start-up and
// --export-history read, each in one scan.
constexpr const char* kSchemaV1 =
    "CREATE TABLE IF NOT EXISTS chunks ("
    "  id INTEGER PRIMARY KEY,"
    "  room TEXT NOT NULL COLLATE NOCASE,"
    "  lines TEXT NOT NULL);"
    "PRAGMA user_version = 1;";

// Calls f(time, line) for each "SECONDS LINE\n" entry of a chunk; stops at
// anything malformed.
template <class F>
void for_each_entry(std::string_view lines, F&& f) {
  while (!lines.empty()) {
    const auto space = lines.find(' ');
    const auto end = lines.find('\n');
    if (space == std::string_view::npos || end == std::string_view::npos || space > end) return;
    std::int64_t time = 0;
    const auto [ptr, ec] = std::from_chars(lines.data(), lines.data() + space, time);
    if (ec != std::errc{} || ptr != lines.data() + space) return;
    f(time, lines.substr(space + 1, end - space - 1));
    lines.remove_prefix(end + 1);
  }
}

}  // namespace

void HistoryStore::DbCloser::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void HistoryStore::StmtCloser::operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }

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
  // A new file gets 64 KiB pages (SQLite's largest; fixed once the file is
  // in WAL mode): a batch of ~100-byte lines is then one or two WAL frames,
  // so the writer makes 16 times fewer pwrite()s than with 4 KiB pages,
  // here and when the WAL is copied back to the database (checkpoint).
  // That checkpoint runs every 256 pages (16 MiB of WAL), in the writer
  // thread, never in the loop.
  if (version == 0 && !exec(db.get(), "PRAGMA page_size = 65536")) return failure("set up");
  if (!exec(db.get(), "PRAGMA journal_mode = WAL") || !exec(db.get(), "PRAGMA synchronous = NORMAL") ||
      !exec(db.get(), "PRAGMA wal_autocheckpoint = 256")) {
    return failure("set up");
  }
  if (version == 0 && !exec(db.get(), kSchemaV1)) return failure("create tables in");
  return std::unique_ptr<HistoryStore>(new HistoryStore(std::move(db)));
}

HistoryStore::HistoryStore(std::unique_ptr<sqlite3, DbCloser> db) : db_(std::move(db)) {
  writer_ = std::thread([this] { writer_loop(); });
  // Named, so top -H and /proc show what the store costs.
  ::pthread_setname_np(writer_.native_handle(), "chatd-store");
}

HistoryStore::~HistoryStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void HistoryStore::load_into(Chat& room, std::size_t per_room) {
  if (per_room == 0) return;
  // Newest chunk first, keeping at most `per_room` lines of each room, so
  // only what will be replayed is ever copied.
  Statement s = prepare(db_.get(), "SELECT room, lines FROM chunks ORDER BY id DESC");
  if (!s) {
    diagnostic(std::string("cannot read history from the store: ") + sqlite3_errmsg(db_.get()));
    return;
  }
  struct Kept {
    std::string name;
    std::vector<Line> newest_first;
  };
  std::unordered_map<std::string, Kept> rooms;  // room_key -> lines
  std::vector<Line> chunk;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    const std::string_view name = column_text(s.get(), 0);
    Kept& kept = rooms.try_emplace(room_key(name), Kept{std::string(name), {}}).first->second;
    if (kept.newest_first.size() >= per_room) continue;
    chunk.clear();
    for_each_entry(column_text(s.get(), 1), [&](std::int64_t time, std::string_view line) {
      chunk.push_back(Line{time, std::string(line)});
    });
    for (auto it = chunk.rbegin(); it != chunk.rend() && kept.newest_first.size() < per_room; ++it) {
      kept.newest_first.push_back(std::move(*it));
    }
  }
  for (auto& [key, kept] : rooms) {
    for (auto it = kept.newest_first.rbegin(); it != kept.newest_first.rend(); ++it) {
      it->text.push_back('\n');
      room.restore_history(kept.name, it->time, it->text);
    }
  }
}

std::variant<std::vector<HistoryStore::Line>, std::string> HistoryStore::read_room(std::string_view room_name) {
  Statement s = prepare(db_.get(), "SELECT lines FROM chunks WHERE room = ?1 ORDER BY id");
  if (!s) return std::string("cannot read the store: ") + sqlite3_errmsg(db_.get());
  bind_text(s.get(), 1, room_name);
  std::vector<Line> lines;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    for_each_entry(column_text(s.get(), 0), [&](std::int64_t time, std::string_view line) {
      lines.push_back(Line{time, std::string(line)});
    });
  }
  if (rc != SQLITE_DONE) return std::string("cannot read the store: ") + sqlite3_errmsg(db_.get());
  return lines;
}

void HistoryStore::append(std::string_view room, std::int64_t time, const SharedLine& line) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    queue_.push_back(Pending{std::string(room), time, line});
    ++queued_total_;
    wake = std::exchange(writer_waiting_, false);
  }
  if (wake) wake_.notify_one();
}

void HistoryStore::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_total_;
  flush_wanted_ = true;
  writer_waiting_ = false;
  wake_.notify_one();
  written_.wait(lock, [&] { return written_total_ >= target; });
}

void HistoryStore::writer_loop() {
  std::vector<Pending> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!stopping_ && queue_.empty()) {
      writer_waiting_ = true;
      wake_.wait(lock);
    }
    writer_waiting_ = false;
    if (queue_.empty() && stopping_) return;
    // Let more lines gather (a flush() or the destructor cuts this short).
    wake_.wait_for(lock, kGather, [&] { return stopping_ || flush_wanted_; });
    flush_wanted_ = false;
    batch.clear();
    batch.swap(queue_);
    const std::uint64_t dropped = std::exchange(dropped_, 0);
    lock.unlock();

    const std::string error = write_batch(batch);
    const std::size_t batch_size = batch.size();
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

    batch.clear();  // the lines go back to the pool before the next wait
    lock.lock();
    written_total_ += batch_size;
    written_.notify_all();
  }
}

std::string HistoryStore::write_batch(const std::vector<Pending>& batch) {
  sqlite3* db = db_.get();
  if (insert_ == nullptr) {
    Statement s = prepare(db, "INSERT INTO chunks(room, lines) VALUES (?1, ?2)");
    if (!s) return sqlite3_errmsg(db);
    insert_.reset(s.release());
  }
  if (!exec(db, "BEGIN")) return sqlite3_errmsg(db);
  sqlite3_stmt* const insert = insert_.get();
  // One chunk per room, in the order each room first appears in the batch.
  // The chunk buffers are kept from batch to batch, so a steady stream of
  // lines is copied once, into memory already mapped.
  std::size_t used = 0;
  for (const Pending& p : batch) {
    auto it = std::find_if(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(used),
                           [&](const Chunk& c) { return c.room == p.room; });
    if (it == chunks_.begin() + static_cast<std::ptrdiff_t>(used)) {
      if (used == chunks_.size()) chunks_.emplace_back();
      it = chunks_.begin() + static_cast<std::ptrdiff_t>(used++);
      it->room = p.room;
      it->lines.clear();
      if (it->lines.capacity() > kKeptBytes) it->lines.shrink_to_fit();  // after a rare burst
    }
    std::string_view line = *p.line;
    if (line.ends_with('\n')) line.remove_suffix(1);
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, p.time);
    it->lines.append(digits, end);
    it->lines.push_back(' ');
    it->lines.append(line);
    it->lines.push_back('\n');
  }
  // Keep the buffers of at most a few rooms (a burst over many rooms must
  // not pin its memory).
  if (chunks_.size() > kKeptChunks) chunks_.resize(std::max(used, kKeptChunks));
  bool ok = true;
  for (std::size_t i = 0; ok && i < used; ++i) {
    const auto& [room, lines] = chunks_[i];
    // `chunks_` outlives each step, so SQLite need not copy the text.
    sqlite3_bind_text(insert, 1, room.data(), static_cast<int>(room.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, lines.data(), static_cast<int>(lines.size()), SQLITE_STATIC);
    ok = sqlite3_step(insert) == SQLITE_DONE;
    sqlite3_reset(insert);
  }
  sqlite3_clear_bindings(insert);
  if (ok && exec(db, "COMMIT")) return {};
  std::string error = sqlite3_errmsg(db);
  exec(db, "ROLLBACK");
  return error;
}

}  // namespace chat
