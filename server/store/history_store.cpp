// HistoryStore: opening and checking the file, the writer thread (batching,
// retry, the stall watchdog) and the read-only export; the writes
// themselves are history_writer.cpp's, in a process of their own. Over the
// house's 400 lines: opening and export should move to a file of their own.
#include "store/history_store.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <utility>

#include "room_name.h"

#include "base/server_log.h"
#include "store/sqlite_statement.h"
#include "store/writer_frames.h"

namespace chat {

namespace {

using sqlite::bind_text;
using sqlite::column_text;
using sqlite::exec;
using sqlite::prepare;
using sqlite::Statement;

// Version 1: one row per room per group commit. `lines` holds that batch's
// lines of the room, oldest first, each as "SECONDS LINE\n" (SECONDS since
// the epoch; LINE as sent, which never contains "\n"). `room` is the room's
// name as spelled, compared ignoring ASCII case (NOCASE folds exactly
// ASCII, as room names do). A row per batch, not per line, keeps the
// writer's cost per line to a copy: an SQLite insert costs ~1.5 us, which
// per line would be a fifth of the server's whole cost per delivery in a
// room of 100 (docs/BENCHMARKS.md).
constexpr const char* kSchemaV1 =
    "CREATE TABLE IF NOT EXISTS chunks ("
    "  id INTEGER PRIMARY KEY,"
    "  room TEXT NOT NULL COLLATE NOCASE,"
    "  lines TEXT NOT NULL);"
    "PRAGMA user_version = 1;";
// The writer prunes each room it writes to its newest lines, oldest rows
// first: this index finds them without a scan. Added to version 1 files as
// they are opened; a chatd that does not know it ignores it (it does not
// prune, and keeps the index up to date).
constexpr const char* kRoomIndex = "CREATE INDEX IF NOT EXISTS chunks_by_room ON chunks(room, id)";

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

std::size_t count_entries(std::string_view lines) {
  return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
}

// What makes SQLite's text one line of ours: quick_check's "*** in
// database main ***" heading dropped, line breaks made "; ".
std::string one_line(std::string_view text) {
  constexpr std::string_view kHeading = "*** in database main ***";
  if (text.starts_with(kHeading)) text.remove_prefix(kHeading.size());
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += "; ";
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  return out;
}

std::string damaged(const std::string& path, std::string_view why) {
  return "--store " + path + ": damaged: " + one_line(why);
}

// Opens the database at `path` with `flags` and checks it: a schema this
// chatd knows, and PRAGMA quick_check. On success `version` is the file's
// schema version (0: nothing in it yet).
using OwnedDb = std::unique_ptr<sqlite3, void (*)(sqlite3*)>;
void close_db(sqlite3* db) { sqlite3_close_v2(db); }

std::variant<OwnedDb, std::string> open_checked(const std::string& path, int flags, int& version) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
  OwnedDb db(raw, close_db);
  auto failure = [&](std::string_view what) {
    const char* why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
    return "cannot " + std::string(what) + " the store " + path + ": " + why;
  };
  if (rc != SQLITE_OK) return failure("open");
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), static_cast<int>(HistoryStore::kBusyWait.count()));

  // Reading the version is the first real access: a file that is not a
  // database fails here.
  version = -1;
  if (Statement s = prepare(db.get(), "PRAGMA user_version"); s && sqlite3_step(s.get()) == SQLITE_ROW) {
    version = sqlite3_column_int(s.get(), 0);
  }
  if (version < 0) {
    if ((sqlite3_errcode(db.get()) & 0xff) == SQLITE_CORRUPT) return damaged(path, sqlite3_errmsg(db.get()));
    return failure("read");
  }
  if (version > HistoryStore::kSchemaVersion) {
    return "the store " + path + " has schema version " + std::to_string(version) + "; this chatd knows up to " +
           std::to_string(HistoryStore::kSchemaVersion);
  }
  // A damaged file would otherwise start silently and lose its history a
  // row at a time. quick_check reads every page once (O(file size); the
  // store is bounded by pruning) and stops at the first problem.
  Statement check = prepare(db.get(), "PRAGMA quick_check(1)");
  if (!check) return damaged(path, sqlite3_errmsg(db.get()));
  if (sqlite3_step(check.get()) != SQLITE_ROW) return damaged(path, sqlite3_errmsg(db.get()));
  if (const std::string_view result = column_text(check.get(), 0); result != "ok") return damaged(path, result);
  return db;
}

