// chatd's stdout log, as the classic server printed it, and its stderr
// diagnostics ("chatd: ..."). In chatd both go through a LogWriter, so a
// stuck reader of either stream never blocks the server.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/log_writer.h"

namespace chat {

class ServerLog {
 public:
  // Writes to `out` (not owned), e.g. an in-memory FILE in tests. With
  // `quiet`, per-message lines are left out.
  ServerLog(std::FILE* out, bool quiet) : out_(out), quiet_(quiet) {}
  // Writes through `writer` (not owned).
  ServerLog(LogWriter& writer, bool quiet) : writer_(&writer), quiet_(quiet) {}

  // --log-time: every line from now on starts with its RFC 3339 time in
  // UTC, to the millisecond ("2026-12-07T17:02:11.042Z "). `clock` (for
  // tests; null: the system's) gives milliseconds since the epoch.
  void set_timestamps(bool on, std::int64_t (*clock)() = nullptr) {
    timestamps_ = on;
    clock_ = clock;
  }

  // Joins, leaves, nick changes: always logged. `line` ends in "\n".
  void event(std::string_view line) { write(line); }
  // "[NAME] TEXT" and "* NAME TEXT": dropped under --quiet. Said in a room
  // other than the default one, the line starts with that `room` and a
  // space ("#dev [bob] hi").
  void message(std::string_view line, std::string_view room = {});

 private:
  void write(std::string_view line);
  void put(std::string_view bytes);

  std::FILE* out_ = nullptr;
  LogWriter* writer_ = nullptr;
  bool quiet_;
  bool timestamps_ = false;
  std::int64_t (*clock_)() = nullptr;
};

// "2026-12-07T17:02:11.042Z": RFC 3339, UTC, milliseconds.
std::string rfc3339_millis(std::int64_t millis_since_epoch);

// Diagnostics go to `writer` from now on (nullptr: straight to stderr, as
// before chatd starts serving). Not owned; must outlive its use.
void set_diagnostic_writer(LogWriter* writer);

// One diagnostic line on stderr, prefixed "chatd: ".
void diagnostic(std::string_view text);

// The same for a diagnostic that the network can cause at any rate: at most
// one line per second per `cause` (a fixed text, e.g. "refused a
// connection", and `text` starts with it), the rest counted
// (LogWriter::write_limited).
void diagnostic(std::string_view cause, std::string_view text);

}  // namespace chat
