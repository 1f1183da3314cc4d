#include "base/server_log.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
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

std::string rfc3339_millis(std::int64_t millis) {
  const auto seconds = static_cast<std::time_t>(millis / 1000);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &parts);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(millis % 1000));
  return std::string(buf, n) + frac;
}

void ServerLog::message(std::string_view line, std::string_view room) {
  if (quiet_) return;
  if (room.empty()) {
    write(line);
    return;
  }
  std::string named;
  named.reserve(room.size() + 1 + line.size());
  named.append(room).append(" ").append(line);
  write(named);
}

// Without --log-time a line goes out as it is: the classic log, and no
// copy on the message path.
void ServerLog::write(std::string_view line) {
  if (!timestamps_) {
    put(line);
    return;
  }
  const std::int64_t now =
      clock_ != nullptr ? clock_()
                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  const std::string stamp = rfc3339_millis(now) + " ";
  std::string stamped;
  while (!line.empty()) {  // every line of it, should it hold several
    const std::size_t end = std::min(line.find('\n'), line.size() - 1) + 1;
    stamped.append(stamp).append(line.substr(0, end));
    line.remove_prefix(end);
  }
  put(stamped);
}

void ServerLog::put(std::string_view bytes) {
  if (writer_ != nullptr) {
    writer_->write(bytes);
  } else {
    std::fwrite(bytes.data(), 1, bytes.size(), out_);
  }
}

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