std::string strerror_text(int error) { return std::strerror(error); }

}  // namespace

void HistoryStore::DbCloser::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void HistoryStore::StmtCloser::operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }

std::variant<std::unique_ptr<HistoryStore>, std::string> HistoryStore::open(const std::string& path,
                                                                           std::size_t keep,
                                                                           std::string writer_executable) {
  auto cannot_open = [&](int error) { return "cannot open the store " + path + ": " + strerror_text(error); };
  // One chatd per file: two would each replay and store every line, so a
  // restart would replay it twice. The lock is on a file of its own, not on
  // the database: SQLite's POSIX locks on the database are dropped by any
  // close() of it in this process, and NFS maps flock() onto those locks.
  // The kernel releases it when chatd dies, however it dies.
  UniqueFd lock(::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) return cannot_open(errno);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return "--store " + path + " is in use by another chatd";
    return cannot_open(errno);
  }
  // History is as private as the server log: a new file is created 0600
  // here, and SQLite gives the -wal and -shm files the database's mode
  // (an existing file keeps the mode it has).
  if (UniqueFd created(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)); !created) {
    return cannot_open(errno);
  }

  int version = 0;
  auto checked = open_checked(path, SQLITE_OPEN_READWRITE, version);
  if (auto* message = std::get_if<std::string>(&checked)) return std::move(*message);
  Db db(std::get<OwnedDb>(checked).release());
  auto failure = [&](std::string_view what) {
    return "cannot " + std::string(what) + " the store " + path + ": " + sqlite3_errmsg(db.get());
  };
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
  if (!exec(db.get(), kRoomIndex)) return failure("create tables in");

  // One scan, newest row first (table order: through the room index, each
  // row would be a random read): every room's lines on disk, so the writer
  // prunes without counting again, and where to cut the rooms that hold
  // more than `keep` (written with a larger --history, or by a chatd that
  // did not prune).
  struct Scan {
    std::string name;
    std::size_t lines = 0;
    std::int64_t erase_through = -1;  // rows up to this id go
    std::int64_t trim_id = -1;        // this row keeps only `trimmed`
    std::string trimmed;
  };
  std::unordered_map<std::string, Scan> rooms;  // room_key -> scan
  bool cut = false;
  {
    Statement s = prepare(db.get(), "SELECT id, room, lines FROM chunks ORDER BY id DESC");
    if (!s) return failure("read");
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      const std::string_view name = column_text(s.get(), 1);
      const auto [it, created] = rooms.try_emplace(room_key(name));
      Scan& room = it->second;
      if (created) room.name = name;
      const std::string_view lines = column_text(s.get(), 2);
      const std::size_t n = count_entries(lines);
      if (keep > 0 && room.lines >= keep) {
        if (room.erase_through < 0) room.erase_through = sqlite3_column_int64(s.get(), 0);
        cut = true;
        continue;
      }
      if (keep > 0 && room.lines + n > keep) {
        // Keep the newest keep - lines entries of this row.
        std::size_t drop = room.lines + n - keep;
        std::size_t at = 0;
        while (drop-- > 0) at = lines.find('\n', at) + 1;
        room.trim_id = sqlite3_column_int64(s.get(), 0);
        room.trimmed.assign(lines.substr(at));
        room.lines = keep;
        cut = true;
        continue;
      }
      room.lines += n;
    }
    if (rc != SQLITE_DONE) return failure("read");
  }
  if (cut) {
    // The deletions in one pass over the table: room by room, each would
    // rewrite every page its rows are spread over.
    auto prune_failure = [&] {
      std::string error = "cannot prune the store " + path + ": " + sqlite3_errmsg(db.get());
      exec(db.get(), "ROLLBACK");
      return error;
    };
    if (!exec(db.get(), "BEGIN") ||
        !exec(db.get(), "CREATE TEMP TABLE cut (room TEXT PRIMARY KEY COLLATE NOCASE, id INTEGER NOT NULL)")) {
      return prune_failure();
    }
    Statement add = prepare(db.get(), "INSERT INTO temp.cut(room, id) VALUES (?1, ?2)");
    Statement trim = prepare(db.get(), "UPDATE chunks SET lines = ?2 WHERE id = ?1");
    if (!add || !trim) return prune_failure();
    for (const auto& [key, room] : rooms) {
      if (room.erase_through >= 0) {
        bind_text(add.get(), 1, room.name);
        sqlite3_bind_int64(add.get(), 2, room.erase_through);
        const int rc = sqlite3_step(add.get());
        sqlite3_reset(add.get());
        if (rc != SQLITE_DONE) return prune_failure();
      }
      if (room.trim_id >= 0) {
        sqlite3_bind_int64(trim.get(), 1, room.trim_id);
        bind_text(trim.get(), 2, room.trimmed);
        const int rc = sqlite3_step(trim.get());
        sqlite3_reset(trim.get());
        if (rc != SQLITE_DONE) return prune_failure();
      }
    }
    add.reset();
    trim.reset();
    if (!exec(db.get(), "DELETE FROM chunks WHERE id <= (SELECT id FROM temp.cut WHERE cut.room = chunks.room)") ||
        !exec(db.get(), "DROP TABLE temp.cut") || !exec(db.get(), "COMMIT")) {
      return prune_failure();
    }
  }
  std::unordered_map<std::string, std::size_t> on_disk;
  for (auto& [key, room] : rooms) on_disk.emplace(key, room.lines);

  std::unique_ptr<HistoryStore> store(new HistoryStore(path, std::move(lock), std::move(db), keep));
  store->on_disk_ = std::move(on_disk);
  store->writer_executable_ = std::move(writer_executable);
  store->start();
  return store;
}

