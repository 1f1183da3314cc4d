#include "store/history_writer.h"

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "room_name.h"
#include "store/history_store.h"
#include "store/sqlite_statement.h"
#include "store/writer_frames.h"

namespace chat {

namespace {

using Clock = std::chrono::steady_clock;

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using sqlite::column_text;
using sqlite::exec;
using sqlite::Statement;

std::size_t count_entries(std::string_view lines) {
  return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
}

class Writer {
 public:
  // Opens the database chatd has opened, checked and set up (WAL is the
  // file's own setting; the rest is per connection); the error, or empty.
  std::string open(const writer_frames::Start& start) {
    keep_ = static_cast<std::size_t>(start.keep);
    for (const auto& [room, lines] : start.on_disk) on_disk_[room] = static_cast<std::size_t>(lines);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(start.path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) return db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_handler(db_.get(), &Writer::on_busy, this);
    if (!exec(db_.get(), "PRAGMA synchronous = NORMAL") || !exec(db_.get(), "PRAGMA wal_autocheckpoint = 256")) {
      return sqlite3_errmsg(db_.get());
    }
    if (const char* stall = std::getenv(HistoryStore::kTestStallEnv); stall != nullptr) test_stall_file_ = stall;
    return {};
  }

  // Writes `batch` and prunes its rooms in one transaction; the error, or
  // empty once committed.
  std::string write(const writer_frames::Batch& batch) {
    busy_wait_ = batch.busy_wait;
    sqlite3* const db = db_.get();
    // The test seam (kTestStallEnv): a write that does not return yet.
    while (!test_stall_file_.empty() && ::access(test_stall_file_.c_str(), F_OK) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!insert_) insert_ = prepare("INSERT INTO chunks(room, lines) VALUES (?1, ?2)");
    if (!insert_) return sqlite3_errmsg(db);
    // IMMEDIATE: the write lock first, so a database another process holds
    // fails the batch before any of it is inserted (it is retried whole).
    if (!exec(db, "BEGIN IMMEDIATE")) return sqlite3_errmsg(db);
    bool ok = true;
    for (std::size_t i = 0; ok && i < batch.chunks.size(); ++i) {
      const auto& chunk = batch.chunks[i];
      // The frame's body outlives the step: SQLite need not copy the text.
      sqlite3_bind_text(insert_.get(), 1, chunk.room.data(), static_cast<int>(chunk.room.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_.get(), 2, chunk.lines.data(), static_cast<int>(chunk.lines.size()), SQLITE_STATIC);
      ok = sqlite3_step(insert_.get()) == SQLITE_DONE;
      sqlite3_reset(insert_.get());
    }
    sqlite3_clear_bindings(insert_.get());
    // Then each room written is cut back to its newest keep_ lines; the
    // counts change only once the transaction commits.
    std::vector<std::pair<std::string, std::size_t>> totals;
    for (std::size_t i = 0; ok && i < batch.chunks.size(); ++i) {
      std::string key = room_key(batch.chunks[i].room);
      const auto it = on_disk_.find(key);
      std::size_t total = (it != on_disk_.end() ? it->second : 0) + static_cast<std::size_t>(batch.chunks[i].count);
      ok = prune(batch.chunks[i].room, total);
      totals.emplace_back(std::move(key), total);
    }
    if (ok && exec(db, "COMMIT")) {
      for (auto& [key, total] : totals) on_disk_[std::move(key)] = total;
      return {};
    }
    std::string error = sqlite3_errmsg(db);
    exec(db, "ROLLBACK");
    return error;
  }

 private:
  Statement prepare(std::string_view sql) { return sqlite::prepare(db_.get(), sql); }

  // A lock another process holds is waited for at most the batch's
  // busy_wait (chatd shortens it for its last batch at SIGTERM).
  static int on_busy(void* self, int count) {
    auto* writer = static_cast<Writer*>(self);
    const auto now = Clock::now();
    if (count == 0) writer->busy_since_ = now;
    const auto limit = writer->busy_since_ + writer->busy_wait_;
    if (now >= limit) return 0;
    std::this_thread::sleep_for(std::min<Clock::duration>(limit - now, std::chrono::milliseconds(5)));
    return 1;
  }

  // Within a transaction: deletes `room`'s oldest lines past keep_, given
  // it holds `total` lines on disk, and sets `total` to what is left.
  bool prune(std::string_view room, std::size_t& total) {
    if (keep_ == 0 || total <= keep_) return true;
    if (!oldest_) oldest_ = prepare("SELECT id, lines FROM chunks WHERE room = ?1 ORDER BY id");
    if (!erase_) erase_ = prepare("DELETE FROM chunks WHERE room = ?1 AND id <= ?2");
    if (!trim_) trim_ = prepare("UPDATE chunks SET lines = ?2 WHERE id = ?1");
    if (!oldest_ || !erase_ || !trim_) return false;
    sqlite3_stmt* const oldest = oldest_.get();

    // Oldest rows first: whole rows go while they are all excess; the row
    // the cut falls in loses its first lines.
    std::size_t excess = total - keep_;
    std::int64_t erase_through = -1;
    std::int64_t trim_id = -1;
    std::string trimmed;
    sqlite3_bind_text(oldest, 1, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
    int rc = SQLITE_DONE;
    while (excess > 0 && (rc = sqlite3_step(oldest)) == SQLITE_ROW) {
      const std::int64_t id = sqlite3_column_int64(oldest, 0);
      const std::string_view lines = column_text(oldest, 1);
      const std::size_t n = count_entries(lines);
      if (n <= excess) {
        erase_through = id;
        excess -= n;
        continue;
      }
      std::size_t at = 0;
      for (std::size_t k = 0; k < excess; ++k) at = lines.find('\n', at) + 1;
      trimmed.assign(lines.substr(at));
      trim_id = id;
      excess = 0;
    }
    sqlite3_reset(oldest);
    sqlite3_clear_bindings(oldest);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return false;
    total = keep_ + excess;  // excess is left only if the rows held fewer lines than counted

    if (erase_through >= 0) {
      sqlite3_stmt* const erase = erase_.get();
      sqlite3_bind_text(erase, 1, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(erase, 2, erase_through);
      rc = sqlite3_step(erase);
      sqlite3_reset(erase);
      sqlite3_clear_bindings(erase);
      if (rc != SQLITE_DONE) return false;
    }
    if (trim_id >= 0) {
      sqlite3_stmt* const trim = trim_.get();
      sqlite3_bind_int64(trim, 1, trim_id);
      sqlite3_bind_text(trim, 2, trimmed.data(), static_cast<int>(trimmed.size()), SQLITE_STATIC);
      rc = sqlite3_step(trim);
      sqlite3_reset(trim);
      sqlite3_clear_bindings(trim);
      if (rc != SQLITE_DONE) return false;
    }
    return true;
  }

  std::size_t keep_ = 0;
  std::unique_ptr<sqlite3, DbCloser> db_;
  // Declared after db_: finalized before it closes.
  Statement insert_, oldest_, erase_, trim_;
  // Lines on disk per room_key, as committed.
  std::unordered_map<std::string, std::size_t> on_disk_;
  std::chrono::milliseconds busy_wait_{0};
  Clock::time_point busy_since_{};
  std::string test_stall_file_;
};

}  // namespace

int run_history_writer(int fd, long parent) {
#ifdef __linux__
  // Dies with the chatd thread that started it; if that is gone already,
  // now.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (::getppid() != static_cast<pid_t>(parent)) return 1;
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);

  std::string body;
  if (!writer_frames::recv_frame(fd, body)) return 2;
  const auto start = writer_frames::decode_start(body);
  if (!start) return 2;
  Writer writer;
  std::string reply;
  if (std::string error = writer.open(*start); !error.empty()) {
    // Every batch gets the error; chatd retries them and says why.
    while (writer_frames::recv_frame(fd, body)) {
      reply.clear();
      writer_frames::encode_result(error, reply);
      if (!writer_frames::send_frame(fd, reply)) break;
    }
    return 0;
  }
  while (writer_frames::recv_frame(fd, body)) {
    const auto batch = writer_frames::decode_batch(body);
    if (!batch) return 2;
    reply.clear();
    writer_frames::encode_result(writer.write(*batch), reply);
    if (!writer_frames::send_frame(fd, reply)) return 2;
  }
  return 0;
}

}  // namespace chat
