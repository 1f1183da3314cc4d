// --store PATH: room history kept in an SQLite database (WAL mode) so a
// restart keeps it.
//
// The room's thread never waits for the disk: append() only queues the line
// under a mutex; a writer thread drains the queue and hands everything
// queued so far, as one batch, to the history writer process
// (history_writer.h), which writes it in one transaction (group commit).
// So what was said before a SIGKILL is lost only if it was still in the
// queue or in the transaction being written.
//
// Bounds (docs/SECURITY.md, "History store"):
// - on disk, at most `keep` lines per room (the newest; older rows are
//   deleted in the writer's transaction);
// - in memory, lines waiting for the disk are bounded in bytes
//   (kMaxQueuedBytes); past it new lines are dropped and counted;
// - a batch that fails (full disk, locked database, RLIMIT_FSIZE, a writer
//   process that died: it is started again) is kept and retried with
//   backoff, and said once on stderr, then as "writes failing" while it
//   lasts; the rooms' in-memory history is unaffected;
// - a write that does not return (a frozen disk: the writer process sleeps
//   in the kernel, it does not fail) is noticed by a watchdog thread after
//   kStallWarn and said as "stalled", then every kStallRepeat, and "the
//   store accepts history again" once it returns;
// - the destructor (SIGTERM) gives up on a locked database after
//   kStopBudget, and on a write that has not returned after kStopSay: it
//   kills the writer process (its transaction is rolled back) and counts on
//   stderr the lines not written. chatd then exits: only the writer process
//   stays in the kernel's hands until the disk returns, holding no socket.
//
// One chatd per file: open() holds an exclusive flock on PATH.lock for the
// store's lifetime, so a second chatd on the same file is refused instead
// of replaying every line twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <optional>
#include <variant>
#include <vector>

#include "core/chat.h"
#include "metrics/exposition.h"
#include "store/writer_process.h"
#include "unique_fd.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chat {

class HistoryStore final : public HistorySink {
 public:
  using Clock = std::chrono::steady_clock;

  // The schema version this chatd writes; an older file is upgraded, a
  // newer one refused.
  static constexpr int kSchemaVersion = 1;
  // Memory for lines waiting for the writer (each charged its text, its
  // room name and kPendingOverhead); past it new lines are dropped and
  // counted.
  static constexpr std::size_t kMaxQueuedBytes = std::size_t{64} << 20;
  static constexpr std::size_t kPendingOverhead = 128;
  // How long the writer lets lines gather after the first one before it
  // writes them all in one transaction: the loop then almost never has to
  // wake it, and a busy server commits ~50 times a second, not per line.
  static constexpr auto kGather = std::chrono::milliseconds(20);
  // A write waits at most this long for a lock another process holds on
  // the database before the batch counts as failed.
  static constexpr auto kBusyWait = std::chrono::milliseconds(1000);
  // After a failed batch: wait kRetryFirst, doubling up to kRetryMax.
  static constexpr auto kRetryFirst = std::chrono::milliseconds(100);
  static constexpr auto kRetryMax = std::chrono::milliseconds(1000);
  // "writes failing" is said once writes have failed this long, then every
  // kStallRepeat while they still fail.
  static constexpr auto kStallReport = std::chrono::seconds(3);
  static constexpr auto kStallRepeat = std::chrono::seconds(30);
  // The destructor's last write gives up waiting for a lock after this.
  static constexpr auto kStopBudget = std::chrono::milliseconds(1500);
  // A write (one batch's transaction) still running after this is said as
  // "stalled" by the watchdog; "a stalled write" again every kStallRepeat.
  static constexpr auto kStallWarn = std::chrono::seconds(5);
  // The destructor gives up on a write that has not returned this long
  // after it began stopping (kStopBudget and a margin: SIGTERM's "within
  // 3 s"): it kills the writer process.
  static constexpr auto kStopSay = std::chrono::milliseconds(2000);
  // Test seam: while the file named by this environment variable (read
  // once by open()) exists, every write waits before it starts, as a write
  // on a frozen disk does. Unset in production; tests/integration/store_test.
  static constexpr const char* kTestStallEnv = "CHATD_TEST_STORE_STALL";

  // Opens (creating it 0600 if needed) the database at `path` for a
  // serving chatd: takes the PATH.lock flock, checks the file (PRAGMA
  // quick_check), prunes every room to its newest `keep` lines (0: keeps
  // everything; nothing is written then) and starts the writer thread,
  // which starts `writer_executable --history-writer` (chatd itself). On
  // failure returns the one line to show the user (without "chatd: ").
  static std::variant<std::unique_ptr<HistoryStore>, std::string> open(const std::string& path, std::size_t keep,
                                                                      std::string writer_executable);

  ~HistoryStore();  // writes what is queued (bounded by kStopBudget), then closes
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Gives `room` the last `per_room` lines of every stored room. Then
  // closes the connection open() used: from here on only the writer
  // process writes (a connection of chatd's closing last would write the
  // WAL back into the database, on whatever disk).
  void load_into(Chat& room, std::size_t per_room);

  // Every stored line of `room_name` (any ASCII case), oldest first, as
  // {time, line without its "\n"}. Opens `path` read-only (never creating
  // it) and checks it like open(); an error line instead on failure,
  // including "no such store: PATH" and "no history for ROOM in PATH".
  struct Line {
    std::int64_t time;
    std::string text;
  };
  static std::variant<std::vector<Line>, std::string> export_room(const std::string& path,
                                                                  std::string_view room_name);