HistoryStore::HistoryStore(std::string path, UniqueFd lock, Db db, std::size_t keep)
    : path_(std::move(path)), keep_(keep), lock_(std::move(lock)), db_(std::move(db)) {}

void HistoryStore::start() {
  writer_ = std::thread([this] { writer_loop(); });
  // Named, so top -H and /proc show what the store costs.
  ::pthread_setname_np(writer_.native_handle(), "chatd-store");
  watchdog_ = std::thread([this] { watchdog_loop(); });
  ::pthread_setname_np(watchdog_.native_handle(), "chatd-store-dog");
}

HistoryStore::~HistoryStore() {
  if (!writer_.joinable()) return;
  const auto began = Clock::now();
  stop_deadline_.store((began + kStopBudget).time_since_epoch().count());
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_one();
  // A locked database is given up after kStopBudget (the last batch's
  // wait for the lock is cut short); a write blocked in the kernel (a
  // frozen disk) cannot be cut short, so the writer process is killed: its
  // transaction is rolled back, the writer thread's wait for it ends at
  // once, and it counts the lines not written.
  if (!written_.wait_until(lock, began + kStopSay, [&] { return writer_done_; })) {
    lock.unlock();
    {
      std::lock_guard process(process_mutex_);
      gave_up_ = true;
      if (process_) process_->kill();
    }
    lock.lock();
    written_.wait(lock, [&] { return writer_done_; });
  }
  watch_stop_ = true;
  lock.unlock();
  watch_.notify_one();
  watchdog_.join();
  writer_.join();
}

void HistoryStore::watchdog_loop() {
  std::unique_lock lock(mutex_);
  while (!watch_stop_) {
    // Sleeps until the write in flight would be kStallWarn old (or the
    // next repeat), or kStallWarn when none is: a write that began in
    // between is seen on waking, and said kStallWarn after it began.
    const auto now = Clock::now();
    auto until = now + kStallWarn;
    if (write_since_ != Clock::time_point{}) until = std::max(write_since_ + kStallWarn, next_stall_say_);
    if (until > now) {
      watch_.wait_until(lock, until, [&] { return watch_stop_; });
      continue;
    }
    next_stall_say_ = now + kStallRepeat;
    stall_said_ = true;
    const auto held = std::chrono::duration_cast<std::chrono::seconds>(now - write_since_);
    const std::uint64_t waiting = queued_total_ - done_total_;
    lock.unlock();
    report("stalled: a write has not returned for " + std::to_string(held.count()) + " s (" +
           std::to_string(waiting) + " lines waiting)");
    lock.lock();
  }
}

void HistoryStore::load_into(Chat& room, std::size_t per_room) {
  load_rooms(room, per_room);
  db_.reset();
}

void HistoryStore::load_rooms(Chat& room, std::size_t per_room) {
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
  std::lock_guard lock(mutex_);
  for (auto& [key, kept] : rooms) {
    for (auto it = kept.newest_first.rbegin(); it != kept.newest_first.rend(); ++it) {
      it->text.push_back('\n');
      room.restore_history(kept.name, it->time, it->text);
    }
    // Restored lines are numbered 1..N in the room: the newest on disk is N.
    committed_[key] = kept.newest_first.size();
  }
}

