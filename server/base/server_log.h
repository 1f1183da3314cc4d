// chatd's stdout log, as the classic server printed it, and its stderr
// diagnostics ("chatd: ..."). In chatd both go through a LogWriter, so a
// stuck reader of either stream never blocks the server.
#pragma once

#include <cstdio>
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

  // Joins, leaves, nick changes: always logged. `line` ends in "\n".
  void event(std::string_view line) { write(line); }
  // "[NAME] TEXT" and "* NAME TEXT": dropped under --quiet.
  void message(std::string_view line) {
    if (!quiet_) write(line);
  }

 private:
  void write(std::string_view line) {
    if (writer_ != nullptr) {
      writer_->write(line);
    } else {
      std::fwrite(line.data(), 1, line.size(), out_);
    }
  }

  std::FILE* out_ = nullptr;
  LogWriter* writer_ = nullptr;
  bool quiet_;
};

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
