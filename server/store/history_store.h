// --store PATH: room history kept in an SQLite database (WAL mode) so a
// restart keeps it.
//
// The room's thread never waits for the disk: append() only queues the line
// under a mutex; a writer thread drains the queue and writes everything
// queued so far in one transaction (group commit). So what was said before
// a SIGKILL is lost only if it was still in the queue or in the transaction
// being written. A disk that fills or fails (or RLIMIT_FSIZE: chatd ignores
// SIGXFSZ) is reported once on stderr; chatd keeps serving, and the rooms'
// in-memory history is unaffected.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/chat.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chat {

class HistoryStore final : public HistorySink {
 public:
  // The schema version this chatd writes; an older file is upgraded, a
  // newer one refused.
  static constexpr int kSchemaVersion = 1;
  // Lines waiting for the writer before new ones are dropped (and counted).
  static constexpr std::size_t kMaxQueued = 100'000;
  // How long the writer lets lines gather after the first one before it
  // writes them all in one transaction: the loop then almost never has to
  // wake it, and a busy server commits ~50 times a second, not per line.
  static constexpr auto kGather = std::chrono::milliseconds(20);

  // Opens (creating if needed) the database at `path`; on failure returns
  // the one line to show the user.
  static std::variant<std::unique_ptr<HistoryStore>, std::string> open(const std::string& path);

  ~HistoryStore();  // writes what is queued, then closes
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Gives `room` the last `per_room` lines of every stored room.
  void load_into(Chat& room, std::size_t per_room);

  // Every stored line of `room_name` (any ASCII case), oldest first, as
  // {time, line without its "\n"}; an error line instead on failure.
  struct Line {
    std::int64_t time;
    std::string text;
  };
  std::variant<std::vector<Line>, std::string> read_room(std::string_view room_name);

  // HistorySink: queues the line for the writer thread (a reference to the
  // shared buffer, no copy).
  void append(std::string_view room, std::int64_t time, const SharedLine& line) override;

  // Blocks until everything queued before the call is written (for tests
  // and shutdown).
  void flush();

 private:
  struct Pending {
    std::string room;  // short names need no allocation
    std::int64_t time;
    SharedLine line;   // as sent, with its "\n"
  };
  struct DbCloser {
    void operator()(sqlite3* db) const noexcept;
  };
  struct StmtCloser {
    void operator()(sqlite3_stmt* s) const noexcept;
  };

  explicit HistoryStore(std::unique_ptr<sqlite3, DbCloser> db);
  void writer_loop();
  // Writes `batch` in one transaction; the error, or empty on success.
  std::string write_batch(const std::vector<Pending>& batch);

  // One room's lines of a batch, as written in one row. Writer thread only.
  struct Chunk {
    std::string room;
    std::string lines;
  };
  static constexpr std::size_t kKeptChunks = 16;
  static constexpr std::size_t kKeptBytes = std::size_t{1} << 20;

  std::unique_ptr<sqlite3, DbCloser> db_;
  std::vector<Chunk> chunks_;  // writer thread only: reused from batch to batch
  std::unique_ptr<sqlite3_stmt, StmtCloser> insert_;  // writer thread only; prepared once
  std::mutex mutex_;
  std::condition_variable wake_;     // the writer: work or stop
  std::condition_variable written_;  // flush(): a batch finished
  std::vector<Pending> queue_;       // guarded by mutex_
  std::uint64_t queued_total_ = 0;   // guarded by mutex_: lines ever queued
  std::uint64_t written_total_ = 0;  // guarded by mutex_: lines the writer finished with
  std::uint64_t dropped_ = 0;        // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  bool writer_waiting_ = false;      // guarded by mutex_: the writer sleeps until told
  bool flush_wanted_ = false;        // guarded by mutex_: flush() waits, do not gather
  bool failing_ = false;             // writer thread only: an error was reported
  std::thread writer_;
};

}  // namespace chat
