// What one flood run measured, and its two renderings: a table for people
// and one JSON line (always the last line of stdout) for scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace flood {

struct Results {
  // The run as asked.
  std::uint32_t clients = 0;
  std::uint32_t senders = 0;
  std::uint64_t messages = 0;  // per sender, as planned
  std::uint64_t size = 0;
  std::string protocol;  // "line" or "irc"
  std::string mode;      // "closed" or "open"
  std::uint32_t window = 0;
  double rate = 0;
  double duration = 0;

  // Counts. expected = sent x (clients - 1); lost = expected - deliveries.
  std::uint64_t sent = 0;
  std::uint64_t expected = 0;
  std::uint64_t deliveries = 0;  // unique, in order, intact
  std::uint64_t duplicates = 0;  // a sequence at or below one already seen
  std::uint64_t echoes = 0;      // a sender's own message came back to it
  std::uint64_t lost = 0;
  std::uint64_t garbled = 0;
  std::uint64_t gaps = 0;          // a receiver skipped ahead in a sender's sequence
  std::uint64_t disconnected = 0;  // connections the server closed
  std::uint64_t notices = 0;       // "! ..." lines from the server
  std::string first_notice;

  // Time.
  double connect_s = 0;  // start until every client joined
  double seconds = 0;    // first send until the last delivery
  double deliveries_per_s = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0;
  std::uint64_t latency_samples = 0;

  // Cost.
  std::optional<double> server_cpu_s;
  std::optional<long> server_rss_kb;  // peak (VmHWM)
  double flood_cpu_s = 0;

  bool timed_out = false;
  bool stalled = false;  // gave up after --idle seconds without progress
  std::string error;     // set when the run could not be carried out

  [[nodiscard]] bool ok() const noexcept {
    return error.empty() && !timed_out && !stalled && lost == 0 && garbled == 0 && duplicates == 0;
  }
};

std::string format_table(const Results& r);
std::string format_json(const Results& r);  // one line, no trailing newline

}  // namespace flood