std::variant<std::vector<HistoryStore::Line>, std::string> HistoryStore::export_room(const std::string& path,
                                                                                     std::string_view room_name) {
  // Read-only, and never created: a mistyped path is an error, not a new
  // empty database.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return "no such store: " + path;
    return "cannot open the store " + path + ": " + strerror_text(errno);
  }
  int version = 0;
  auto checked = open_checked(path, SQLITE_OPEN_READONLY, version);
  if (auto* message = std::get_if<std::string>(&checked)) return std::move(*message);
  sqlite3* const db = std::get<OwnedDb>(checked).get();
  const std::string no_history = "no history for " + std::string(room_name) + " in " + path;
  if (version == 0) return no_history;  // an empty file: no table yet

  Statement s = prepare(db, "SELECT lines FROM chunks WHERE room = ?1 ORDER BY id");
  if (!s) return std::string("cannot read the store: ") + sqlite3_errmsg(db);
  bind_text(s.get(), 1, room_name);
  std::vector<Line> lines;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    for_each_entry(column_text(s.get(), 0), [&](std::int64_t time, std::string_view line) {
      lines.push_back(Line{time, std::string(line)});
    });
  }
  if (rc != SQLITE_DONE) return std::string("cannot read the store: ") + sqlite3_errmsg(db);
  if (lines.empty()) return no_history;
  return lines;
}

std::vector<HistorySink::Stored> HistoryStore::older(std::string_view room, std::uint64_t before, std::size_t count,
                                                     std::size_t bytes) {
  std::vector<Stored> out;
  const std::string key = room_key(room);
  std::uint64_t newest = 0;  // the number of the newest line on disk
  {
    std::lock_guard lock(mutex_);
    if (const auto it = committed_.find(key); it != committed_.end()) newest = it->second;
  }
  if (count == 0 || before == 0) return out;
  // Lines numbered `before` and above are skipped: newest - before + 1 of them.
  std::uint64_t skip = newest >= before ? newest - before + 1 : 0;
  if (reader_ == nullptr) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(db);
      return out;
    }
    // Closing it never writes (the writer process checkpoints).
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    reader_.reset(db);
  }
  if (older_ == nullptr) older_.reset(prepare(reader_.get(), "SELECT lines FROM chunks WHERE room = ?1 ORDER BY id DESC").release());
  sqlite3_stmt* const s = older_.get();
  if (s == nullptr) return out;
  bind_text(s, 1, room);
  std::vector<Stored> chunk;
  std::size_t used = 0;
  bool done = false;
  while (!done && sqlite3_step(s) == SQLITE_ROW) {
    chunk.clear();
    for_each_entry(column_text(s, 0), [&](std::int64_t time, std::string_view line) {
      chunk.push_back(Stored{time, std::string(line) + "\n"});
    });
    for (auto it = chunk.rbegin(); it != chunk.rend(); ++it) {
      if (skip > 0) {
        --skip;
        continue;
      }
      if (out.size() >= count || (!out.empty() && used + it->line.size() > bytes)) {
        done = true;
        break;
      }
      used += it->line.size();
      out.push_back(std::move(*it));
    }
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return out;
}

std::size_t HistoryStore::charge(const Pending& p) {
  return kPendingOverhead + p.room.size() + p.line->size();
}

void HistoryStore::append(std::string_view room, std::int64_t time, const SharedLine& line, std::uint64_t seq) {
  const std::size_t bytes = kPendingOverhead + room.size() + line->size();
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (waiting_bytes_ + bytes > kMaxQueuedBytes) {
      ++dropped_;
      ++stats_.dropped_lines;
      return;
    }
    waiting_bytes_ += bytes;
    queue_.push_back(Pending{std::string(room), time, line, seq});
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
  written_.wait(lock, [&] { return done_total_ >= target; });
}

StoreStats HistoryStore::stats() {
  std::lock_guard lock(mutex_);
  StoreStats out = stats_;
  out.queued_lines = queued_total_ - done_total_;
  return out;
}

void HistoryStore::report(const std::string& text) const { diagnostic("--store " + path_ + ": " + text); }

