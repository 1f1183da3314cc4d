// What /proc says about the server under test: CPU seconds used so far and
// resident memory. Linux only; every reader returns nullopt when the process
// is gone or the file does not look as expected.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace flood {

// utime + stime from the text of /proc/PID/stat, in seconds.
std::optional<double> parse_stat_cpu_seconds(std::string_view stat, long ticks_per_second);
// A "Field:   123 kB" line of /proc/PID/status, in kB.
std::optional<long> parse_status_kb(std::string_view status, std::string_view field);

std::optional<double> read_cpu_seconds(long pid);
std::optional<long> read_status_kb(long pid, std::string_view field);  // "VmHWM", "VmRSS"
// The same summed over several processes (cluster nodes and redis-server);
// nullopt if any of them cannot be read.
std::optional<double> read_cpu_seconds(std::span<const long> pids);
std::optional<long> read_status_kb(std::span<const long> pids, std::string_view field);
// This process's own user + system CPU seconds.
double own_cpu_seconds();

}  // namespace flood
