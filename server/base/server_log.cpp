#include "base/server_log.h"

#include <atomic>
#include <string>

namespace chat {

namespace {

std::atomic<LogWriter*> g_diagnostics{nullptr};

std::string diagnostic_line(std::string_view text) {
  std::string line = "chatd: ";
  line.append(text);
  line.push_back('\n');
  return line;
}

}  // namespace

void set_diagnostic_writer(LogWriter* writer) { g_diagnostics.store(writer); }

void diagnostic(std::string_view text) {
  const std::string line = diagnostic_line(text);
  if (LogWriter* writer = g_diagnostics.load()) {
    writer->write(line);
  } else {
    std::fwrite(line.data(), 1, line.size(), stderr);  // stderr is unbuffered: one write
  }
}

void diagnostic(std::string_view cause, std::string_view text) {
  if (LogWriter* writer = g_diagnostics.load()) {
    writer->write_limited(cause, diagnostic_line(text));
  } else {
    diagnostic(text);
  }
}

}  // namespace chat