std::size_t HistoryStore::compact(std::vector<Pending>& batch) const {
  if (keep_ == 0 || batch.size() <= keep_) return 0;
  // Lines left to see of each room, counting down: a line goes while more
  // than keep_ of its room follow it.
  std::unordered_map<std::string_view, std::size_t> left;
  for (const Pending& p : batch) ++left[p.room];
  std::size_t freed = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::size_t& n = left[batch[i].room];
    if (n-- > keep_) {
      freed += charge(batch[i]);
    } else {
      if (kept != i) batch[kept] = std::move(batch[i]);
      ++kept;
    }
  }
  batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(kept), batch.end());
  return freed;
}

void HistoryStore::writer_loop() {
  std::vector<Pending> batch;     // lines taken from the queue and not yet written, oldest first
  std::vector<Pending> incoming;  // the queue as taken; empty between batches (its buffer is reused)
  auto retry_wait = std::chrono::duration_cast<Clock::duration>(kRetryFirst);
  Clock::time_point retry_at{};
  bool failing = false;
  Clock::time_point next_stall_report{};
  std::string last_error;
  std::uint64_t unreported_drops = 0;
  auto report_drops = [&] {
    if (unreported_drops == 0) return;
    diagnostic("the store fell behind: " + std::to_string(std::exchange(unreported_drops, 0)) +
               " history lines not stored");
  };

  // The writer process starts with the thread (its pid is then there to
  // see, e.g. for bench/store_cost); if it cannot, the first batch says why.
  (void)ensure_writer_process();
  std::unique_lock lock(mutex_);
  for (;;) {
    if (batch.empty()) {
      while (!stopping_ && queue_.empty()) {
        writer_waiting_ = true;
        wake_.wait(lock);
      }
      writer_waiting_ = false;
      if (queue_.empty() && stopping_) break;
      // Let more lines gather (a flush() or the destructor cuts this short).
      wake_.wait_for(lock, kGather, [&] { return stopping_ || flush_wanted_; });
    } else if (!stopping_) {
      // The last batch failed: back off (the destructor cuts this short).
      wake_.wait_until(lock, retry_at, [&] { return stopping_; });
    }
    flush_wanted_ = false;
    const bool last = stopping_;
    incoming.swap(queue_);  // O(1) under the lock; the merge below is not
    unreported_drops += std::exchange(dropped_, 0);
    write_since_ = Clock::now();  // the watchdog's: a write is in flight
    lock.unlock();
    if (batch.empty()) {
      batch.swap(incoming);
    } else {
      batch.insert(batch.end(), std::make_move_iterator(incoming.begin()), std::make_move_iterator(incoming.end()));
      incoming.clear();
    }

    // Lines that pruning would delete at once are never written; while the
    // store fails they are let go, so an outage holds at most `keep` lines
    // per room.
    const std::size_t before = batch.size();
    std::size_t freed = compact(batch);
    const std::size_t superseded = before - batch.size();
    const auto began = Clock::now();
    const std::string error = batch.empty() ? std::string() : write_batch(batch);
    const bool ok = error.empty();
    const auto now = Clock::now();
    std::size_t written = 0;
    bool recovered = false;
    if (ok) {
      for (const Pending& p : batch) freed += charge(p);
      written = batch.size();
      batch.clear();  // the lines go back to the pool before the next wait
      recovered = failing;
      failing = false;
      retry_wait = std::chrono::duration_cast<Clock::duration>(kRetryFirst);
    } else {
      // (Not when the destructor gave up on the write: the exit line says it.)
      if (!failing && !gave_up_) {
        diagnostic("cannot write history to the store (serving from memory): " + error);
        next_stall_report = now + kStallReport;
      }
      failing = true;
      last_error = error;
      retry_at = now + retry_wait;
      retry_wait = std::min(retry_wait * 2, std::chrono::duration_cast<Clock::duration>(kRetryMax));
    }

    lock.lock();
    write_since_ = Clock::time_point{};
    next_stall_say_ = Clock::time_point{};
    // A stalled write that returned: the store works again, or fails (said above).
    if (std::exchange(stall_said_, false) && ok) recovered = true;
    if (!batch.empty() || written > 0) {
      stats_.commit_seconds.observe(now - began);
      if (!ok) ++stats_.commit_errors;
    }
    waiting_bytes_ -= freed;
    done_total_ += superseded + written;
    const std::size_t waiting = batch.size() + queue_.size();
    written_.notify_all();
    if (last && !ok) break;
    lock.unlock();
    if (recovered) diagnostic("the store accepts history again");
    if (failing && !last && !gave_up_ && now >= next_stall_report) {
      report("writes failing (" + last_error + "); " + std::to_string(waiting) + " lines waiting");
      next_stall_report = now + kStallRepeat;
      report_drops();
    } else if (!failing) {
      report_drops();
    }
    lock.lock();
    if (last && queue_.empty()) break;
  }
  // Stopping: what could not be written is counted, with what was dropped.
  unreported_drops += std::exchange(dropped_, 0);
  const std::size_t lost = batch.size() + queue_.size();
  done_total_ += lost;
  writer_done_ = true;
  written_.notify_all();
  lock.unlock();
  {
    // The writer process ends with this thread: the socket closes (it
    // exits after the batch in hand) or it was killed.
    std::lock_guard process(process_mutex_);
    process_.reset();
  }
  if (lost > 0) {
    report(std::to_string(lost + unreported_drops) + " history lines not written at exit (" + last_error + ")");
  } else {
    report_drops();
  }
}