  // HistorySink: queues the line for the writer thread (a reference to the
  // shared buffer, no copy). Never waits for the disk.
  void append(std::string_view room, std::int64_t time, const SharedLine& line, std::uint64_t seq) override;

  // HistorySink, for /history: reads the room's rows newest first through
  // a read-only connection of its own (WAL: the writer never blocks it),
  // at most the `keep` lines a room holds on disk. Lines still waiting for
  // the writer are in the room's memory, which the chat reads first.
  std::vector<Stored> older(std::string_view room, std::uint64_t before, std::size_t count,
                            std::size_t bytes) override;

  // Blocks until everything queued before the call is written or given up
  // (for tests).
  void flush();

  // What --metrics reports: the queue now, drops, commit times and errors.
  // Takes the lock the loop takes to queue a line (never held across a
  // disk write), so it never waits for the disk.
  [[nodiscard]] StoreStats stats();

 private:
  struct Pending {
    std::string room;  // short names need no allocation
    std::int64_t time;
    SharedLine line;   // as sent, with its "\n"
    std::uint64_t seq = 0;  // its number in the room (HistorySink::append)
  };
  struct DbCloser {
    void operator()(sqlite3* db) const noexcept;
  };
  struct StmtCloser {
    void operator()(sqlite3_stmt* s) const noexcept;
  };
  using Db = std::unique_ptr<sqlite3, DbCloser>;

  HistoryStore(std::string path, UniqueFd lock, Db db, std::size_t keep);
  void start();  // the writer thread
  void load_rooms(Chat& room, std::size_t per_room);
  static std::size_t charge(const Pending& p);
  void writer_loop();
  void watchdog_loop();  // the watchdog thread: says a write that has not returned
  // Drops from `batch` the lines of each room older than its newest
  // `keep_` (they would be pruned at once); returns their charge.
  std::size_t compact(std::vector<Pending>& batch) const;
  // Has the writer process write `batch` and prune its rooms in one
  // transaction; the error, or empty on success. Writer thread only.
  std::string write_batch(const std::vector<Pending>& batch);
  // Starts the writer process if none runs; the error, or empty.
  std::string ensure_writer_process();
  void report(const std::string& text) const;

  // One room's lines of a batch, as written in one row. Writer thread only.
  struct Chunk {
    std::string room;
    std::string lines;
    std::size_t count = 0;
    std::uint64_t last_seq = 0;
  };
  static constexpr std::size_t kKeptChunks = 16;
  static constexpr std::size_t kKeptBytes = std::size_t{1} << 20;

  const std::string path_;
  const std::size_t keep_;
  std::string writer_executable_;
  UniqueFd lock_;  // PATH.lock, flock()ed; released after the database closes
  Db db_;          // open() and load_into() only
  std::vector<Chunk> chunks_;  // writer thread only: reused from batch to batch
  std::string frame_;          // writer thread only: the batch as sent, reused
  std::string reply_;          // writer thread only: the writer's answer
  // Writer thread only (open() before it starts): lines on disk per
  // room_key, as committed; what a writer process started again is told.
  std::unordered_map<std::string, std::size_t> on_disk_;
  // Clock::rep of the time the destructor's last write stops waiting for a
  // lock; max until then.
  std::atomic<Clock::rep> stop_deadline_{Clock::time_point::max().time_since_epoch().count()};
  // The writer process: started, used and ended by the writer thread;
  // killed by the destructor when it gives up on a write (gave_up_).
  // process_mutex_ guards the optional itself, not its I/O.
  std::mutex process_mutex_;
  std::optional<WriterProcess> process_;
  std::atomic<bool> gave_up_{false};

  std::mutex mutex_;
  std::condition_variable wake_;     // the writer: work or stop
  std::condition_variable written_;  // flush(): a batch finished
  std::vector<Pending> queue_;       // guarded by mutex_
  std::size_t waiting_bytes_ = 0;    // guarded by mutex_: queue_ and the writer's unwritten batch
  std::uint64_t queued_total_ = 0;   // guarded by mutex_: lines ever queued
  std::uint64_t done_total_ = 0;     // guarded by mutex_: lines the writer finished with
  std::uint64_t dropped_ = 0;        // guarded by mutex_: refused since the writer last looked
  StoreStats stats_;                 // guarded by mutex_: what --metrics reports (its queue filled in stats())
  bool stopping_ = false;            // guarded by mutex_
  bool writer_waiting_ = false;      // guarded by mutex_: the writer sleeps until told
  bool flush_wanted_ = false;        // guarded by mutex_: flush() waits, do not gather
  bool writer_done_ = false;         // guarded by mutex_: the writer has left its loop
  // Guarded by mutex_: when the write in flight began (epoch: none), whether
  // the watchdog said it stalled, and when it may say so again.
  Clock::time_point write_since_{};
  bool stall_said_ = false;
  Clock::time_point next_stall_say_{};
  bool watch_stop_ = false;          // guarded by mutex_
  std::condition_variable watch_;    // the watchdog: stop
  std::thread writer_;
  std::thread watchdog_;

  // /history: per room_key, the number of the newest line on disk
  // (guarded by mutex_); the read-only connection (the chat's thread only).
  std::unordered_map<std::string, std::uint64_t> committed_;
  Db reader_;
  std::unique_ptr<sqlite3_stmt, StmtCloser> older_;
};

}  // namespace chat
