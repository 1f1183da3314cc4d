// chatd's stdout log, as the classic server printed it, and its stderr
// diagnostics ("chatd: ...").
#pragma once

#include <cstdio>
#include <string_view>

namespace chat {

class ServerLog {
 public:
  // `out` is not owned. With `quiet`, per-message lines are left out.
  ServerLog(std::FILE* out, bool quiet) : out_(out), quiet_(quiet) {}

  // Joins, leaves, nick changes: always logged. `line` ends in "\n".
  void event(std::string_view line) { write(line); }
  // "[NAME] TEXT" and "* NAME TEXT": dropped under --quiet.
  void message(std::string_view line) {
    if (!quiet_) write(line);
  }
  void flush() { std::fflush(out_); }

 private:
  void write(std::string_view line) { std::fwrite(line.data(), 1, line.size(), out_); }

  std::FILE* out_;
  bool quiet_;
};

// One diagnostic line on stderr, prefixed "chatd: ".
void diagnostic(std::string_view text);

}  // namespace chat