std::string HistoryStore::ensure_writer_process() {
  if (process_) return {};
  if (gave_up_) return "a write did not return";
  auto started = WriterProcess::start(writer_executable_);
  if (auto* error = std::get_if<std::string>(&started)) return std::move(*error);
  writer_frames::Start start{path_, keep_, {}};
  start.on_disk.assign(on_disk_.begin(), on_disk_.end());
  frame_.clear();
  writer_frames::encode_start(start, frame_);
  auto& process = std::get<WriterProcess>(started);
  if (!writer_frames::send_frame(process.fd(), frame_)) return "the history writer process exited";
  std::lock_guard lock(process_mutex_);
  if (gave_up_) return "stopping";
  process_.emplace(std::move(process));
  return {};
}

std::string HistoryStore::write_batch(const std::vector<Pending>& batch) {
  if (std::string error = ensure_writer_process(); !error.empty()) return error;
  // One chunk per room, in the order each room first appears in the batch.
  // The chunk buffers are kept from batch to batch, so a steady stream of
  // lines is copied once, into memory already mapped, then into the frame.
  std::size_t used = 0;
  for (const Pending& p : batch) {
    auto it = std::find_if(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(used),
                           [&](const Chunk& c) { return c.room == p.room; });
    if (it == chunks_.begin() + static_cast<std::ptrdiff_t>(used)) {
      if (used == chunks_.size()) chunks_.emplace_back();
      it = chunks_.begin() + static_cast<std::ptrdiff_t>(used++);
      it->room = p.room;
      it->lines.clear();
      it->count = 0;
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
    ++it->count;
    it->last_seq = p.seq;
  }
  // Keep the buffers of at most a few rooms (a burst over many rooms must
  // not pin its memory).
  if (chunks_.size() > kKeptChunks) chunks_.resize(std::max(used, kKeptChunks));

  // A lock another process holds is waited for kBusyWait, or until the
  // destructor's deadline.
  const auto now = Clock::now();
  const auto stop = Clock::time_point(Clock::duration(stop_deadline_.load()));
  auto busy = std::chrono::duration_cast<std::chrono::milliseconds>(kBusyWait);
  if (stop < now + busy) busy = std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(stop - now));
  std::vector<writer_frames::ChunkView> views;
  views.reserve(used);
  for (std::size_t i = 0; i < used; ++i) views.push_back({chunks_[i].room, chunks_[i].count, chunks_[i].lines});
  frame_.clear();
  writer_frames::encode_batch(busy, views, frame_);
  if (frame_.capacity() > 4 * kKeptBytes && frame_.size() < kKeptBytes) frame_.shrink_to_fit();

  const int fd = process_->fd();
  std::optional<std::string> result;
  if (writer_frames::send_frame(fd, frame_) && writer_frames::recv_frame(fd, reply_)) {
    result = writer_frames::decode_result(reply_);
  }
  if (!result) {
    // Killed by the destructor, or died: a new one is started for the retry.
    std::string error = gave_up_ ? "a write did not return" : "the history writer process exited";
    std::lock_guard lock(process_mutex_);
    process_.reset();
    return error;
  }
  if (!result->empty()) return std::move(*result);
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < used; ++i) committed_[room_key(chunks_[i].room)] = chunks_[i].last_seq;
  }
  for (std::size_t i = 0; i < used; ++i) {
    std::size_t& total = on_disk_[room_key(chunks_[i].room)];
    total += chunks_[i].count;
    if (keep_ > 0) total = std::min(total, keep_);
  }
  return {};
}

}  // namespace chat
